import Foundation
import GRDB
import Synchronization

/// The store of one instance: SQLite through GRDB; WAL on disk. Every method is one transaction.
///
/// `synchronous = NORMAL` in WAL mode: a committed transaction survives the process being
/// killed (`kill -9`) at any moment; only an operating-system crash or power loss can roll
/// back the last few commits. `--full-sync` trades throughput for that too.
public final class SQLiteStore: Store {
    public enum Location: Sendable, Equatable {
        case file(String)
        case inMemory

        public var description: String {
            switch self {
            case .file(let path): return path
            case .inMemory: return "in-memory"
            }
        }
    }

    public let location: Location
    let writer: any DatabaseWriter
    /// The queue snapshot as the file holds it, once loaded or written here: a push writes the
    /// rows where it differs. Its arrays are the monitor's own (shared storage).
    private let stored = Mutex<QueueSnapshot?>(nil)
    /// A file store's WAL checkpoints, off the writer's path.
    private let checkpointer: WALCheckpointer?
    public let historyRetention: HistoryRetention

    public var description: String { location.description }

    public init(_ location: Location, fullSync: Bool = false, history: HistoryRetention = .standard) throws {
        self.location = location
        self.historyRetention = history
        var configuration = Configuration()
        configuration.label = "booking-monitor"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(fullSync ? "FULL" : "NORMAL")")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
        }
        switch location {
        case .file(let path):
            writer = try DatabasePool(path: path, configuration: configuration)
        case .inMemory:
            writer = try DatabaseQueue(configuration: configuration)
        }
        try Migrations.migrator.migrate(writer)
        if case .file(let path) = location { checkpointer = try WALCheckpointer(path: path) } else { checkpointer = nil }
    }

    deinit { checkpointer?.stop() }

    /// The group the store was last run for (`run --group`): a read-only look (`--once`)
    /// names it rather than the default.
    public func storedGroup() throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'group'") }
    }

    public func recordGroup(_ group: String) throws {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES ('group', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                           arguments: [group])
        }
    }

    /// The journal mode SQLite reports ("wal" for a file store).
    public func journalMode() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    // MARK: Loading

    public func load() throws -> StoreLoaded {
        try writer.read { db in
            let products = try Product.fetchAll(db, sql: "SELECT * FROM product ORDER BY id")
            let snapshot = try Self.fetchSnapshot(db)
            stored.withLock { $0 = snapshot }
            let outbox = try OutboxEvent.fetchAll(db, sql: """
                SELECT b.*, o.state, o.attempts, o.last_error, o.last_attempt_at, o.delivered_at
                FROM outbox o JOIN booking b ON b.sequence = o.booking_sequence
                WHERE o.state != 'delivered' ORDER BY b.sequence
                """)
            let delivered = try Booking.fetchAll(db, sql: """
                SELECT b.* FROM booking b JOIN outbox o ON o.booking_sequence = b.sequence
                WHERE o.state = 'delivered' AND b.snapshot_sequence = ?
                """, arguments: [snapshot.sequence])
            let totals = Totals(
                bookings: try Int.fetchOne(db, sql: "SELECT count(*) FROM booking") ?? 0,
                delivered: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state = 'delivered'") ?? 0,
                queuePushes: Int(snapshot.sequence))
            var recent = HistoryQuery(limit: StoreLoaded.recentHistoryLimit)
            recent.withoutAttempts = true
            return StoreLoaded(products: products, snapshot: snapshot, outbox: outbox,
                               deliveredFromCurrentSnapshot: delivered, totals: totals,
                               recentHistory: try Self.history(db, recent))
        }
    }

    static func fetchSnapshot(_ db: Database) throws -> QueueSnapshot {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM queue_snapshot WHERE id = 1") else {
            return .empty
        }
        let queues: [CustomerQueue]
        if let entries: Int = row["entries"] {
            queues = try Row.fetchAll(db, sql: "SELECT title, customers FROM queue_entry ORDER BY position").map {
                CustomerQueue(title: String(decoding: $0["title"] as Data, as: UTF8.self),
                              customers: try QueueCoding.decode(customers: $0["customers"]))
            }
            guard queues.count == entries else { throw StoreError.corruptSnapshot }
        } else {
            queues = try QueueCoding.decode(row["body"])
        }
        let receivedAt: Double? = row["received_at"]
        return QueueSnapshot(sequence: row["sequence"], receivedAt: receivedAt.map(Date.init(timeIntervalSince1970:)),
                             queues: queues)
    }

    // MARK: Writing

    /// One instance owns the file (see `InstanceLock`): there is never anything to catch up with.
    public func write<T>(catchUp: (StoreDelta) -> Void, _ body: (any StoreTransaction) throws -> T) throws -> T {
        let known = stored.withLock { $0 }
        let (result, written) = try writer.write { db in
            let transaction = Transaction(db: db, retention: historyRetention, stored: known)
            return (try body(transaction), transaction.written)
        }
        if let written { stored.withLock { $0 = written } }
        return result
    }

    final class Transaction: StoreTransaction {
        let db: Database
        let retention: HistoryRetention
        /// The snapshot the file held when this transaction began, if known.
        let stored: QueueSnapshot?
        /// The snapshot this transaction wrote: the store's copy once it commits.
        private(set) var written: QueueSnapshot?

        init(db: Database, retention: HistoryRetention, stored: QueueSnapshot?) {
            self.db = db
            self.retention = retention
            self.stored = stored
        }

        func upsertCatalog(_ products: [Product], at time: Date) throws {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO product (id, title, description, is_available) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET title = excluded.title, description = excluded.description
                WHERE product.title IS NOT excluded.title OR product.description IS NOT excluded.description
                """)
            var changed = 0
            for product in products {
                try statement.execute(arguments: [product.id, product.title, product.description, product.isAvailable])
                changed += db.changesCount
            }
            if changed > 0 { try appendHistory(.catalog(products: products.count, changed: changed, at: time)) }
        }

        func book(_ product: Product) throws {
            try db.cachedStatement(sql: """
                UPDATE product SET is_available = 0, booked_by = ?, booked_at = ? WHERE id = ? AND is_available
                """).execute(arguments: [product.bookedBy, product.bookedAt?.timeIntervalSince1970, product.id])
            guard db.changesCount == 1 else { throw StoreError.notAvailable(productId: product.id) }
        }

        func update(_ product: Product, was: Product?, source: String, at time: Date) throws {
            let before = try Row.fetchOne(db, sql: "SELECT is_available, booked_by FROM product WHERE id = ?",
                                          arguments: [product.id])
            let wasAvailable: Bool = before?["is_available"] ?? false
            let bookedBy: Int32? = before?["booked_by"]
            let statement = try db.cachedStatement(sql: """
                UPDATE product SET is_available = ?, booked_by = ?, booked_at = ? WHERE id = ?
                """)
            try statement.execute(arguments: [product.isAvailable, product.bookedBy,
                                              product.bookedAt?.timeIntervalSince1970, product.id])
            guard before != nil else { return }
            try appendHistory(.flip(product, source: source,
                                    releasedFrom: !wasAvailable && product.isAvailable ? bookedBy : nil, at: time))
        }

        /// Writes the rows of the queues that differ from the stored snapshot's at their
        /// position, drops those past the push's end: one row for a push that changed one queue.
        /// Every row when the stored snapshot is not known to be the file's (a first push, a
        /// v1 body): the file always holds one whole snapshot.
        func replaceSnapshot(_ snapshot: QueueSnapshot, source: String) throws {
            let header = try Row.fetchOne(db, sql: "SELECT sequence, entries FROM queue_snapshot WHERE id = 1")
            let positions: [Int]
            if let stored, let header, let entries: Int = header["entries"], entries == stored.queues.count,
               header["sequence"] == stored.sequence {
                positions = snapshot.positionsChanged(from: stored.queues)
            } else {
                positions = Array(snapshot.queues.indices)
            }
            try db.execute(sql: "DELETE FROM queue_entry WHERE position >= ?", arguments: [snapshot.queues.count])
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO queue_entry (position, title, customers) VALUES (?, ?, ?)
                """)
            for position in positions {
                let queue = snapshot.queues[position]
                try statement.execute(arguments: [position, Data(queue.title.utf8), QueueCoding.encode(customers: queue.customers)])
            }
            try db.execute(sql: """
                INSERT INTO queue_snapshot (id, sequence, received_at, body, entries) VALUES (1, ?, ?, X'', ?)
                ON CONFLICT(id) DO UPDATE SET sequence = excluded.sequence,
                    received_at = excluded.received_at, body = excluded.body, entries = excluded.entries
                """, arguments: [snapshot.sequence, snapshot.receivedAt?.timeIntervalSince1970, snapshot.queues.count])
            try appendHistory(.push(snapshot, source: source))
            written = snapshot
        }

        func insertBooking(id: String, productId: Int32, title: String, customerId: Int32,
                           bookedAt: Date, snapshotSequence: Int64, trail: String?) throws -> Int64 {
            try db.cachedStatement(sql: """
                INSERT INTO booking (id, product_id, title, customer_id, booked_at, snapshot_sequence)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id, productId, title, customerId, bookedAt.timeIntervalSince1970,
                                         snapshotSequence])
            let sequence = db.lastInsertedRowID
            try db.cachedStatement(sql: "INSERT INTO outbox (booking_sequence, state) VALUES (?, 'pending')")
                .execute(arguments: [sequence])
            try appendHistory(.booking(Booking(id: id, sequence: sequence, productId: productId, title: title,
                                               customerId: customerId, bookedAt: bookedAt,
                                               snapshotSequence: snapshotSequence), trail: trail))
            return sequence
        }

        func updateOutbox(_ event: OutboxEvent, at time: Date) throws {
            try db.cachedStatement(sql: """
                UPDATE outbox SET state = ?, attempts = ?, last_error = ?, last_attempt_at = ?, delivered_at = ?
                WHERE booking_sequence = ?
                """).execute(arguments: [event.state.rawValue, event.attempts, event.lastError,
                                         event.lastAttemptAt?.timeIntervalSince1970,
                                         event.deliveredAt?.timeIntervalSince1970, event.booking.sequence])
            try appendHistory(.outbox(event, at: time))
        }

        func appendHistory(_ entry: HistoryEntry) throws {
            try db.cachedStatement(sql: """
                INSERT INTO history (at, kind, source, instance, product_id, customer_id, title, booking_id, summary, detail)
                VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [entry.time.timeIntervalSince1970, entry.kind.rawValue, entry.source,
                                         entry.productId, entry.customerId, entry.title, entry.bookingId,
                                         entry.summary, entry.detail])
        }

        func pruneHistory(now: Date) throws {
            try db.execute(sql: "DELETE FROM history WHERE at < ?",
                           arguments: [retention.cutoff(now: now).timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM history WHERE sequence <= (SELECT max(sequence) FROM history) - ?",
                           arguments: [retention.rows])
        }

        func idempotentAnswer(key: String, since: Date) throws -> IdempotentAnswer? {
            try Row.fetchOne(db, sql: """
                SELECT fingerprint, status, body, created_at FROM idempotency_key WHERE key = ? AND created_at >= ?
                """, arguments: [key, since.timeIntervalSince1970]).map { row in
                IdempotentAnswer(fingerprint: row["fingerprint"], status: row["status"], body: row["body"],
                                 at: Date(timeIntervalSince1970: row["created_at"]))
            }
        }

        func rememberIdempotent(key: String, answer: IdempotentAnswer) throws {
            // An expired key of the same name is replaced: its 24 hours are over.
            try db.execute(sql: """
                INSERT OR REPLACE INTO idempotency_key (key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [key, answer.fingerprint, answer.status, answer.body, answer.at.timeIntervalSince1970])
        }

        func forgetIdempotent(before: Date) throws {
            try db.execute(sql: "DELETE FROM idempotency_key WHERE created_at < ?", arguments: [before.timeIntervalSince1970])
        }
    }

    // MARK: Reading history

    public func history(_ query: HistoryQuery) throws -> [HistoryEntry] {
        try writer.read { db in try Self.history(db, query) }
    }

    static func history(_ db: Database, _ query: HistoryQuery) throws -> [HistoryEntry] {
        let (sql, binds) = query.select { _ in "?" }
        let arguments = StatementArguments(binds.map { bind -> (any DatabaseValueConvertible)? in
            switch bind {
            case .int(let value): return value
            case .text(let value): return value
            case .real(let value): return value
            }
        })
        return try HistoryEntry.fetchAll(db, sql: sql, arguments: arguments)
    }

    public func events(state: OutboxEvent.State? = nil, limit: Int = 1000) throws -> [OutboxEvent] {
        try writer.read { db in
            try OutboxEvent.fetchAll(db, sql: """
                SELECT b.*, o.state, o.attempts, o.last_error, o.last_attempt_at, o.delivered_at
                FROM outbox o JOIN booking b ON b.sequence = o.booking_sequence
                \(state == nil ? "" : "WHERE o.state = ?") ORDER BY b.sequence LIMIT \(limit)
                """, arguments: state.map { [$0.rawValue] } ?? [])
        }
    }
}
