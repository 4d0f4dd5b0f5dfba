import BookingCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// The shared store: several instances of one group on one PostgreSQL database.
///
/// - Every write transaction first locks the group row (`SELECT … FOR UPDATE`), so the
///   decisions of all instances form one order: the monitor catches up with what the others
///   committed (rows whose `changed_version` is newer than the version it has seen) and plans
///   on that. A product cannot be booked twice, and queue order holds across instances, because
///   no two instances ever plan at the same time on different views.
/// - Every commit increases the group's version and sends it with `NOTIFY booking_monitor`;
///   each instance listens and catches up at once (see `SharedGroup`).
/// - A booking, its product and its outgoing event are written in one transaction, as in SQLite.
public final class PostgresStore: Store, @unchecked Sendable {
    public let url: PostgresURL
    public let group: String
    public var description: String { "postgres \(url.host):\(url.port)/\(url.database)" }
    public var isShared: Bool { true }

    static let channel = "booking_monitor"

    let eventLoopGroup: MultiThreadedEventLoopGroup
    private let writer: BlockingConnection
    private let logger: Logger
    /// The group version this process's memory reflects.
    private let seen = NIOLockedValueBox<Int64>(0)
    public let timeouts: SharedStoreTimeouts
    /// This process's name among the group's instances: written with each history entry.
    public let instanceName: String
    public var instance: String? { instanceName }
    public let historyRetention: HistoryRetention

    /// Fencing of delivery marks. `.none` until a sender role is in play (a store used without
    /// `SharedGroup`); then the epoch this instance took the role at, or nil after it lost it.
    /// An event is marked delivered only while the group's `sender_epoch` is still this one:
    /// a sender that woke from a freeze after another took over cannot record over it.
    enum Fence: Equatable { case none, epoch(Int64?) }
    let fence = NIOLockedValueBox(Fence.none)

    /// Connects, migrates, and checks the database serves `group`. `instance` names this
    /// process to the others (PostgreSQL's application_name).
    public init(url: PostgresURL, group: String, instance: String, timeouts: SharedStoreTimeouts = SharedStoreTimeouts(),
                history: HistoryRetention = .standard, logger: Logger) throws {
        self.url = url
        self.instanceName = instance
        self.historyRetention = history
        self.group = group
        self.logger = logger
        self.timeouts = timeouts
        eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        writer = BlockingConnection(url: url, applicationName: SharedGroup.applicationName(instance, role: "writer"),
                                    timeouts: timeouts, eventLoop: eventLoopGroup.next(), logger: logger)
        do {
            try writer.with { session in
                try PostgresMigrations.migrate(session, group: group)
                let stored = try session.rows("SELECT group_name FROM group_state WHERE id = 1").first?.decode(String.self)
                if let stored, stored != group {
                    throw StoreError.wrongGroup(store: url.description, stored: stored, wanted: group)
                }
            }
        } catch {
            // The connection first, then its thread (deinit runs too and must find it closed).
            close()
            throw error
        }
    }

    /// Closes the connection and its thread; the store cannot be used afterwards.
    public func close() {
        let wasClosed = closed.withLockedValue { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        writer.close()
        try? eventLoopGroup.syncShutdownGracefully()
    }

    private let closed = NIOLockedValueBox(false)

    deinit { close() }

    // MARK: Reading

    public func load() throws -> StoreLoaded {
        try writer.with { session in
            try session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                let state = try GroupState(session)
                let products = try session.rows("\(unescaped: Self.productColumns) ORDER BY id").map(Self.product)
                let snapshot = try Self.snapshot(session, since: nil) ?? .empty
                let outbox = try session.rows("\(unescaped: Self.eventColumns) WHERE o.state <> 'delivered' ORDER BY b.sequence")
                    .map(Self.event)
                let delivered = try session.rows("""
                    \(unescaped: Self.eventColumns) WHERE o.state = 'delivered' AND b.snapshot_sequence = \(snapshot.sequence)
                    """).map { try Self.event($0).booking }
                seen.withLockedValue { $0 = state.version }
                var recent = HistoryQuery(limit: StoreLoaded.recentHistoryLimit)
                recent.withoutAttempts = true
                return StoreLoaded(products: products, snapshot: snapshot, outbox: outbox,
                                   deliveredFromCurrentSnapshot: delivered, totals: state.totals,
                                   recentHistory: try Self.history(session, recent))
            }
        }
    }

