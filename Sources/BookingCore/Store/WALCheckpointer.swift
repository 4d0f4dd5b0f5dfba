import Foundation
import GRDB

/// Copies a file store's write-ahead log into the database on a thread of its own, twice a
/// second. SQLite's own checkpoint runs inside the commit that crosses 1,000 WAL pages, and
/// with its fsync of the database file it made one booking in a hundred wait some 20 ms (the
/// booking latency's p99). A PASSIVE checkpoint here takes no writer's lock: commits go on
/// meanwhile. The monitor's writer keeps SQLite's own checkpoint only as a backstop, at
/// `backstopPages` (should this thread ever fall behind).
final class WALCheckpointer: @unchecked Sendable {
    static let backstopPages = 20_000
    static let interval: TimeInterval = 0.5

    private let connection: DatabaseQueue
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var stopped = false

    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "booking-monitor.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let thread = Thread { [self] in run() }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while !stopped {
            _ = condition.wait(until: Date().addingTimeInterval(Self.interval))
            if stopped { break }
            condition.unlock()
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            condition.lock()
        }
        condition.unlock()
    }
}
