import BookingCore
import Foundation

/// CSV for `:export` (`CSV`'s quoting and formula guard): the products as shown, the history
/// as `GET /administration/history?format=csv` writes it.
public enum CSVExport {
    public static func cell(_ text: String) -> String { CSV.cell(text) }

    public static func line(_ cells: [String]) -> String { CSV.line(cells) }

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

    public static func history(_ entries: [HistoryEntry]) -> String { HistoryCSV.write(entries) }

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
