import Foundation

/// What happened inside the monitor, published on `Monitor.changes()` in the order it happened.
public enum MonitorChange: Sendable, Equatable {
    case productChanged(Product)
    case queuesReplaced(QueueSnapshot)
    case booked(Booking)
    case delivered(bookingId: String)
    case deliveryFailed(bookingId: String, error: String, parked: Bool)
    case requeued(count: Int)
    case linkChanged(LinkStatus)
    case pausedChanged(Bool)
    /// The group's live instances changed (shared store only).
    case peersChanged([PeerInstance])
    /// The store works again after failing for `outage` seconds.
    case storeRecovered(outage: TimeInterval)
    /// A queue push was refused (too large, invalid, the store failing).
    case pushRefused(PushRefusal)
    case note(ActivityEntry)
}

/// One line of the activity log: bookings, pushes, deliveries, failures, operator actions.
public struct ActivityEntry: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case booking, queue, delivery, failure, operatorAction, info
    }

    public var time: Date
    public var kind: Kind
    public var text: String

    public init(time: Date, kind: Kind, text: String) {
        self.time = time
        self.kind = kind
        self.text = text
    }
}

/// The Orchestrator link as the console and `/administration/link` show it.
public struct LinkStatus: Sendable, Equatable {
    public enum Breaker: Sendable, Equatable {
        case closed
        /// No attempts until `until`; then one trial request.
        case open(until: Date)
        case halfOpen
    }

    public var orchestrator: String
    public var breaker: Breaker
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastErrorAt: Date?
    public var lastDeliveryAt: Date?
    /// With a shared store: another instance holds the sender role; this one only books.
    public var standby = false
    /// No link runs in this process (`--once` reads the store and prints).
    public var notRunning = false
    /// Whether the Orchestrator answers: nil until the first call (a delivery, a resync or an
    /// idle probe) has an outcome. Every call feeds it, not only deliveries.
    public var reachable: Bool?
    /// Since when it has not answered, and why (the first failure of this outage).
    public var unreachableSince: Date?
    public var unreachableCause: String?
    /// The last call that got any answer, and the last resync the Orchestrator accepted.
    public var lastAnswerAt: Date?
    public var lastResyncAt: Date?
    /// The last outage's length, once it is over: how long this instance was cut off.
    public var lastOutage: TimeInterval?

    /// A call got an answer. Returns true when that ends an outage.
    public mutating func answered(at time: Date) -> Bool {
        let recovered = reachable == false
        if recovered, let since = unreachableSince { lastOutage = time.timeIntervalSince(since) }
        reachable = true
        unreachableSince = nil
        unreachableCause = nil
        lastAnswerAt = time
        return recovered
    }

    /// A call got no answer (refused, reset, timed out) or a gateway's 502/503/504. Returns true
    /// when this starts an outage.
    public mutating func unanswered(cause: String, at time: Date) -> Bool {
        guard reachable != false else { return false }
        reachable = false
        unreachableSince = time
        unreachableCause = cause
        return true
    }

    public init(orchestrator: String, breaker: Breaker = .closed, consecutiveFailures: Int = 0,
                lastError: String? = nil, lastErrorAt: Date? = nil, lastDeliveryAt: Date? = nil) {
        self.orchestrator = orchestrator
        self.breaker = breaker
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.lastDeliveryAt = lastDeliveryAt
    }
}

/// Everything a reader (console, HTTP) needs, copied out of the monitor at one instant.
public struct MonitorSnapshot: Sendable {
    public var group: String
    public var store: String
    /// Sorted by id.
    public var products: [Product]
    public var queues: QueueSnapshot
    /// Titles carried by at least one product of this group, by their bytes.
    public var carriedTitles: Set<TitleKey>
    /// The carried titles by their normalized form: for a queued title not carried, the
    /// carried one it nearly equals (`NearTitles.near`).
    public var nearTitles: NearTitles
    /// Undelivered events, booking order, pending and parked.
    public var outbox: [OutboxEvent]
    public var totals: Totals
    public var paused: Bool
    public var link: LinkStatus
    /// Newest first.
    public var activity: [ActivityEntry]
    /// The group's live instances, this one included (empty with a store of one instance).
    public var peers: [PeerInstance] = []
    public var refusals = PushRefusals()
    /// Set while the store fails.
    public var storeFailingSince: Date?
    public var lastStoreOutage: TimeInterval?
    /// Who the booking rules skip, and why: what `explain` needs beyond the rest.
    public var blocks = BookingBlocks()
    /// `BookingState.productsVersion` when taken from a monitor (0 when built from values):
    /// the console sorts the products again only when it changes.
    public var productsVersion: UInt64 = 0

    /// A snapshot from values: render, policy and explanation tests build one without a monitor.
    public init(group: String, store: String = "in-memory", products: [Product], queues: QueueSnapshot,
                carriedTitles: Set<TitleKey>? = nil, nearTitles: NearTitles? = nil, outbox: [OutboxEvent] = [],
                totals: Totals = Totals(), paused: Bool = false, link: LinkStatus = LinkStatus(orchestrator: ""),
                activity: [ActivityEntry] = [], peers: [PeerInstance] = [], refusals: PushRefusals = PushRefusals(),
                storeFailingSince: Date? = nil, lastStoreOutage: TimeInterval? = nil, blocks: BookingBlocks = BookingBlocks()) {
        let carried = carriedTitles ?? Set(products.map { TitleKey($0.title) })
        self.group = group
        self.store = store
        self.products = products
        self.queues = queues
        self.carriedTitles = carried
        self.nearTitles = nearTitles ?? NearTitles(carried: carried)
        self.outbox = outbox
        self.totals = totals
        self.paused = paused
        self.link = link
        self.activity = activity
        self.peers = peers
        self.refusals = refusals
        self.storeFailingSince = storeFailingSince
        self.lastStoreOutage = lastStoreOutage
        self.blocks = blocks
    }

    /// Whether a product of this group has exactly this title (its bytes).
    public func carries(_ title: String) -> Bool { carriedTitles.contains(TitleKey(title)) }

    public var pendingCount: Int { outbox.count(where: { $0.state == .pending }) }
    public var parkedCount: Int { outbox.count(where: { $0.state == .parked }) }
    public var oldestPending: Date? { outbox.first(where: { $0.state == .pending })?.booking.bookedAt }
}
