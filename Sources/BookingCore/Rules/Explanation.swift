import Foundation

/// Why a customer has, or has not, a copy of a title here; also why a queued customer was
/// skipped by a booking decision. The raw values are what `/administration/explain` answers.
public enum ExplainReason: String, Sendable, Codable, CaseIterable {
    /// The customer has a copy (a product of the title is booked for them).
    case booked
    /// Every copy of the title here is unavailable or booked.
    case noCopyAvailable = "no-copy-available"
    /// Copies are available, but the customers ahead take them.
    case waitingBehind = "waiting-behind"
    /// An earlier booking's event for this title is not delivered yet: the Orchestrator still
    /// shows the customer at the head until it has that event.
    case eventPending = "event-pending"
    /// Already given a copy from the current queue snapshot; the Orchestrator moves the
    /// customer on with its next push.
    case bookedFromThisSnapshot = "booked-from-this-snapshot"
    /// No product of this group has exactly this title (its bytes).
    case titleNotCarried = "title-not-carried"
    /// The customer is not in the title's queue.
    case notQueued = "not-queued"
    /// The checker is paused: nothing is booked until it resumes.
    case paused
}

/// A queued customer the rules passed over for a title, and why (`eventPending` or
/// `bookedFromThisSnapshot`).
public struct SkippedCustomer: Sendable, Codable, Equatable, Hashable {
    public var customer: Int32
    public var reason: ExplainReason

    public init(customer: Int32, reason: ExplainReason) {
        self.customer = customer
        self.reason = reason
    }
}

/// The event of a booking as an explanation names it.
public enum ExplainEventState: String, Sendable, Codable {
    case pending, parked, delivered
}

/// `GET /administration/explain?customer=C&title=T`: why customer C has or has not a copy of T.
public struct CustomerExplanation: Sendable, Codable, Equatable {
    public var customer: Int32
    public var title: String
    public var reason: ExplainReason
    /// One sentence an operator reads.
    public var detail: String
    /// `booked`: the product they have; `event-pending`: the product whose event is outstanding.
    public var product: Int32?
    public var bookedAt: Date?
    public var eventState: ExplainEventState?
    /// 1-based place in the title's queue (the first time the customer appears in it).
    public var position: Int?
    /// Queued customers ahead who come first (not skipped).
    public var ahead: Int?
    /// Copies of the title in this group, and how many of them are available now.
    public var copies: Int?
    public var available: Int?
    /// `title-not-carried`: the carried title that equals this one after normalization (NFC,
    /// trimmed, case-folded), and how the two differ.
    public var nearMatch: String?
    public var nearMatchDiffers: String?
    public var paused: Bool

    public init(customer: Int32, title: String, reason: ExplainReason, detail: String,
                product: Int32? = nil, bookedAt: Date? = nil, eventState: ExplainEventState? = nil,
                position: Int? = nil, ahead: Int? = nil, copies: Int? = nil, available: Int? = nil,
                nearMatch: String? = nil, nearMatchDiffers: String? = nil, paused: Bool = false) {
        self.customer = customer
        self.title = title
        self.reason = reason
        self.detail = detail
        self.product = product
        self.bookedAt = bookedAt
        self.eventState = eventState
        self.position = position
        self.ahead = ahead
        self.copies = copies
        self.available = available
        self.nearMatch = nearMatch
        self.nearMatchDiffers = nearMatchDiffers
        self.paused = paused
    }
}

/// `GET /administration/explain?product=ID`: who has the product since when, or why it is
/// available and not booked.
public struct ProductExplanation: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case available, booked, unavailable
    }

    public var productId: Int32
    public var title: String
    public var status: Status
    /// One sentence an operator reads.
    public var sentence: String
    /// `booked`: the customer who has it, since when, and its event's state.
    public var holder: Int32?
    public var since: Date?
    public var eventState: ExplainEventState?
    /// Customers in the queue of its title (0: no queue).
    public var queued: Int
    /// Each queued customer the rules skip for this title, with the reason.
    public var skipped: [SkippedCustomer]
    /// Queued customers who get other (lower-numbered) copies of the title first.
    public var servedFirst: [Int32]
    /// The customer the rules give it to now (while paused, or until the next sweep).
    public var next: Int32?
    /// A queued title that equals this product's after normalization (not booked: the
    /// Orchestrator compares bytes).
    public var nearQueue: String?
    public var paused: Bool

    public init(productId: Int32, title: String, status: Status, sentence: String,
                holder: Int32? = nil, since: Date? = nil, eventState: ExplainEventState? = nil,
                queued: Int = 0, skipped: [SkippedCustomer] = [], servedFirst: [Int32] = [],
                next: Int32? = nil, nearQueue: String? = nil, paused: Bool = false) {
        self.productId = productId
        self.title = title
        self.status = status
        self.sentence = sentence
        self.holder = holder
        self.since = since
        self.eventState = eventState
        self.queued = queued
        self.skipped = skipped
        self.servedFirst = servedFirst
        self.next = next
        self.nearQueue = nearQueue
        self.paused = paused
    }
}
