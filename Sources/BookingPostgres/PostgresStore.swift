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
    private let seen = NIOLockedValueBox(Seen())
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
                let read = try Self.snapshot(session, since: nil, onto: nil)
                let snapshot = read?.snapshot ?? .empty
                let outbox = try session.rows("\(unescaped: Self.eventColumns) WHERE o.state <> 'delivered' ORDER BY b.sequence")
                    .map(Self.event)
                let delivered = try session.rows("""
                    \(unescaped: Self.eventColumns) WHERE o.state = 'delivered' AND b.snapshot_sequence = \(snapshot.sequence)
                    """).map { try Self.event($0).booking }
                seen.withLockedValue {
                    $0 = Seen(version: state.version, lastSequence: state.lastSequence, queues: read?.stored)
                }
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
            let since = seen.withLockedValue { $0.version }
            return try delta(session, rows: session.rows("SELECT kind, body FROM booking_monitor_delta(\(since))"),
                             since: since)
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

    /// Statements sent on the writer's connection since the store opened: each is one round
    /// trip waited for (the bench and the round-trip test read it).
    public var statements: Int { writer.statements }

    // MARK: Writing

    /// One write transaction, optimistically: `body` plans on memory (which reflects version
    /// `seen`) and its writes are buffered, then sent as one statement
    /// (`booking_monitor_commit`, a server-side function) that applies them only if no other
    /// instance committed since `seen`. So an uncontended commit is one round trip, and no
    /// lock is held while this process thinks (a frozen or cut-off instance cannot stall the
    /// group between statements). On a conflict the same round trip brings what changed:
    /// memory catches up (`apply`) and `body` plans again. After `optimisticAttempts`
    /// conflicts in a row the transaction takes the group's lock first, as before (BEGIN,
    /// lock, catch up, plan, commit): it cannot conflict then, so a busy group still progresses.
    public func write<T>(catchUp apply: (StoreDelta) -> Void, _ body: (any StoreTransaction) throws -> T) throws -> T {
        try writer.with { session in
            for _ in 0..<Self.optimisticAttempts {
                let (transaction, seen) = begin(session)
                let result = try body(transaction)
                guard transaction.wrote else {
                    // Nothing to write; still one round trip, so a write says whether the store
                    // takes writes (the sweep's probe while the store fails relies on it).
                    try session.query("SELECT 1")
                    return result
                }
                let rows = try transaction.commit(expected: seen.version)
                if try committed(transaction, rows: rows) { return result }
                if let delta = try delta(session, rows: Array(rows.dropFirst()), since: seen.version) { apply(delta) }
            }
            return try underLock(session, catchUp: apply, body)
        }
    }

    /// The write after `optimisticAttempts` conflicts: BEGIN, the group's lock, catch up,
    /// plan, one commit statement, COMMIT. A frozen or cut-off instance holds the lock here
    /// at most until the server ends its session (`SharedStoreTimeouts`).
    func writeUnderLock<T>(catchUp apply: (StoreDelta) -> Void, _ body: (any StoreTransaction) throws -> T) throws -> T {
        try writer.with { session in try underLock(session, catchUp: apply, body) }
    }

    private func underLock<T>(_ session: BlockingConnection.Session, catchUp apply: (StoreDelta) -> Void,
                              _ body: (any StoreTransaction) throws -> T) throws -> T {
        try session.transaction {
            try session.query("SELECT version FROM group_state WHERE id = 1 FOR UPDATE")
            let since = seen.withLockedValue { $0.version }
            if let delta = try delta(session, rows: session.rows("SELECT kind, body FROM booking_monitor_delta(\(since))"),
                                     since: since) {
                apply(delta)
            }
            let (transaction, seen) = begin(session)
            let result = try body(transaction)
            if transaction.wrote, try !committed(transaction, rows: transaction.commit(expected: seen.version)) {
                throw StoreError.failed("a commit under the group's lock met a conflict")
            }
            return result
        }
    }

    static let optimisticAttempts = 3

    /// A transaction that buffers its writes, on what memory reflects now.
    private func begin(_ session: BlockingConnection.Session) -> (Transaction, Seen) {
        let seen = self.seen.withLockedValue { $0 }
        return (Transaction(session: session, seen: seen, fence: fence.withLockedValue { $0 }, instance: instanceName,
                            retention: historyRetention), seen)
    }

    /// True when `booking_monitor_commit` answered 'committed' (memory now reflects its
    /// version); false on a conflict (the rows after the first are what changed).
    private func committed(_ transaction: Transaction, rows: [PostgresRow]) throws -> Bool {
        guard let (kind, version) = try rows.first?.decode((String, String?).self), kind == "committed" else { return false }
        seen.withLockedValue { seen in
            if let version = version.flatMap({ Int64($0) }) { seen.version = version }
            seen.lastSequence = transaction.lastSequence
            if let written = transaction.snapshot { seen.queues = written }
        }
        return true
    }

    /// What this process's memory reflects: the group's version, the last booking sequence
    /// at that version (a writer numbers its new bookings after it), and the queue snapshot as
    /// its rows hold it at that version (nil before a v5 push: the next push writes every row).
    struct Seen: Sendable {
        var version: Int64 = 0, lastSequence: Int64 = 0
        var queues: QueueSnapshot?
    }

    /// The writes of one transaction, buffered until `commit`: one JSON document, the argument
    /// of `booking_monitor_commit` (keys as that function reads them). Reads (an idempotency
    /// key's answer) go to the server at once.
    final class Transaction: StoreTransaction {
        let session: BlockingConnection.Session
        let fence: Fence
        private(set) var lastSequence: Int64
        private var writes = Writes()
        /// The snapshot the rows hold at the version this transaction expects.
        private let stored: QueueSnapshot?
        private(set) var snapshot: QueueSnapshot?
        /// The positions `snapshot` writes (those that differ from `stored`).
        private var positions: [Int] = []
        var wrote: Bool { writes.isEmpty == false || snapshot != nil }

        let instance: String
        let retention: HistoryRetention

        init(session: BlockingConnection.Session, seen: Seen, fence: Fence, instance: String, retention: HistoryRetention) {
            self.session = session
            self.fence = fence
            self.instance = instance
            self.retention = retention
            lastSequence = seen.lastSequence
            stored = seen.queues
        }

        struct Writes: Encodable {
            struct CatalogRow: Encodable { var id: Int32, title: String, description: String, available: Bool }
            struct Flip: Encodable { var id: Int32, available: Bool, by: Int32?, at: Double? }
            struct Book: Encodable { var id: Int32, by: Int32?, at: Double? }
            struct NewBooking: Encodable {
                var sequence: Int64, id: String, product: Int32, title: String, customer: Int32, at: Double, snapshot: Int64
            }
            struct EventRow: Encodable {
                var sequence: Int64, state: String, attempts: Int, error: String?, attemptAt: Double?, deliveredAt: Double?
                var fenced: Bool
            }
            struct Remember: Encodable { var key: String, fingerprint: String, status: Int, body: String, at: Double }
            struct Entry: Encodable {
                var at: Double, kind: String, source: String?, instance: String, product: Int32?, customer: Int32?
                var title: String?, booking: String?, summary: String, detail: String?
            }
            struct Prune: Encodable { var before: Double, keepRows: Int64 }
            var catalog: [CatalogRow] = []
            var flips: [Flip] = []
            var books: [Book] = []
            var bookings: [NewBooking] = []
            var outbox: [EventRow] = []
            var remember: [Remember] = []
            var forgetBefore: Double?
            var history: [Entry] = []
            var pruneHistory: Prune?
            var delivered = 0
            var isEmpty: Bool {
                catalog.isEmpty && flips.isEmpty && books.isEmpty && bookings.isEmpty && outbox.isEmpty
                    && remember.isEmpty && forgetBefore == nil && history.isEmpty && pruneHistory == nil
            }
        }

        /// Sends the buffered writes: the rows of `booking_monitor_commit` ('committed' and the
        /// new version, or 'conflict' and what changed since `expected`).
        func commit(expected: Int64) throws -> [PostgresRow] {
            let json = String(decoding: try JSONEncoder().encode(writes), as: UTF8.self)
            var epoch: Int64 = -1
            if case .epoch(let held) = fence { epoch = held ?? -1 }
            let queues = positions.map { snapshot!.queues[$0] }
            return try session.rows("""
                SELECT kind, body FROM booking_monitor_commit_queues(\(expected), \(epoch), \(json)::jsonb,
                    \(snapshot?.sequence), \(snapshot?.receivedAt?.timeIntervalSince1970), \(snapshot.map { Int32($0.queues.count) }),
                    \(positions.map(Int32.init))::int4[], \(queues.map { ByteBuffer(string: $0.title) })::bytea[],
                    \(queues.map { ByteBuffer(bytes: QueueCoding.encode(customers: $0.customers)) })::bytea[])
                """)
        }

        /// Counts first what the catalog changes (one read; a catalog is loaded rarely), for its
        /// history entry.
        func upsertCatalog(_ products: [Product], at time: Date) throws {
            guard !products.isEmpty else { return }
            writes.catalog += products.map {
                .init(id: $0.id, title: $0.title, description: $0.description, available: $0.isAvailable)
            }
            let changed = try session.rows("""
                SELECT CAST(count(*) AS BIGINT) FROM unnest(\(products.map(\.id))::int4[], \(products.map(\.title))::text[],
                            \(products.map(\.description))::text[]) AS p (id, title, description)
                LEFT JOIN product ON product.id = p.id
                WHERE product.id IS NULL OR product.title <> p.title OR product.description <> p.description
                """).first?.decode(Int64.self) ?? 0
            if changed > 0 { try appendHistory(.catalog(products: products.count, changed: Int(changed), at: time)) }
        }

        /// `was`: the product as memory has it, which is the truth when this transaction
        /// commits (the version check), so a release needs no read.
        func update(_ product: Product, was: Product?, source: String, at time: Date) throws {
            writes.flips.append(.init(id: product.id, available: product.isAvailable, by: product.bookedBy,
                                      at: product.bookedAt?.timeIntervalSince1970))
            // Without `was`, the row is read (one round trip).
            let before: (Bool, Int32?)? = try was.map { ($0.isAvailable, $0.bookedBy) } ?? session.rows("""
                SELECT is_available, booked_by FROM product WHERE id = \(product.id)
                """).first.map { try $0.decode((Bool, Int32?).self) }
            guard let (wasAvailable, bookedBy) = before else { return }
            try appendHistory(.flip(product, source: source,
                                    releasedFrom: !wasAvailable && product.isAvailable ? bookedBy : nil, at: time))
        }

        /// Checked by the server when the writes are applied (SQLSTATE BM001 fails the whole
        /// transaction with `StoreError.notAvailable`).
        func book(_ product: Product) throws {
            writes.books.append(.init(id: product.id, by: product.bookedBy, at: product.bookedAt?.timeIntervalSince1970))
        }

        /// Rows for the queues that differ from the stored snapshot's at their position (every
        /// row when that is not known); the server drops those past the push's end.
        func replaceSnapshot(_ snapshot: QueueSnapshot, source: String) throws {
            self.snapshot = snapshot
            positions = stored.map { snapshot.positionsChanged(from: $0.queues) } ?? Array(snapshot.queues.indices)
            try appendHistory(.push(snapshot, source: source))
        }

        func insertBooking(id: String, productId: Int32, title: String, customerId: Int32,
                           bookedAt: Date, snapshotSequence: Int64, trail: String?) throws -> Int64 {
            lastSequence += 1
            writes.bookings.append(.init(sequence: lastSequence, id: id, product: productId, title: title,
                                         customer: customerId, at: bookedAt.timeIntervalSince1970,
                                         snapshot: snapshotSequence))
            try appendHistory(.booking(Booking(id: id, sequence: lastSequence, productId: productId, title: title,
                                               customerId: customerId, bookedAt: bookedAt,
                                               snapshotSequence: snapshotSequence), trail: trail))
            return lastSequence
        }

        /// A delivery mark is fenced once a sender role is in play: applied only while the
        /// group's `sender_epoch` is the one this instance took the role at (SQLSTATE BM002).
        func updateOutbox(_ event: OutboxEvent, at time: Date) throws {
            var fenced = false
            if event.state == .delivered {
                writes.delivered += 1
                if case .epoch = fence { fenced = true }
            }
            writes.outbox.append(.init(sequence: event.booking.sequence, state: event.state.rawValue,
                                       attempts: event.attempts, error: event.lastError,
                                       attemptAt: event.lastAttemptAt?.timeIntervalSince1970,
                                       deliveredAt: event.deliveredAt?.timeIntervalSince1970, fenced: fenced))
            try appendHistory(.outbox(event, at: time))
        }

        func appendHistory(_ entry: HistoryEntry) throws {
            writes.history.append(.init(at: entry.time.timeIntervalSince1970, kind: entry.kind.rawValue, source: entry.source,
                                        instance: instance, product: entry.productId, customer: entry.customerId,
                                        title: entry.title, booking: entry.bookingId, summary: entry.summary,
                                        detail: entry.detail))
        }

        func pruneHistory(now: Date) throws {
            writes.pruneHistory = .init(before: retention.cutoff(now: now).timeIntervalSince1970,
                                        keepRows: Int64(retention.rows))
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
            writes.remember.append(.init(key: key, fingerprint: answer.fingerprint, status: answer.status,
                                         body: answer.body.base64EncodedString(), at: answer.at.timeIntervalSince1970))
        }

        func forgetIdempotent(before: Date) throws {
            writes.forgetBefore = before.timeIntervalSince1970
        }
    }

    /// The rows of `booking_monitor_delta` (or a conflict's) as a delta; nil when nothing
    /// changed. Reads the queue rows written since then when the snapshot was replaced.
    private func delta(_ session: BlockingConnection.Session, rows: [PostgresRow], since: Int64) throws -> StoreDelta? {
        var state: Seen?
        var totals = Totals()
        var products: [Product] = []
        var events: [OutboxEvent] = []
        var snapshotChanged = false
        for row in rows {
            let (kind, body) = try row.decode((String, String?).self)
            let values = try body.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any] } ?? nil
            switch kind {
            case "group":
                let numbers = (values ?? []).map { ($0 as? NSNumber)?.int64Value ?? 0 }
                guard numbers.count == 5 else { throw StoreError.failed("the group row of a delta is malformed") }
                state = Seen(version: numbers[0], lastSequence: numbers[4])
                totals = Totals(bookings: Int(numbers[1]), delivered: Int(numbers[2]), queuePushes: Int(numbers[3]))
            case "product": products.append(try Self.product(values))
            case "event": events.append(try Self.event(values))
            case "snapshot": snapshotChanged = true
            default: throw StoreError.failed("a delta row of unknown kind \(kind)")
            }
        }
        guard var state else { throw StoreError.failed("a delta without the group row") }
        guard state.version != since else { return nil }
        let known = seen.withLockedValue { $0.queues }
        let read = snapshotChanged ? try Self.snapshot(session, since: since, onto: known) : nil
        if let read { state.queues = read.stored } else { state.queues = known }
        seen.withLockedValue { $0 = state }
        let snapshot = read?.snapshot
        return StoreDelta(products: products, snapshot: snapshot, events: events, totals: totals)
    }

    // MARK: Rows

    private struct GroupState {
        var version: Int64
        var lastSequence: Int64
        var totals: Totals

        init(_ session: BlockingConnection.Session) throws {
            guard let row = try session.rows("""
                SELECT version, bookings, delivered, queue_pushes, last_sequence FROM group_state WHERE id = 1
                """).first else { throw StoreError.failed("the group_state row is missing") }
            let (version, bookings, delivered, pushes, lastSequence) = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
            self.version = version
            self.lastSequence = lastSequence
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

    /// A product of a delta: `json_build_array(id, title, description, is_available, booked_by, booked_at)`.
    private static func product(_ values: [Any]?) throws -> Product {
        let row = JSONRow(values, count: 6, what: "product")
        return Product(id: try row.int32(0), title: try row.string(1), description: try row.string(2),
                       isAvailable: try row.bool(3), bookedBy: row.optional(4).map { $0.int32Value },
                       bookedAt: row.optional(5).map { Date(timeIntervalSince1970: $0.doubleValue) })
    }

    /// An event of a delta, in the order of `eventColumns`.
    private static func event(_ values: [Any]?) throws -> OutboxEvent {
        let row = JSONRow(values, count: 12, what: "event")
        let booking = Booking(id: try row.string(1), sequence: try row.number(0).int64Value, productId: try row.int32(2),
                              title: try row.string(3), customerId: try row.int32(4),
                              bookedAt: Date(timeIntervalSince1970: try row.number(5).doubleValue),
                              snapshotSequence: try row.number(6).int64Value)
        return OutboxEvent(booking: booking, state: OutboxEvent.State(rawValue: try row.string(7)) ?? .pending,
                           attempts: Int(try row.int32(8)), lastError: row.values[9] as? String,
                           lastAttemptAt: row.optional(10).map { Date(timeIntervalSince1970: $0.doubleValue) },
                           deliveredAt: row.optional(11).map { Date(timeIntervalSince1970: $0.doubleValue) })
    }

    /// A row of a delta: a JSON array from `booking_monitor_delta`.
    private struct JSONRow {
        let values: [Any]
        let what: String
        init(_ values: [Any]?, count: Int, what: String) {
            let values = values ?? []
            self.values = values.count == count ? values : []
            self.what = what
        }
        func number(_ index: Int) throws -> NSNumber {
            guard index < values.count, let value = values[index] as? NSNumber else {
                throw StoreError.failed("a \(what) row of a delta is malformed")
            }
            return value
        }
        func int32(_ index: Int) throws -> Int32 { try number(index).int32Value }
        func bool(_ index: Int) throws -> Bool { try number(index).boolValue }
        func string(_ index: Int) throws -> String {
            guard index < values.count, let value = values[index] as? String else {
                throw StoreError.failed("a \(what) row of a delta is malformed")
            }
            return value
        }
        func optional(_ index: Int) -> NSNumber? { index < values.count ? values[index] as? NSNumber : nil }
    }

    /// The stored snapshot; with `since`, only when a commit after that version replaced it,
    /// and then read as the rows that commit and those after it wrote, laid onto `known` (the
    /// snapshot at `since`). `stored`: the snapshot as rows hold it (nil for a v1 body). One
    /// statement, so the header and the rows are of one commit even outside a transaction.
    private static func snapshot(_ session: BlockingConnection.Session, since: Int64?,
                                 onto known: QueueSnapshot?) throws -> (snapshot: QueueSnapshot, stored: QueueSnapshot?)? {
        // Without the snapshot at `since`, every row.
        let base = since != nil ? known : nil
        let rowsSince = base == nil ? -1 : since!
        let rows = try session.rows("""
            SELECT s.sequence, s.received_at, s.body, s.entries, e.position, e.title, e.customers
            FROM queue_snapshot s
            LEFT JOIN queue_entry e ON s.entries IS NOT NULL AND length(s.body) = 0
                AND e.changed_version > \(rowsSince) AND e.position < s.entries
            WHERE s.id = 1 AND s.changed_version > \(since ?? -1)
            ORDER BY e.position
            """)
        guard let first = rows.first else { return nil }
        let (sequence, receivedAt, body, entries, _, _, _) = try first.decode((Int64, Double?, Data, Int32?, Int32?, Data?, Data?).self)
        let received = receivedAt.map(Date.init(timeIntervalSince1970:))
        // A body: the snapshot as v1 wrote it.
        guard let entries = entries.map(Int.init), body.isEmpty else {
            return (QueueSnapshot(sequence: sequence, receivedAt: received, queues: try QueueCoding.decode(body)), nil)
        }
        var queues = base?.queues ?? []
        if queues.count > entries { queues.removeLast(queues.count - entries) }
        for row in rows {
            let (_, _, _, _, position, title, customers) = try row.decode((Int64, Double?, Data, Int32?, Int32?, Data?, Data?).self)
            guard let position, let title, let customers else { continue }  // no row changed
            let queue = CustomerQueue(title: String(decoding: title, as: UTF8.self),
                                      customers: try QueueCoding.decode(customers: customers))
            let index = Int(position)
            if index < queues.count {
                queues[index] = queue
            } else {
                guard index == queues.count else { throw StoreError.corruptSnapshot }
                queues.append(queue)
            }
        }
        guard queues.count == entries else { throw StoreError.corruptSnapshot }
        let snapshot = QueueSnapshot(sequence: sequence, receivedAt: received, queues: queues)
        return (snapshot, snapshot)
    }
}
