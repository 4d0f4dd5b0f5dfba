import BookingCore
import Foundation

/// CSV for `:export`: RFC 4180 quoting, and every cell that a spreadsheet would read as a
/// formula (starting with = + - @, or a tab or carriage return) prefixed with `'`.
public enum CSVExport {
    public static func cell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ cells: [String]) -> String { cells.map(cell).joined(separator: ",") + "\r\n" }

    /// The products as the pane shows them (filtered, sorted), with the columns it shows.
    public static func products(_ model: ConsoleModel) -> String {
        var text = line(["id", "status", "title", "description", "customer", "booked_at", "queue"])
        let iso = ISO8601DateFormatter()
        for product in model.shownProducts {
            let booked = product.status == .booked
            text += line([String(product.id), String(product.status.rawValue), product.title, product.description,
                          booked ? product.bookedBy.map(String.init) ?? "" : "",
                          booked ? product.bookedAt.map(iso.string(from:)) ?? "" : "",
                          String(model.queueLengths[TitleKey(product.title)] ?? 0)])
        }
        return text
    }

    public static func history(_ entries: [HistoryEntry]) -> String {
        var text = line(["sequence", "time", "kind", "source", "instance", "product", "customer", "title", "booking",
                         "summary", "detail"])
        let iso = ISO8601DateFormatter()
        for entry in entries {
            text += line([String(entry.sequence), iso.string(from: entry.time), entry.kind.rawValue, entry.source ?? "",
                          entry.instance ?? "", entry.productId.map(String.init) ?? "",
                          entry.customerId.map(String.init) ?? "", entry.title ?? "", entry.bookingId ?? "",
                          entry.summary, entry.detail ?? ""])
        }
        return text
    }

    /// `~/x` and `$HOME`-relative paths as the shell would expand them; others as given.
    public static func expand(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
    }
}

/// The command line's history across runs: `$XDG_STATE_HOME/booking-monitor/command-history`,
/// else `~/.local/state/booking-monitor/command-history`; one command a line, oldest first.
public struct CommandHistoryFile: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> CommandHistoryFile {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.local/state"
        return CommandHistoryFile(path: base + "/booking-monitor/command-history")
    }

    /// The saved commands; none when there is no file yet (or it cannot be read).
    public func load() -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return Array(text.split(separator: "\n").map(String.init).suffix(ConsoleState.commandHistoryLimit))
    }

    public func save(_ commands: [String]) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = commands.suffix(ConsoleState.commandHistoryLimit).map { $0 + "\n" }.joined()
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
