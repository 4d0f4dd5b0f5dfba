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
/// - **the sender role**: a session-level advisory lock, held as a *lease*. The session is
///   started with `idle_session_timeout` and renewed by a heartbeat every second; an instance
///   that stops (dies, freezes, is cut off) loses the session within `timeouts.lease` and the
///   lock with it, and another instance takes it. The holder checks its last renewal (monotonic
///   clock) before every send, and each taking of the role increases the group's
///   `sender_epoch`, which the store checks when an event is marked delivered (a fence).
public final class SharedGroup: SenderRole, @unchecked Sendable {
    public let instance: String
    private let store: PostgresStore
    /// The monitor's store health (set by `run`): a claim that finds the store unreachable marks
    /// it failing at once (the heartbeat may be waiting behind it on the same session).
    private let health = NIOLockedValueBox<StoreHealth?>(nil)
    private let session: BlockingConnection
    private let logger: Logger
    private let holdsSender = NIOLockedValueBox(false)
    /// When the role session last answered: the lease is good for `timeouts.lease` from there.
    private let lastRenewal = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
    private let lease: Duration
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
        lease = .milliseconds(Int64(store.timeouts.lease * 1000))
        let holdsSender = self.holdsSender
        let notify = self.notify
        let notified = self.notified
        let fence = store.fence
        let lost: @Sendable () -> Void = {
            holdsSender.withLockedValue { $0 = false }
            fence.withLockedValue { if case .epoch = $0 { $0 = .epoch(nil) } }
        }
        session = BlockingConnection(
            url: store.url, applicationName: Self.applicationName(instance, role: "session"),
            timeouts: store.timeouts, holdsLease: true,
            eventLoop: store.eventLoopGroup.next(), logger: logger,
            onConnect: { connection in
                // A new session: whatever the old one held (the sender lock) is gone with it.
                lost()
                connection.addListener(channel: PostgresStore.channel) { _, _ in
                    notified.withLockedValue { $0 += 1 }
                    notify.yield()
                }
                connection.closeFuture.whenComplete { _ in lost() }
            })
    }

    /// Connects and listens; then, until cancelled: catches the monitor up on every
    /// notification, and every second checks the session (reconnecting after a loss, and
    /// catching up on what was missed meanwhile) and publishes the live instances.
    public func run(monitor: Monitor) async {
        health.withLockedValue { $0 = monitor.storeHealth }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in self.notifications {
                    do { try await monitor.refresh() } catch {
                        self.logger.warning("could not read the other instances' changes: \(PostgresErrors.describe(error))")
                    }
                }
            }
            group.addTask { await self.watchLease(monitor) }
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

    /// Also the lease's heartbeat: every second a round trip on the role session.
    private func watchSession(_ monitor: Monitor) async {
        var wasOpen = false
        var lostAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            do {
                if !session.isOpen || !wasOpen {
                    try await session.run { session in try session.query("LISTEN booking_monitor") }
                    if wasOpen || lostAt != nil {
                        let outage = lostAt.map { ", cut off for \(Self.seconds($0.duration(to: .now)))" } ?? ""
                        logger.notice("shared store: session re-established\(outage)")
                        await monitor.note(.info, "shared store: session re-established\(outage)")
                        lostAt = nil
                    }
                    notify.yield()  // catch up on anything missed while not listening
                }
                wasOpen = true
                await monitor.updatePeers(try await peers())
            } catch {
                if lostAt == nil { lostAt = .now }
                // Readiness says so at once, not when the monitor's actor is free again (it may be
                // waiting on the same unreachable store for a read or a write).
                monitor.storeHealth.markFailing()
                await monitor.storeFailing("the shared store's session: \(PostgresErrors.describe(error))")
                // Cut off, this instance does not send: its lease cannot be renewed (and the fence
                // refuses its delivery marks). Said at once, in the link and in the list of
                // instances, not when the delivery loop's next claim gives up.
                await giveUpRole(monitor, because: "cut off from the shared store")
                if wasOpen { logger.warning("shared store: session lost, reconnecting: \(PostgresErrors.describe(error))") }
                wasOpen = false
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    // MARK: Sender role

    /// The lease by this process's own clock: a sender whose last renewal is older than the
    /// lease has lost the role, whatever its session says. Checked twice a second on a task of
    /// its own, because the heartbeat and the delivery loop may both be waiting on a store
    /// that does not answer (a partition), and the link must not say "sends" meanwhile.
    private func watchLease(_ monitor: Monitor) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let expired = lastRenewal.withLockedValue { $0.map { $0.duration(to: .now) > lease } ?? false }
            if expired, holdsSender.withLockedValue({ $0 }) {
                await giveUpRole(monitor, because: "the lease was not renewed for \(Self.seconds(lease))")
            }
        }
    }

    /// Stops sending: the role is not certainly ours any more (the fence refuses our delivery
    /// marks meanwhile). Said at once in the link and in the list of instances; the delivery
    /// loop's next claim takes the role again once the store answers and nobody else holds it.
    private func giveUpRole(_ monitor: Monitor, because reason: String) async {
        if holdsSender.withLockedValue({ held in defer { held = false }; return held }) {
            store.fence.withLockedValue { if case .epoch = $0 { $0 = .epoch(nil) } }
            logger.warning("shared store: \(reason); this instance stops sending until it holds the role again")
        }
        await monitor.notSender()
        await monitor.updateLink { $0.standby = true }
    }

    /// True while this instance holds the sender lock; tries to take it when it does not.
    /// Called before every send: true only while the lease is certainly good. Past half of it
    /// since the last renewal (a freeze, a stall), it is checked with the server first.
    public func claim() async -> Bool {
        let held = holdsSender.withLockedValue { $0 }
        if held, session.isOpen, let renewed = lastRenewal.withLockedValue({ $0 }), renewed.duration(to: .now) < lease / 2 {
            return true
        }
        do {
            let (holds, epoch) = try await session.run { session -> (Bool, Int64?) in
                if held {
                    // Still ours? (The server ends a session idle past the lease, and the lock with it.)
                    let still = try session.rows("""
                        SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'
                                       AND granted AND classid = \(unescaped: String(SharedLocks.sender.class))
                                       AND objid = \(unescaped: String(SharedLocks.sender.object)))
                        """).first?.decode(Bool.self) ?? false
                    return (still, nil)
                }
                let taken = try session.rows("""
                    SELECT pg_try_advisory_lock(\(SharedLocks.sender.class), \(SharedLocks.sender.object))
                    """).first?.decode(Bool.self) ?? false
                guard taken else { return (false, nil) }
                let epoch = try session.rows("""
                    UPDATE group_state SET sender_epoch = sender_epoch + 1 WHERE id = 1 RETURNING sender_epoch
                    """).first?.decode(Int64.self)
                return (true, epoch)
            }
            renewed()
            holdsSender.withLockedValue { $0 = holds }
            if let epoch {
                store.fence.withLockedValue { $0 = .epoch(epoch) }
                logger.notice("this instance now delivers the outbox (sender role taken, epoch \(epoch))")
            } else if !holds {
                store.fence.withLockedValue { if case .epoch = $0 { $0 = .epoch(nil) } }
            }
            return holds
        } catch {
            holdsSender.withLockedValue { $0 = false }
            store.fence.withLockedValue { if case .epoch = $0 { $0 = .epoch(nil) } }
            health.withLockedValue { $0 }?.markFailing()
            return false
        }
    }

    private func renewed() { lastRenewal.withLockedValue { $0 = .now } }

    /// As the monitor says a duration (one formatter for the store's outages).
    static func seconds(_ duration: Duration) -> String {
        Monitor.seconds(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    // MARK: Presence

    /// The group's live instances, this one included; the sender first.
    func peers() async throws -> [PeerInstance] {
        let prefix = Self.applicationName("", role: "session")
        let rows = try await session.run { session in
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
        renewed()
        return try rows.map { row in
            let (name, isSelf, isSender) = try row.decode((String, Bool, Bool).self)
            return PeerInstance(name: String(name.dropFirst(prefix.count)), isSelf: isSelf, isSender: isSender)
        }.sorted { ($0.isSender ? 0 : 1, $0.name) < ($1.isSender ? 0 : 1, $1.name) }
    }
}
