import Foundation

/// A product given to the customer at the head of its title's queue. Its booking event
/// (the outbox row) is written in the same transaction.
public struct Booking: Sendable, Equatable, Hashable {
    /// Stable across retries and restarts; sent as the `Idempotency-Key` header.
    public var id: String
    /// Booking order: events are delivered in increasing `sequence`.
    public var sequence: Int64
    public var productId: Int32
    public var title: String
    public var customerId: Int32
    public var bookedAt: Date
    /// The queue snapshot the booking was made from (the stale-snapshot rule).
    public var snapshotSequence: Int64

    public init(id: String, sequence: Int64, productId: Int32, title: String, customerId: Int32,
                bookedAt: Date, snapshotSequence: Int64) {
        self.id = id
        self.sequence = sequence
        self.productId = productId
        self.title = title
        self.customerId = customerId
        self.bookedAt = bookedAt
        self.snapshotSequence = snapshotSequence
    }
}

/// The delivery state of one booking event.
public struct OutboxEvent: Sendable, Equatable, Hashable {
    public enum State: String, Sendable {
        case pending, parked, delivered
    }

    public var booking: Booking
    public var state: State
    public var attempts: Int
    public var lastError: String?
    public var lastAttemptAt: Date?
    public var deliveredAt: Date?

    public init(booking: Booking, state: State = .pending, attempts: Int = 0, lastError: String? = nil,
                lastAttemptAt: Date? = nil, deliveredAt: Date? = nil) {
        self.booking = booking
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.lastAttemptAt = lastAttemptAt
        self.deliveredAt = deliveredAt
    }
}
