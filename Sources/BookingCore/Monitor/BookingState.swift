import Foundation

/// What the monitor knows, as one value: products and their indexes, the queue snapshot, the
/// outbox, who the rules skip, the totals. Every change is one of `BookingState.Input`, applied
/// by `apply`, which is pure: it returns what to record and publish, and the `Monitor` actor
/// does that (and the store writes, in one transaction) around it. Start-up loads the store
/// by replaying it as a catch-up (`init(loaded:)`), so a restart and another instance's changes
/// go through the same code.
public struct BookingState: Sendable {
    /// Sorted by id.
    public private(set) var products: [Product] = []
    /// Increases with every change to `products`: readers cache what they derive from them.
    public private(set) var productsVersion: UInt64 = 0
    private(set) var indexById: [Int32: Int] = [:]
    // Keyed by title bytes (`TitleKey`): the Orchestrator's «Йод» in NFC and in NFD are two titles.
    private(set) var availableByTitle: [TitleKey: Set<Int32>] = [:]
    public private(set) var carriedTitles: Set<TitleKey> = []
    /// Carried titles by their normalized form, for the "near match" hint of titles not carried.
    public private(set) var nearTitles = NearTitles(carried: [])
    public private(set) var snapshot = QueueSnapshot.empty
    private(set) var queueIndex: [TitleKey: Int] = [:]
    /// Pending and parked events, keyed by booking sequence (booking order).
    public private(set) var outbox: [Int64: OutboxEvent] = [:]
    /// Booking sequences of pending events, ascending; may hold stale entries (delivered or
    /// parked since), skipped when read. Keeps `pendingEvents` O(limit) during a backlog.
    private var pendingOrder: [Int64] = []
    private var pendingHead = 0
    /// Parked events in `outbox`: kept here, by `setEvent`, the one place the outbox changes.
    public private(set) var parkedCount = 0
    /// The highest booking sequence known here: a higher one in a catch-up is a new booking.
    private(set) var lastBookingSequence: Int64 = 0
    /// Who the rules skip, and why.
    public private(set) var blocks = BookingBlocks()
    public internal(set) var totals = Totals()
    public internal(set) var paused = false

    /// What changes the state.
    public enum Input: Sendable {
        /// The catalog merged with the known products (`Monitor.applyCatalog`), any order.
        case catalog([Product])
        /// A product's new row: a flip by an operator or the API.
        case product(Product)
        /// A new queue snapshot.
        case queuePush(QueueSnapshot)
        /// A booking committed here, with its product as booked.
        case booked(Booking, Product)
        /// An event's new state: a failed attempt, parked, requeued, delivered.
        case event(OutboxEvent)
        /// What other instances committed (a shared store's catch-up), or the store's content
        /// at start-up.
        case peer(StoreDelta)
        case paused(Bool)
    }

    /// What an input asks the actor to do besides the store writes: lines for the activity
    /// log and changes for the subscribers, in order.
    public enum Effect: Sendable, Equatable {
        case record(ActivityEntry.Kind, String)
        case publish(MonitorChange)
    }

    public init() {}

    /// The state a store holds: its content replayed as one catch-up.
    public init(loaded: StoreLoaded) {
        let delivered = loaded.deliveredFromCurrentSnapshot.map { OutboxEvent(booking: $0, state: .delivered) }
        _ = apply(.peer(StoreDelta(products: loaded.products, snapshot: loaded.snapshot,
                                   events: loaded.outbox + delivered, totals: loaded.totals)))
    }

    // MARK: The transition

