import Foundation

/// CSV as RFC 4180 writes it, for a spreadsheet: a cell with a comma, a quote or a line break
/// is quoted, and a cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return; a title is the Orchestrator's text) gets a leading `'`.
public enum CSV {
    public static func cell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ cells: [String]) -> String { cells.map(cell).joined(separator: ",") + "\r\n" }
}

/// The history as CSV, newest first as given, with a header row: `GET /administration/history
/// ?format=csv` and the console's `:export history csv PATH` write the same.
public enum HistoryCSV {
    public static let header = ["sequence", "time", "kind", "source", "instance", "productId", "customerId", "title",
                                "bookingId", "summary", "detail"]

    public static func write(_ entries: [HistoryEntry]) -> String {
        var out = CSV.line(header)
        for entry in entries {
            out += CSV.line([String(entry.sequence), time(entry.time), entry.kind.rawValue, entry.source ?? "",
                             entry.instance ?? "", entry.productId.map(String.init) ?? "",
                             entry.customerId.map(String.init) ?? "", entry.title ?? "", entry.bookingId ?? "",
                             entry.summary, entry.detail ?? ""])
        }
        return out
    }

    /// ISO 8601 in UTC with milliseconds, as the history's JSON has it.
    public static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
