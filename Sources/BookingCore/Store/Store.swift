import Foundation

/// Where a monitor keeps its state: products, the last queue snapshot, bookings and their
/// outgoing events. Two kinds: `SQLiteStore` (a file or memory, owned by one instance) and a
/// shared PostgreSQL store (module BookingPostgres) that several instances of one group use
/// at once.
///
/// Every method is synchronous and one transaction: the `Monitor` calls them from its actor, so
/// a command runs start to finish without interleaving with another.
public protocol Store: AnyObject, Sendable {
    /// What the console header and the logs show: a path, "in-memory", or host/database.
    var description: String { get }

    /// True when other instances write to the same store: the monitor must catch up with them.
    var isShared: Bool { get }

    /// This instance's name in a shared store's history; nil for a store of one instance.
    var instance: String? { get }

    /// Everything a monitor needs to resume.
    func load() throws -> StoreLoaded

    /// Runs `body` as one transaction: everything in it is committed together or not at all.
    /// A shared store first takes the group's write lock and hands what other instances
    /// committed since this process last looked to `catchUp`, so `body` decides on the truth.
    func write<T>(catchUp: (StoreDelta) -> Void, _ body: (any StoreTransaction) throws -> T) throws -> T

    /// What other instances committed since this process last looked; nil when nothing (always
    /// nil for a store of one instance).
    func changes() throws -> StoreDelta?

    /// Events in booking order, optionally only those in one state.
    func events(state: OutboxEvent.State?, limit: Int) throws -> [OutboxEvent]

    /// Recorded changes matching `query`, newest first.
    func history(_ query: HistoryQuery) throws -> [HistoryEntry]
}

extension Store {
    public var isShared: Bool { false }
    public var instance: String? { nil }
    public func changes() throws -> StoreDelta? { nil }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try write(catchUp: { _ in }, body)
    }
}

/// The writes a `Monitor` makes, available only inside `Store.write`. Each write that changes
/// what an operator may ask about also records a `HistoryEntry` in the same transaction.
public protocol StoreTransaction {
    /// Adds new products, updates titles and descriptions of known ones; keeps availability.
    /// History: one `catalog` entry when anything changed.
    func upsertCatalog(_ products: [Product], at time: Date) throws
    /// Sets a product's availability; `source` says who asked (`key`, `api`, …). History: a
    /// `product` entry (source `release` when it hands a booked copy on).
    /// `was`: the product as the monitor has it (a shared store uses it instead of a read).
    func update(_ product: Product, was: Product?, source: String, at time: Date) throws
    /// Marks an available product booked. Throws `StoreError.notAvailable` when the row is not
    /// available: the last guard against booking one product twice.
    func book(_ product: Product) throws
    /// History: a `queue-push` entry (sequence, titles, customers, `source`).
    func replaceSnapshot(_ snapshot: QueueSnapshot, source: String) throws
    /// Writes the booking and its outgoing event; returns its booking-order sequence.
    /// History: a `booking` entry with `trail` (JSON: who was ahead and skipped, and why).
    func insertBooking(id: String, productId: Int32, title: String, customerId: Int32,
                       bookedAt: Date, snapshotSequence: Int64, trail: String?) throws -> Int64
    /// History: what became of the event (`delivered`, `attempt`, `parked`, `requeued`).
    func updateOutbox(_ event: OutboxEvent, at time: Date) throws
    /// Records a change that writes nothing else (pause, resume).
    func appendHistory(_ entry: HistoryEntry) throws
    /// Drops entries past the store's `HistoryRetention` (by age, then by rows).
    func pruneHistory(now: Date) throws
    /// The answer remembered for an `Idempotency-Key` no older than `since`.
    func idempotentAnswer(key: String, since: Date) throws -> IdempotentAnswer?
    func rememberIdempotent(key: String, answer: IdempotentAnswer) throws
    func forgetIdempotent(before: Date) throws
}

public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notAvailable(productId: Int32)
    case corruptSnapshot
    case wrongGroup(store: String, stored: String, wanted: String)
    /// A shared store's server cannot be reached; the next call tries to connect again.
    case unreachable(String)
    /// A shared store's server refused a statement (its message and SQLSTATE), or answered
    /// something the schema rules out.
    case failed(String)

    public var description: String {
        switch self {
        case .notAvailable(let id):
            return "product \(id) is not available in the store (already booked?); nothing was written"
        case .corruptSnapshot:
            return "the stored queue snapshot is corrupt"
        case .failed(let reason):
            return "the database refused the change: \(reason)"
        case .unreachable(let reason):
            return "the database cannot be reached (\(reason)); the change may not have been made, send it again"
        case .wrongGroup(let store, let stored, let wanted):
            return "\(store) holds group \"\(stored)\", not \"\(wanted)\": give --group \(stored), or another database"
        }
    }
}

public struct StoreLoaded: Sendable {
    public var products: [Product]
    public var snapshot: QueueSnapshot
    /// Bookings whose event is not delivered (pending or parked), in booking order.
    public var outbox: [OutboxEvent]
    /// Delivered bookings made from the current snapshot: the stale-snapshot rule needs them.
    public var deliveredFromCurrentSnapshot: [Booking]
    public var totals: Totals
    /// The newest history entries (no failed attempts), newest first: the Activity pane's start.
    public var recentHistory: [HistoryEntry]

    public init(products: [Product], snapshot: QueueSnapshot, outbox: [OutboxEvent],
                deliveredFromCurrentSnapshot: [Booking], totals: Totals, recentHistory: [HistoryEntry] = []) {
        self.products = products
        self.snapshot = snapshot
        self.outbox = outbox
        self.deliveredFromCurrentSnapshot = deliveredFromCurrentSnapshot
        self.totals = totals
        self.recentHistory = recentHistory
    }

    /// How many entries `recentHistory` holds at most (the Activity pane's length).
    public static let recentHistoryLimit = 500
}

/// What other instances committed to a shared store since this process last looked.
public struct StoreDelta: Sendable {
    /// Products added or changed, by id.
    public var products: [Product]
    /// The queue snapshot, when another instance replaced it.
    public var snapshot: QueueSnapshot?
    /// Events created or changed (delivered, parked, requeued), in booking order. Every booking
    /// made from a snapshot newer than the last one seen is among them.
    public var events: [OutboxEvent]
    public var totals: Totals

    public init(products: [Product] = [], snapshot: QueueSnapshot? = nil, events: [OutboxEvent] = [],
                totals: Totals) {
        self.products = products
        self.snapshot = snapshot
        self.events = events
        self.totals = totals
    }
}

/// Running counts since the store was created.
public struct Totals: Sendable, Equatable {
    public var bookings: Int
    public var delivered: Int
    public var queuePushes: Int

    public init(bookings: Int = 0, delivered: Int = 0, queuePushes: Int = 0) {
        self.bookings = bookings
        self.delivered = delivered
        self.queuePushes = queuePushes
    }
}

/// Who delivers the outbox when several instances share a store: one instance at a time.
public protocol SenderRole: Sendable {
    /// True while this instance may deliver; takes the role when it is free.
    func claim() async -> Bool
}

/// An instance of this group that is running now (a shared store knows them).
public struct PeerInstance: Sendable, Equatable {
    public var name: String
    public var isSelf: Bool
    /// Holds the sender role: delivers the outbox.
    public var isSender: Bool

    public init(name: String, isSelf: Bool, isSender: Bool) {
        self.name = name
        self.isSelf = isSelf
        self.isSender = isSender
    }
}
