import Foundation
import GRDB

/// Copies a file store's write-ahead log into the database on a queue of its own, twice a
/// second. SQLite's own checkpoint runs inside the commit that crosses 1,000 WAL pages, and
/// with its fsync of the database file it made one booking in a hundred wait some 20 ms (the
/// booking latency's p99). A PASSIVE checkpoint here takes no writer's lock: commits go on
/// meanwhile. The monitor's writer keeps SQLite's own checkpoint only as a backstop, at
/// `backstopPages` (should these checkpoints ever fall behind).
final class WALCheckpointer: @unchecked Sendable {
    static let backstopPages = 20_000
    static let interval: TimeInterval = 0.5

    private let timer: any DispatchSourceTimer

    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "booking-monitor.checkpoint"
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "booking-monitor.wal-checkpoint"))
        timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval)
        timer.setEventHandler {
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
        timer.resume()
    }

    /// No checkpoint starts after this; its connection closes with the timer.
    func stop() { timer.cancel() }
}
