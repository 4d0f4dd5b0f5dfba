import BookingCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// This instance's part in a group shared through one PostgreSQL database, on a session of its
/// own beside the store's writer:
/// - **presence**: the session's application_name names the instance; the live instances are
///   the sessions PostgreSQL has (a dead process's session ends with it);
/// - **changes**: `LISTEN booking_monitor`; each commit of any instance notifies, and the monitor
///   catches up at once (no polling);
/// - **the sender role**: a session-level advisory lock. The instance holding it delivers the
///   outbox; when it dies its session ends, the lock is free, and another instance takes it.
public final class SharedGroup: SenderRole, @unchecked Sendable {
    public let instance: String
    private let store: PostgresStore
    private let session: BlockingConnection
    private let logger: Logger
    private let holdsSender = NIOLockedValueBox(false)
    private let notifications: AsyncStream<Void>
    private let notified = NIOLockedValueBox(0)
    /// NOTIFYs received so far: how this instance learns of the others' commits.
    public var notificationsReceived: Int { notified.withLockedValue { $0 } }
    private let notify: AsyncStream<Void>.Continuation

    /// PostgreSQL keeps 63 bytes of an application_name.
    static func applicationName(_ instance: String, role: String) -> String {
        String(decoding: Array("booking-monitor/\(role) \(instance)".utf8.prefix(63)), as: UTF8.self)
    }

    public init(store: PostgresStore, instance: String, logger: Logger) {
        self.instance = instance
        self.store = store
        self.logger = logger
        (notifications, notify) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let holdsSender = self.holdsSender
        let notify = self.notify
        let notified = self.notified
        session = BlockingConnection(
            url: store.url, applicationName: Self.applicationName(instance, role: "session"),
            eventLoop: store.eventLoopGroup.next(), logger: logger,
            onConnect: { connection in
                // A new session: whatever the old one held (the sender lock) is gone with it.
                holdsSender.withLockedValue { $0 = false }
                connection.addListener(channel: PostgresStore.channel) { _, _ in
                    notified.withLockedValue { $0 += 1 }
                    notify.yield()
                }
                connection.closeFuture.whenComplete { _ in holdsSender.withLockedValue { $0 = false } }
            })
    }

    /// Connects and listens; then, until cancelled: catches the monitor up on every
    /// notification, and every second checks the session (reconnecting after a loss, and
    /// catching up on what was missed meanwhile) and publishes the live instances.
    public func run(monitor: Monitor) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in self.notifications {
                    do { try await monitor.refresh() } catch {
                        self.logger.warning("could not read the other instances' changes: \(PostgresErrors.describe(error))")
                    }
                }
            }
            await self.watchSession(monitor)
            notify.finish()
            group.cancelAll()
        }
    }

    /// Ends the session (giving up the sender role) and closes the store: for shutdown.
    public func close() {
        session.close()
        store.close()
    }

    deinit { session.close() }

    private func watchSession(_ monitor: Monitor) async {
        var wasOpen = false
        while !Task.isCancelled {
            do {
                if !session.isOpen || !wasOpen {
                    try session.with { session in try session.query("LISTEN booking_monitor") }
                    if wasOpen { logger.notice("shared store: session re-established") }
                    notify.yield()  // catch up on anything missed while not listening
                }
                wasOpen = true
                await monitor.updatePeers(try peers())
            } catch {
                if wasOpen { logger.warning("shared store: session lost, reconnecting: \(PostgresErrors.describe(error))") }
                wasOpen = false
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    // MARK: Sender role

    /// True while this instance holds the sender lock; tries to take it when it does not.
    public func claim() async -> Bool {
        if holdsSender.withLockedValue({ $0 }), session.isOpen { return true }
        do {
            let taken = try session.with { session in
                try session.rows("""
                    SELECT pg_try_advisory_lock(\(SharedLocks.sender.class), \(SharedLocks.sender.object))
                    """).first?.decode(Bool.self) ?? false
            }
            holdsSender.withLockedValue { $0 = taken }
            if taken { logger.notice("this instance now delivers the outbox (sender role taken)") }
            return taken
        } catch {
            holdsSender.withLockedValue { $0 = false }
            return false
        }
    }

    // MARK: Presence

    /// The group's live instances, this one included; the sender first.
    func peers() throws -> [PeerInstance] {
        let prefix = Self.applicationName("", role: "session")
        let rows = try session.with { session in
            try session.rows("""
                SELECT a.application_name, a.pid = pg_backend_pid(),
                       EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                               AND l.classid = \(unescaped: String(SharedLocks.sender.class))
                               AND l.objid = \(unescaped: String(SharedLocks.sender.object)))
                FROM pg_stat_activity a
                WHERE a.datname = current_database() AND a.application_name LIKE \(prefix + "%")
                ORDER BY a.backend_start
                """)
        }
        return try rows.map { row in
            let (name, isSelf, isSender) = try row.decode((String, Bool, Bool).self)
            return PeerInstance(name: String(name.dropFirst(prefix.count)), isSelf: isSelf, isSender: isSender)
        }.sorted { ($0.isSender ? 0 : 1, $0.name) < ($1.isSender ? 0 : 1, $1.name) }
    }
}
