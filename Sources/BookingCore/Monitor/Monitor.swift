import Foundation
import Logging

public enum MonitorError: Error, Equatable, CustomStringConvertible {
    case unknownProduct(Int32)
    case unknownBooking(String)
    /// An `Idempotency-Key` sent again with a different request.
    case idempotencyKeyReused(String)

    public var description: String {
        switch self {
        case .idempotencyKeyReused(let key):
            return "Idempotency-Key \"\(key)\" was used for a different request; send a new key for a new request"
        case .unknownProduct(let id): return "no product with id \(id) in this group"
        case .unknownBooking(let id): return "no undelivered booking with id \(id)"
        }
    }
}

/// The one owner of booking-monitor's state. Every change (a queue push, a switch-state, a key,
/// a sweep, a delivery result) is a method here: it asks the rules (`BookingState.plan`), commits
/// the writes to the store in one transaction, then applies the change to its `BookingState`
/// and carries out what that returned (activity lines, published changes). The methods are
/// synchronous, so each runs start to finish without interleaving with another.
///
/// Memory is a copy of the store. With a shared store (several instances of one group on one
/// PostgreSQL database) every transaction first catches up with what the other instances
/// committed, under the group's write lock, and decides only then: so the rules always run on
/// the truth, and the decisions of all instances form one order.
public actor Monitor {
    public nonisolated let group: String
    private nonisolated let executor = MonitorExecutor(name: "monitor")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    let store: any Store
    let logger: Logger
    /// The one clock: every time the monitor records or decides on comes from it.
    public nonisolated let clock: any BookingClock
    let makeBookingId: @Sendable () -> String

    /// Everything the rules decide on, as one value; changed only through `state.apply`.
    var state: BookingState
    /// How many catch-ups with other instances memory has taken in: a plan made before a
    /// transaction still holds inside it while this is unchanged.
    var catchUps = 0
    var link: LinkStatus
    var peers: [PeerInstance] = []
    var activity: [ActivityEntry] = []
    /// Set while the store fails (disk, server, a lock it cannot get): the next commit that
    /// works ends the outage. Readable without the actor (`/health/ready` must answer while a
    /// store call holds it).
    public nonisolated let storeHealth = StoreHealth()
    /// The outbox's head and its wake, for the link (`OutboxView`): kept at start, by
    /// `publish` and by each catch-up.
    public nonisolated let outboxView = OutboxView()
    var storeFailingSince: Date? {
        get { storeHealth.failingSince }
        set { storeHealth.failingSince = newValue }
    }
    /// How long the last store outage lasted, once it was over.
    var lastStoreOutage: TimeInterval?
    /// When the sweep last tried a write on a failing store.
    var lastStoreProbe: Date?
    /// The failure of the store's current outage is in Activity.
    var storeFailureRecorded = false
    var refusals = PushRefusals()
    var lastIdempotencyPrune = Date.distantPast
    var lastHistoryPrune = Date.distantPast
    private static let activityLimit = 500

    var subscribers: [Int: AsyncStream<MonitorChange>.Continuation] = [:]
    var nextSubscriber = 0

    public init(store: any Store, group: String, orchestrator: String, logger: Logger,
                clock: any BookingClock = SystemClock(),
                makeBookingId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) throws {
        let loaded = try store.load()
        self.store = store
        self.group = group
        self.logger = logger
        self.clock = clock
        self.makeBookingId = makeBookingId
        self.state = BookingState(loaded: loaded)
        self.link = LinkStatus(orchestrator: orchestrator)
        self.activity = loaded.recentHistory.reversed().map { $0.activity(here: store.instance) }
        outboxView.update(head: state.pendingEvents(limit: OutboxView.depth + 1), newWork: false)
    }

    deinit { executor.stop() }

    nonisolated func now() -> Date { clock.now() }

    // MARK: Commands

    /// Loads a catalog: adds new products, updates titles and descriptions of known ones, keeps
    /// their availability. Returns how many were added and updated.
    @discardableResult
    public func applyCatalog(_ catalog: [Product]) throws -> (added: Int, updated: Int) {
        var merged: [Product] = []
        let (added, updated) = try transact { tx -> (Int, Int) in
            var added = 0, updated = 0
            merged = state.products
            for entry in catalog {
                if let index = state.indexById[entry.id] {
                    if !TitleKey.same(merged[index].title, entry.title)
                        || !merged[index].description.utf8.elementsEqual(entry.description.utf8) {
                        merged[index].title = entry.title
                        merged[index].description = entry.description
                        updated += 1
                    }
                } else {
                    merged.append(entry)
                    added += 1
                }
            }
            if added + updated > 0 { try tx.upsertCatalog(catalog, at: now()) }
            return (added, updated)
        }
        guard added + updated > 0 else { return (0, 0) }
        emit(state.apply(.catalog(merged)))
        book(titles: nil)
        return (added, updated)
    }

    /// `PUT switch-state`, a key press, stock arriving: sets a product's availability and books
    /// it at once if its title has a queue.
    @discardableResult
    public func setAvailability(productId: Int32, isAvailable: Bool, by actor: String = "api",
                                key: IdempotencyKey? = nil) throws -> Product {
        if !store.isShared, key == nil, let product = state.product(id: productId), product.isAvailable == isAvailable {
            return product  // nothing to write (a shared store must look at the truth first)
        }
        let changed = try transact { tx -> (Product, [(Booking, Product)])? in
            try checkIdempotency(key, tx)
            guard var product = state.product(id: productId) else { throw MonitorError.unknownProduct(productId) }
            // A key is remembered with a no-op too: its retry must stay a no-op.
            try rememberIdempotency(key, tx)
            guard product.isAvailable != isAvailable else { return nil }
            product.isAvailable = isAvailable
            if isAvailable { product.bookedBy = nil; product.bookedAt = nil }
            let plan = isAvailable ? state.plan(titles: [TitleKey(product.title)], extraAvailable: product) : []
            try tx.update(product, was: state.product(id: productId), source: actor, at: now())
            return (product, try write(plan, tx, extraAvailable: product))
        }
        guard let (product, bookings) = changed else { return state.product(id: productId)! }
        record(.operatorAction, "\(actor): product \(productId) \(isAvailable ? "available" : "unavailable")")
        emit(state.apply(.product(product)))
        applyBookings(bookings)
        return state.product(id: productId)!
    }

    /// `POST set-queue`: replaces the queue snapshot and books what it allows at once.
    @discardableResult
    public func replaceQueues(_ queues: [CustomerQueue], key: IdempotencyKey? = nil) throws -> QueueSnapshot {
        // Decided on a copy of the state taken after the catch-up: a failed commit leaves
        // `state` as it was, with nothing to roll back.
        let (next, effects, bookings) = try transact { tx in
            try checkIdempotency(key, tx)
            try rememberIdempotency(key, tx)
            var next = state
            // After the catch-up: the sequence follows the last push to any instance.
            let effects = next.apply(.queuePush(QueueSnapshot(sequence: state.snapshot.sequence + 1, receivedAt: now(),
                                                              queues: queues)))
            try tx.replaceSnapshot(next.snapshot, source: "set-queue")
            return (next, effects, try write(next.plan(titles: nil), tx, extraAvailable: nil, snapshot: next.snapshot.sequence))
        }
        state = next
        refusals.outstanding = false
        BookingMetrics.queuePushes.increment()
        BookingMetrics.lastQueuePush.record(now().timeIntervalSince1970)
        emit(effects)
        applyBookings(bookings)
        return state.snapshot
    }

    /// The safety sweep: books whatever the rules allow now.
    public func sweep() {
        if storeFailingSince != nil {
            // Nothing else may write while the store fails: try it, so recovery is noticed. At
            // most every 2 s: a store that does not answer holds the monitor for the answer
            // timeout, and reads and the link's state must get through between probes.
            guard lastStoreProbe.map({ now().timeIntervalSince($0) >= 2 }) ?? true else { return }
            lastStoreProbe = now()
            try? transact { _ in }
        }
        book(titles: nil)
        pruneExpired()
    }

    public func setPaused(_ paused: Bool) {
        guard state.paused != paused else { return }
        try? transact { tx in try tx.appendHistory(.paused(paused, at: now())) }
        emit(state.apply(.paused(paused)))
        if !paused { book(titles: nil) }
    }

    public var isPaused: Bool { state.paused }

    // MARK: Booking

    func book(titles: Set<TitleKey>?) {
        let planned = state.plan(titles: titles)
        guard !planned.isEmpty else { return }
        let before = catchUps
        do {
            let bookings = try transact { tx in
                // Plan again only if the transaction brought other instances' changes.
                try write(catchUps == before ? planned : state.plan(titles: titles), tx, extraAvailable: nil)
            }
            applyBookings(bookings)
        } catch {
            logger.error("booking failed, will retry on the next sweep: \(error)")
            record(.failure, "booking failed: \(error)")
        }
    }

    /// Writes each planned booking, its product and its event in `tx`. Memory is updated by
    /// `applyBookings` only after the transaction commits.
    func write(_ plan: [BookingDecision], _ tx: any StoreTransaction, extraAvailable: Product?,
               snapshot: Int64? = nil, planned on: BookingState? = nil) throws -> [(Booking, Product)] {
        let bookedAt = now()
        let snapshotSequence = snapshot ?? state.snapshot.sequence
        var result: [(Booking, Product)] = []
        for planned in plan {
            let id = makeBookingId()
            let sequence = try tx.insertBooking(id: id, productId: planned.productId, title: planned.title,
                                                customerId: planned.customerId, bookedAt: bookedAt,
                                                snapshotSequence: snapshotSequence, trail: bookingTrail(planned))
            var product = extraAvailable?.id == planned.productId ? extraAvailable!
                : (on ?? state).product(id: planned.productId)!
            product.isAvailable = false
            product.bookedBy = planned.customerId
            product.bookedAt = bookedAt
            try tx.book(product)
            result.append((Booking(id: id, sequence: sequence, productId: planned.productId, title: planned.title,
                                   customerId: planned.customerId, bookedAt: bookedAt,
                                   snapshotSequence: snapshotSequence), product))
        }
        return result
    }

    func applyBookings(_ bookings: [(Booking, Product)]) {
        for (booking, product) in bookings {
            let effects = state.apply(.booked(booking, product))
            BookingMetrics.bookings.increment()
            logger.info("booked product \(booking.productId) \"\(booking.title)\" for customer \(booking.customerId)",
                        metadata: ["booking": "\(booking.id)", "product": "\(booking.productId)",
                                   "customer": "\(booking.customerId)", "title": "\(booking.title)"])
            emit(effects)
        }
    }

    /// Carries out what a transition returned: activity lines and published changes, in order.
    func emit(_ effects: [BookingState.Effect]) {
        for effect in effects {
            switch effect {
            case .record(let kind, let text): record(kind, text)
            case .publish(let change): publish(change)
            }
        }
    }

    // MARK: Reading

    public func snapshotNow() -> MonitorSnapshot {
        var snapshot = MonitorSnapshot(group: group, store: store.description, products: state.products, queues: state.snapshot,
                        carriedTitles: state.carriedTitles, nearTitles: state.nearTitles,
                        outbox: state.outbox.values.sorted { $0.booking.sequence < $1.booking.sequence },
                        totals: state.totals, paused: state.paused, link: link,
                        activity: Array(activity.suffix(Self.activityLimit).reversed()), peers: peers,
                        refusals: refusals, storeFailingSince: storeFailingSince, lastStoreOutage: lastStoreOutage,
                        blocks: state.blocks)
        snapshot.productsVersion = state.productsVersion
        return snapshot
    }

    public func allProducts() -> [Product] { state.products }

    /// The products and their version, or only the version when the caller's copy (of
    /// `version`) is still current.
    public func products(ifChangedSince version: UInt64?) -> (version: UInt64, products: [Product]?) {
        (state.productsVersion, version == state.productsVersion ? nil : state.products)
    }
    public func currentTotals() -> Totals { state.totals }
    public func queues() -> QueueSnapshot { state.snapshot }
    public func product(id: Int32) -> Product? { state.product(id: id) }

    /// Why `customer` has or has not a copy of `title` (`MonitorSnapshot.explain`).
    public func explain(customer: Int32, title: String) -> CustomerExplanation {
        snapshotNow().explain(customer: customer, title: title)
    }

    /// Who has product `id` since when, or why it is available and not booked; nil for a
    /// product this group does not have.
    public func explain(product id: Int32) -> ProductExplanation? {
        snapshotNow().explain(product: id)
    }

    // MARK: Change stream

    /// Every change from now on, in order. The stream ends when the caller stops iterating.
    public func changes(bufferingNewest limit: Int = 10_000) -> AsyncStream<MonitorChange> {
        let (stream, continuation) = AsyncStream<MonitorChange>.makeStream(bufferingPolicy: .bufferingNewest(limit))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    func unsubscribe(_ id: Int) { subscribers[id] = nil }

    /// Ends every change stream, for shutdown.
    public func finishChanges() {
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    func publish(_ change: MonitorChange) {
        switch change {
        case .booked(let booking): outboxBooked(booking)
        case .requeued: refreshOutboxView(newWork: true)
        case .delivered, .deliveryFailed: refreshOutboxView(newWork: false)
        default: break
        }
        for continuation in subscribers.values { continuation.yield(change) }
        switch change {
        case .booked, .delivered, .deliveryFailed, .requeued: recordOutboxMetrics()
        default: break
        }
    }

    /// Before the change is published: the link, woken, reads the view at once.
    func refreshOutboxView(newWork: Bool) {
        outboxView.update(head: state.pendingEvents(limit: OutboxView.depth + 1), newWork: newWork)
    }

    /// A new booking's event: appended to the view when it comes last (a push that books
    /// 10,000 does not rebuild the view 10,000 times); else the view is rebuilt.
    private func outboxBooked(_ booking: Booking) {
        if let event = state.outbox[booking.sequence], outboxView.append(event) { return }
        refreshOutboxView(newWork: true)
    }

    /// Adds a line to the activity log (an operator note, a link event).
    public func note(_ kind: ActivityEntry.Kind, _ text: String) {
        record(kind, text)
        publish(.note(activity[activity.count - 1]))
    }

    func record(_ kind: ActivityEntry.Kind, _ text: String) {
        activity.append(ActivityEntry(time: now(), kind: kind, text: text))
        // What an operator did belongs in the log as well as on screen (who paused, who flipped).
        if kind == .operatorAction { logger.notice("operator action: \(text)") }
        if activity.count > Self.activityLimit * 2 { activity.removeFirst(activity.count - Self.activityLimit) }
    }
}

extension Collection {
    /// The first index whose element satisfies `predicate`, for a collection partitioned by it
    /// (binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if predicate(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