    @discardableResult
    public mutating func apply(_ input: Input) -> [Effect] {
        switch input {
        case .catalog(let merged):
            products = merged.sorted { $0.id < $1.id }
            productsVersion += 1
            reindex()
            return []
        case .product(let product):
            replace(product)
            return [.publish(.productChanged(product))]
        case .queuePush(let next):
            if !Self.sameTitles(snapshot.queues, next.queues) { queueIndex = Self.queueIndexes(next) }
            snapshot = next
            blocks.snapshotReplaced()
            totals.queuePushes += 1
            return [.record(.queue, Self.describePush(next)), .publish(.queuesReplaced(next))]
        case .booked(let booking, let product):
            lastBookingSequence = max(lastBookingSequence, booking.sequence)
            replace(product)
            setEvent(OutboxEvent(booking: booking))
            blocks.add(booking, delivered: false, currentSnapshot: snapshot.sequence)
            totals.bookings += 1
            return [.record(.booking, "product \(booking.productId) → customer \(booking.customerId) «\(booking.title)»"),
                    .publish(.booked(booking))]
        case .event(let event):
            if event.state == .delivered {
                guard outbox[event.booking.sequence] != nil else { return [] }
                blocks.delivered(event.booking)
                totals.delivered += 1
            }
            setEvent(event)
            return []
        case .peer(let delta):
            return catchUp(delta)
        case .paused(let paused):
            self.paused = paused
            return [.record(.operatorAction, paused ? "checker paused" : "checker resumed"), .publish(.pausedChanged(paused))]
        }
    }

    /// Another instance's committed changes, as if they had happened here.
    private mutating func catchUp(_ delta: StoreDelta) -> [Effect] {
        var effects: [Effect] = []
        var added = false, retitled = false
        for product in delta.products {
            if let index = indexById[product.id] {
                // A catalog change there: the carried titles change with it.
                if !TitleKey.same(products[index].title, product.title) { retitled = true }
                // An operator's or the API's flip there (a booking is recorded with its event below).
                if product.bookedBy == nil, products[index].isAvailable != product.isAvailable {
                    effects.append(.record(.operatorAction,
                                           "peer: product \(product.id) \(product.isAvailable ? "available" : "unavailable")"))
                }
                replace(product)
                effects.append(.publish(.productChanged(product)))
            } else {
                products.append(product)
                added = true
            }
        }
        if added {
            products.sort { $0.id < $1.id }
            productsVersion += 1
        }
        if added || retitled { reindex() }
        if let next = delta.snapshot {
            if !Self.sameTitles(snapshot.queues, next.queues) { queueIndex = Self.queueIndexes(next) }
            snapshot = next
            blocks.snapshotReplaced()
            effects.append(.record(.queue, "peer: " + Self.describePush(next)))
            effects.append(.publish(.queuesReplaced(next)))
        }
        var requeued = 0
        for event in delta.events {
            let booking = event.booking
            let sequence = booking.sequence
            let known = outbox[sequence]
            // A known event's booking blocks already; a new undelivered one blocks by both clauses.
            blocks.add(booking, delivered: known != nil || event.state == .delivered, currentSnapshot: snapshot.sequence)
            if sequence > lastBookingSequence {
                lastBookingSequence = sequence
                effects.append(.record(.booking,
                                       "peer: product \(booking.productId) → customer \(booking.customerId) «\(booking.title)»"))
                effects.append(.publish(.booked(booking)))
            }
            switch event.state {
            case .delivered:
                guard known != nil else { continue }
                setEvent(event)
                effects.append(.record(.delivery, "peer: delivered: customer \(booking.customerId) «\(booking.title)»"))
                blocks.delivered(booking)
                effects.append(.publish(.delivered(bookingId: booking.id)))
            case .pending, .parked:
                if known?.state == .parked, event.state == .pending { requeued += 1 }
                setEvent(event)
            }
        }
        // Wakes this instance's link when it is the sender.
        if requeued > 0 { effects.append(.publish(.requeued(count: requeued))) }
        totals = delta.totals
        return effects
    }

    // MARK: Derived, in one place

    /// The outbox's one writer: a delivered event leaves it, a parked one is counted, a
    /// pending one is queued for sending.
    private mutating func setEvent(_ event: OutboxEvent) {
        let sequence = event.booking.sequence
        if outbox[sequence]?.state == .parked { parkedCount -= 1 }
        switch event.state {
        case .delivered:
            outbox[sequence] = nil
        case .parked:
            outbox[sequence] = event
            parkedCount += 1
        case .pending:
            let wasPending = outbox[sequence]?.state == .pending
            outbox[sequence] = event
            if !wasPending { enqueuePending(sequence) }
        }
    }