    public func changes() throws -> StoreDelta? {
        try writer.with { session in
            try session.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                try catchUp(session, state: GroupState(session))
            }
        }
    }

    public func events(state: OutboxEvent.State? = nil, limit: Int = 1000) throws -> [OutboxEvent] {
        try writer.with { session in
            let rows: [PostgresRow]
            if let state {
                rows = try session.rows("""
                    \(unescaped: Self.eventColumns) WHERE o.state = \(state.rawValue) ORDER BY b.sequence LIMIT \(limit)
                    """)
            } else {
                rows = try session.rows("\(unescaped: Self.eventColumns) ORDER BY b.sequence LIMIT \(limit)")
            }
            return try rows.map(Self.event)
        }
    }

    public func history(_ query: HistoryQuery) throws -> [HistoryEntry] {
        try writer.with { session in try Self.history(session, query) }
    }

    private static func history(_ session: BlockingConnection.Session, _ query: HistoryQuery) throws -> [HistoryEntry] {
        let (sql, binds) = query.select { "$\($0)" }
        var bindings = PostgresBindings()
        for bind in binds {
            switch bind {
            case .int(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .real(let value): bindings.append(value)
            }
        }
        return try session.rows(PostgresQuery(unsafeSQL: sql, binds: bindings)).map { row in
            let (sequence, at, kind, source, instance, productId, customerId, title, bookingId, summary, detail) =
                try row.decode((Int64, Double, String, String?, String?, Int32?, Int32?, String?, String?, String, String?).self)
            return HistoryEntry(sequence: sequence, time: Date(timeIntervalSince1970: at),
                                kind: HistoryEntry.Kind(rawValue: kind) ?? .product, source: source, instance: instance,
                                productId: productId, customerId: customerId, title: title, bookingId: bookingId,
                                summary: summary, detail: detail)
        }
    }

    /// The rows other instances changed since the version this process has seen.
    private func catchUp(_ session: BlockingConnection.Session, state: GroupState) throws -> StoreDelta? {
        let since = seen.withLockedValue { $0 }
        guard state.version != since else { return nil }
        let delta = StoreDelta(
            products: try session.rows("\(unescaped: Self.productColumns) WHERE changed_version > \(since) ORDER BY id")
                .map(Self.product),
            snapshot: try Self.snapshot(session, since: since),
            events: try session.rows("\(unescaped: Self.eventColumns) WHERE o.changed_version > \(since) ORDER BY b.sequence")
                .map(Self.event),
            totals: state.totals)
        seen.withLockedValue { $0 = state.version }
        return delta
    }

    // MARK: Writing

    public func write<T>(catchUp apply: (StoreDelta) -> Void, _ body: (any StoreTransaction) throws -> T) throws -> T {
        let (result, committed) = try writer.with { session in
            try session.transaction {
                // The group's write lock: held to COMMIT, so instances decide one at a time.
                let state = try GroupState(session, forUpdate: true)
                if let delta = try catchUp(session, state: state) { apply(delta) }
                let transaction = Transaction(session: session, version: state.version + 1,
                                              fence: fence.withLockedValue { $0 }, instance: instanceName,
                                              retention: historyRetention)
                let result = try body(transaction)
                if transaction.wrote {
                    try session.query("""
                        UPDATE group_state SET version = \(transaction.version),
                            bookings = bookings + \(transaction.bookings), delivered = delivered + \(transaction.delivered),
                            queue_pushes = GREATEST(queue_pushes, \(transaction.queuePushes))
                        WHERE id = 1
                        """)
                    // Delivered to every listener at COMMIT, in commit order.
                    try session.query("SELECT pg_notify(\(Self.channel), \(String(transaction.version)))")
                }
                return (result, transaction.wrote ? transaction.version : nil)
            }
        }
        if let committed { seen.withLockedValue { $0 = committed } }
        return result
    }

    final class Transaction: StoreTransaction {
        let session: BlockingConnection.Session
        /// The version this transaction's rows carry; the group's version after COMMIT.
        let version: Int64
        var wrote = false
        var bookings = 0
        var delivered = 0
        var queuePushes: Int64 = 0
        let fence: Fence
        let instance: String
        let retention: HistoryRetention

        init(session: BlockingConnection.Session, version: Int64, fence: Fence, instance: String,
             retention: HistoryRetention) {
            self.session = session
            self.version = version
            self.fence = fence
            self.instance = instance
            self.retention = retention
        }

        func upsertCatalog(_ products: [Product], at time: Date) throws {
            guard !products.isEmpty else { return }
            wrote = true
            let result = try session.query("""
                INSERT INTO product (id, title, description, is_available, changed_version)
                SELECT id, title, description, is_available, \(version)
                FROM unnest(\(products.map(\.id))::int4[], \(products.map(\.title))::text[],
                            \(products.map(\.description))::text[], \(products.map(\.isAvailable))::bool[])
                    AS p (id, title, description, is_available)
                ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
                    changed_version = excluded.changed_version
                WHERE product.title <> excluded.title OR product.description <> excluded.description
                """)
            let changed = result.metadata.rows ?? 0
            if changed > 0 { try appendHistory(.catalog(products: products.count, changed: changed, at: time)) }
        }

        func update(_ product: Product, source: String, at time: Date) throws {
            wrote = true
            // The row as it was, locked: a release is a booked copy made available.
            let before = try session.rows("""
                SELECT is_available, booked_by FROM product WHERE id = \(product.id) FOR UPDATE
                """).first.map { try $0.decode((Bool, Int32?).self) }
            try session.query("""
                UPDATE product SET is_available = \(product.isAvailable), booked_by = \(product.bookedBy),
                    booked_at = \(product.bookedAt?.timeIntervalSince1970), changed_version = \(version)
                WHERE id = \(product.id)
                """)
            guard let (wasAvailable, bookedBy) = before else { return }
            try appendHistory(.flip(product, source: source,
                                    releasedFrom: !wasAvailable && product.isAvailable ? bookedBy : nil, at: time))
        }

        func book(_ product: Product) throws {
            wrote = true
            let result = try session.query("""
                UPDATE product SET is_available = FALSE, booked_by = \(product.bookedBy),
                    booked_at = \(product.bookedAt?.timeIntervalSince1970), changed_version = \(version)
                WHERE id = \(product.id) AND is_available
                """)
            guard result.metadata.rows == 1 else { throw StoreError.notAvailable(productId: product.id) }
        }

        func replaceSnapshot(_ snapshot: QueueSnapshot, source: String) throws {
            wrote = true
            queuePushes = max(queuePushes, snapshot.sequence)
            try session.query("""
                INSERT INTO queue_snapshot (id, sequence, received_at, body, changed_version)
                VALUES (1, \(snapshot.sequence), \(snapshot.receivedAt?.timeIntervalSince1970),
                        \(try QueueCoding.encode(snapshot.queues)), \(version))
                ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, received_at = excluded.received_at,
                    body = excluded.body, changed_version = excluded.changed_version
                """)
            try appendHistory(.push(snapshot, source: source))
        }

        func insertBooking(id: String, productId: Int32, title: String, customerId: Int32,
                           bookedAt: Date, snapshotSequence: Int64, trail: String?) throws -> Int64 {
            wrote = true
            bookings += 1
            let rows = try session.rows("""
                WITH b AS (
                    INSERT INTO booking (id, product_id, title, customer_id, booked_at, snapshot_sequence)
                    VALUES (\(id), \(productId), \(title), \(customerId), \(bookedAt.timeIntervalSince1970), \(snapshotSequence))
                    RETURNING sequence)
                INSERT INTO outbox (booking_sequence, state, changed_version)
                SELECT sequence, 'pending', \(version) FROM b RETURNING booking_sequence
                """)
            guard let sequence = try rows.first?.decode(Int64.self) else {
                throw StoreError.failed("inserting booking \(id) returned no sequence")
            }
            try appendHistory(.booking(Booking(id: id, sequence: sequence, productId: productId, title: title,
                                               customerId: customerId, bookedAt: bookedAt,
                                               snapshotSequence: snapshotSequence), trail: trail))
            return sequence
        }

        func updateOutbox(_ event: OutboxEvent, at time: Date) throws {
            wrote = true
            if event.state == .delivered { delivered += 1 }
            var epoch: Int64?? = .none
            if event.state == .delivered, case .epoch(let held) = fence { epoch = .some(held) }
            let result = try session.query("""
                UPDATE outbox SET state = \(event.state.rawValue), attempts = \(event.attempts),
                    last_error = \(event.lastError), last_attempt_at = \(event.lastAttemptAt?.timeIntervalSince1970),
                    delivered_at = \(event.deliveredAt?.timeIntervalSince1970), changed_version = \(version)
                WHERE booking_sequence = \(event.booking.sequence)
                  AND (\(epoch == nil) OR (SELECT sender_epoch FROM group_state WHERE id = 1) = \(epoch.flatMap { $0 } ?? -1))
                """)
            if epoch != nil, result.metadata.rows == 0 {
                throw StoreError.failed("not the sender any more (another instance took the role): delivery of booking \(event.booking.id) not recorded; the sender sends it again with the same key")
            }
            try appendHistory(.outbox(event, at: time))
        }

        func appendHistory(_ entry: HistoryEntry) throws {
            wrote = true
            try session.query("""
                INSERT INTO history (at, kind, source, instance, product_id, customer_id, title, booking_id, summary, detail)
                VALUES (\(entry.time.timeIntervalSince1970), \(entry.kind.rawValue), \(entry.source), \(instance),
                        \(entry.productId), \(entry.customerId), \(entry.title), \(entry.bookingId), \(entry.summary),
                        \(entry.detail))
                """)
        }

        func pruneHistory(now: Date) throws {
            try session.query("DELETE FROM history WHERE at < \(retention.cutoff(now: now).timeIntervalSince1970)")
            try session.query("""
                DELETE FROM history WHERE sequence <= (SELECT max(sequence) FROM history) - \(Int64(retention.rows))
                """)
        }

        func idempotentAnswer(key: String, since: Date) throws -> IdempotentAnswer? {
            let rows = try session.rows("""
                SELECT fingerprint, status, body, created_at FROM idempotency_key
                WHERE key = \(key) AND created_at >= \(since.timeIntervalSince1970)
                """)
            guard let row = rows.first else { return nil }
            let (fingerprint, status, body, createdAt) = try row.decode((String, Int32, Data, Double).self)
            return IdempotentAnswer(fingerprint: fingerprint, status: Int(status), body: body,
                                    at: Date(timeIntervalSince1970: createdAt))
        }

        func rememberIdempotent(key: String, answer: IdempotentAnswer) throws {
            wrote = true
            try session.query("""
                INSERT INTO idempotency_key (key, fingerprint, status, body, created_at)
                VALUES (\(key), \(answer.fingerprint), \(Int32(answer.status)), \(answer.body), \(answer.at.timeIntervalSince1970))
                ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
                    body = excluded.body, created_at = excluded.created_at
                """)
        }

        func forgetIdempotent(before: Date) throws {
            try session.query("DELETE FROM idempotency_key WHERE created_at < \(before.timeIntervalSince1970)")
        }
    }

    // MARK: Rows

    private struct GroupState {
        var version: Int64
        var totals: Totals

        init(_ session: BlockingConnection.Session, forUpdate: Bool = false) throws {
            guard let row = try session.rows("""
                SELECT version, bookings, delivered, queue_pushes FROM group_state WHERE id = 1 \(unescaped: forUpdate ? "FOR UPDATE" : "")
                """).first else { throw StoreError.failed("the group_state row is missing") }
            let (version, bookings, delivered, pushes) = try row.decode((Int64, Int64, Int64, Int64).self)
            self.version = version
            totals = Totals(bookings: Int(bookings), delivered: Int(delivered), queuePushes: Int(pushes))
        }
    }

    private static let productColumns = "SELECT id, title, description, is_available, booked_by, booked_at FROM product"

    private static func product(_ row: PostgresRow) throws -> Product {
        let (id, title, description, isAvailable, bookedBy, bookedAt) =
            try row.decode((Int32, String, String, Bool, Int32?, Double?).self)
        return Product(id: id, title: title, description: description, isAvailable: isAvailable, bookedBy: bookedBy,
                       bookedAt: bookedAt.map(Date.init(timeIntervalSince1970:)))
    }

    private static let eventColumns = """
        SELECT b.sequence, b.id, b.product_id, b.title, b.customer_id, b.booked_at, b.snapshot_sequence,
               o.state, o.attempts, o.last_error, o.last_attempt_at, o.delivered_at
        FROM outbox o JOIN booking b ON b.sequence = o.booking_sequence
        """

    private static func event(_ row: PostgresRow) throws -> OutboxEvent {
        let (sequence, id, productId, title, customerId, bookedAt, snapshotSequence,
             state, attempts, lastError, lastAttemptAt, deliveredAt) =
            try row.decode((Int64, String, Int32, String, Int32, Double, Int64,
                            String, Int32, String?, Double?, Double?).self)
        let booking = Booking(id: id, sequence: sequence, productId: productId, title: title, customerId: customerId,
                              bookedAt: Date(timeIntervalSince1970: bookedAt), snapshotSequence: snapshotSequence)
        return OutboxEvent(booking: booking, state: OutboxEvent.State(rawValue: state) ?? .pending,
                           attempts: Int(attempts), lastError: lastError,
                           lastAttemptAt: lastAttemptAt.map(Date.init(timeIntervalSince1970:)),
                           deliveredAt: deliveredAt.map(Date.init(timeIntervalSince1970:)))
    }

    /// The stored snapshot; with `since`, only when a commit after that version replaced it.
    private static func snapshot(_ session: BlockingConnection.Session, since: Int64?) throws -> QueueSnapshot? {
        let rows = try session.rows("""
            SELECT sequence, received_at, body FROM queue_snapshot WHERE id = 1 AND changed_version > \(since ?? -1)
            """)
        guard let row = rows.first else { return nil }
        let (sequence, receivedAt, body) = try row.decode((Int64, Double?, Data).self)
        return QueueSnapshot(sequence: sequence, receivedAt: receivedAt.map(Date.init(timeIntervalSince1970:)),
                             queues: try QueueCoding.decode(body))
    }
}