    /// Inserts a pending event's sequence into `pendingOrder`, keeping it ascending.
    private mutating func enqueuePending(_ sequence: Int64) {
        if pendingOrder.last.map({ $0 < sequence }) ?? true {
            pendingOrder.append(sequence)
            return
        }
        let position = pendingOrder[pendingHead...].partitioningIndex { $0 >= sequence }
        if position == pendingOrder.endIndex || pendingOrder[position] != sequence {
            pendingOrder.insert(sequence, at: position)
        }
    }

    /// Pending events in booking order (drops the stale entries it passes at the head).
    public mutating func pendingEvents(limit: Int) -> [OutboxEvent] {
        var result: [OutboxEvent] = []
        var index = pendingHead
        while index < pendingOrder.count, result.count < limit {
            if let event = outbox[pendingOrder[index]], event.state == .pending {
                result.append(event)
            } else if index == pendingHead {
                pendingHead += 1
            }
            index += 1
        }
        if pendingHead > 1024, pendingHead * 2 > pendingOrder.count {
            pendingOrder.removeFirst(pendingHead)
            pendingHead = 0
        }
        return result
    }

    private mutating func replace(_ product: Product) {
        guard let index = indexById[product.id] else { return }
        let old = products[index]
        products[index] = product
        productsVersion += 1
        if old.isAvailable { availableByTitle[TitleKey(old.title)]?.remove(old.id) }
        if product.isAvailable { availableByTitle[TitleKey(product.title), default: []].insert(product.id) }
    }

    private mutating func reindex() {
        var available: [TitleKey: Set<Int32>] = [:]
        for product in products where product.isAvailable {
            available[TitleKey(product.title), default: []].insert(product.id)
        }
        indexById = Dictionary(uniqueKeysWithValues: products.enumerated().map { ($1.id, $0) })
        availableByTitle = available
        carriedTitles = Set(products.map { TitleKey($0.title) })
        nearTitles = NearTitles(carried: carriedTitles)
        queueIndex = Self.queueIndexes(snapshot)
    }

    /// The same titles at the same positions: the index of one is the other's. A rebuilt push
    /// keeps its titles in place, and shares their storage with the last push's.
    static func sameTitles(_ a: [CustomerQueue], _ b: [CustomerQueue]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { TitleKey.same($0.title, $1.title) }
    }

    static func queueIndexes(_ snapshot: QueueSnapshot) -> [TitleKey: Int] {
        Dictionary(snapshot.queues.enumerated().map { (TitleKey($1.title), $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func describePush(_ snapshot: QueueSnapshot) -> String {
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        return "queue push #\(snapshot.sequence): \(counted(snapshot.queues.count, "title")), "
            + counted(snapshot.customerCount, "customer")
    }

    // MARK: Reading

    public func product(id: Int32) -> Product? { indexById[id].map { products[$0] } }

    /// What the rules allow now, for `titles` (nil: every title). `extraAvailable` is a product
    /// about to become available in the same transaction.
    public func plan(titles: Set<TitleKey>?, extraAvailable: Product? = nil) -> [BookingDecision] {
        guard !paused else { return [] }
        var available: [Product] = []
        for title in titles ?? Set(availableByTitle.keys) {
            for id in availableByTitle[title] ?? [] { available.append(products[indexById[id]!]) }
        }
        if let extra = extraAvailable, !(availableByTitle[TitleKey(extra.title)]?.contains(extra.id) ?? false) {
            available.append(extra)
        }
        guard !available.isEmpty else { return [] }
        let queues = titles.map { wanted in wanted.compactMap { queueIndex[$0].map { snapshot.queues[$0] } } }
            ?? snapshot.queues
        return BookingRules.plan(available: available, queues: queues, skip: blocks.reason)
    }
}
