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
/// a sweep, a delivery result) is a method here: it applies the booking rules, commits to the
/// store in one transaction, then updates memory and publishes the change. The methods are
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
    let now: @Sendable () -> Date
    let makeBookingId: @Sendable () -> String

    var products: [Product]
    /// Increases with every change to `products`: readers cache what they derive from them.
    var productsVersion: UInt64 = 0
    var indexById: [Int32: Int]
    // Keyed by title bytes (`TitleKey`): the Orchestrator's «Йод» in NFC and in NFD are two titles.
    var availableByTitle: [TitleKey: Set<Int32>]
    var snapshot: QueueSnapshot
    var queueIndex: [TitleKey: Int] = [:]
    var carriedTitles: Set<TitleKey> = []
    /// Carried titles by their normalized form, for the "near match" hint of titles not carried.
    var nearTitles = NearTitles(carried: [])
    /// Pending and parked events, keyed by booking sequence (booking order).
    var outbox: [Int64: OutboxEvent]
    /// Booking sequences of pending events, ascending; may hold stale entries (delivered or
    /// parked since), skipped when read. Keeps `pendingEvents` O(limit) during a backlog.
    var pendingOrder: [Int64] = []
    var pendingHead = 0
    var parkedCount = 0
    /// The highest booking sequence known here: a higher one in a catch-up is a new booking.
    var lastBookingSequence: Int64 = 0
    /// How many catch-ups with other instances memory has taken in: a plan made before a
    /// transaction still holds inside it while this is unchanged.
    var catchUps = 0
    var undelivered: [CustomerTitle: Int]
    var bookedFromSnapshot: Set<CustomerTitle>
    var totals: Totals
    var paused = false
    var link: LinkStatus
    var peers: [PeerInstance] = []
    var activity: [ActivityEntry] = []
    /// Set while the store fails (disk, server, a lock it cannot get): the next commit that
    /// works ends the outage. Readable without the actor (`/health/ready` must answer while a
    /// store call holds it).
    public nonisolated let storeHealth = StoreHealth()
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
    private static let activityLimit = 500

    var subscribers: [Int: AsyncStream<MonitorChange>.Continuation] = [:]
    var nextSubscriber = 0

    public init(store: any Store, group: String, orchestrator: String, logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init,
                makeBookingId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) throws {
        let loaded = try store.load()
        self.store = store
        self.group = group
        self.logger = logger
        self.now = now
        self.makeBookingId = makeBookingId
        self.products = loaded.products
        self.indexById = [:]
        self.availableByTitle = [:]
        self.snapshot = loaded.snapshot
        self.outbox = [:]
        self.undelivered = [:]
        self.bookedFromSnapshot = Set(loaded.deliveredFromCurrentSnapshot.map {
            CustomerTitle(customerId: $0.customerId, title: $0.title)
        })
        self.totals = loaded.totals
        self.link = LinkStatus(orchestrator: orchestrator)
        for event in loaded.outbox {
            lastBookingSequence = max(lastBookingSequence, event.booking.sequence)
            outbox[event.booking.sequence] = event
            if event.state == .pending { pendingOrder.append(event.booking.sequence) } else { parkedCount += 1 }
            undelivered[event.booking.customerTitle, default: 0] += 1
            if event.booking.snapshotSequence == loaded.snapshot.sequence {
                bookedFromSnapshot.insert(event.booking.customerTitle)
            }
        }
        (indexById, availableByTitle, carriedTitles) = Self.indexes(loaded.products)
        nearTitles = NearTitles(carried: carriedTitles)
        queueIndex = Self.queueIndexes(loaded.snapshot)
    }

    deinit { executor.stop() }

    func reindex() {
        (indexById, availableByTitle, carriedTitles) = Self.indexes(products)
        nearTitles = NearTitles(carried: carriedTitles)
        reindexQueues()
    }

    static func indexes(_ products: [Product])
        -> (byId: [Int32: Int], availableByTitle: [TitleKey: Set<Int32>], titles: Set<TitleKey>) {
        var available: [TitleKey: Set<Int32>] = [:]
        for product in products where product.isAvailable {
            available[TitleKey(product.title), default: []].insert(product.id)
        }
        return (Dictionary(uniqueKeysWithValues: products.enumerated().map { ($1.id, $0) }), available,
                Set(products.map { TitleKey($0.title) }))
    }

    static func queueIndexes(_ snapshot: QueueSnapshot) -> [TitleKey: Int] {
        Dictionary(snapshot.queues.enumerated().map { (TitleKey($1.title), $0) }, uniquingKeysWith: { first, _ in first })
    }

    func reindexQueues() {
        queueIndex = Self.queueIndexes(snapshot)
    }

    // MARK: Commands

    /// Loads a catalog: adds new products, updates titles and descriptions of known ones, keeps
    /// their availability. Returns how many were added and updated.
    @discardableResult
    public func applyCatalog(_ catalog: [Product]) throws -> (added: Int, updated: Int) {
        var merged: [Product] = []
        let (added, updated) = try transact { tx -> (Int, Int) in
            var added = 0, updated = 0
            merged = products
            for entry in catalog {
                if let index = indexById[entry.id] {
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
            if added + updated > 0 { try tx.upsertCatalog(catalog) }
            return (added, updated)
        }
        guard added + updated > 0 else { return (0, 0) }
        products = merged.sorted { $0.id < $1.id }
        productsVersion += 1
        reindex()
        book(titles: nil)
        return (added, updated)
    }

    /// `PUT switch-state`, a key press, stock arriving: sets a product's availability and books
    /// it at once if its title has a queue.
    @discardableResult
    public func setAvailability(productId: Int32, isAvailable: Bool, by actor: String = "api",
                                key: IdempotencyKey? = nil) throws -> Product {
        if !store.isShared, key == nil, let index = indexById[productId], products[index].isAvailable == isAvailable {
            return products[index]  // nothing to write (a shared store must look at the truth first)
        }
        let changed = try transact { tx -> (Product, [(Booking, Product)])? in
            try checkIdempotency(key, tx)
            guard let index = indexById[productId] else { throw MonitorError.unknownProduct(productId) }
            var product = products[index]
            // A key is remembered with a no-op too: its retry must stay a no-op.
            try rememberIdempotency(key, tx)
            guard product.isAvailable != isAvailable else { return nil }
            product.isAvailable = isAvailable
            if isAvailable { product.bookedBy = nil; product.bookedAt = nil }
            let plan = isAvailable ? plan(titles: [TitleKey(product.title)], extraAvailable: product) : []
            try tx.update(product)
            return (product, try write(plan, tx, extraAvailable: product))
        }
        guard let (product, bookings) = changed else { return products[indexById[productId]!] }
        let index = indexById[productId]!
        apply(product)
        record(.operatorAction, "\(actor): product \(productId) \(isAvailable ? "available" : "unavailable")")
        publish(.productChanged(product))
        applyBookings(bookings)
        return products[index]
    }

    /// `POST set-queue`: replaces the queue snapshot and books what it allows at once.
    @discardableResult
    public func replaceQueues(_ queues: [CustomerQueue], key: IdempotencyKey? = nil) throws -> QueueSnapshot {
        var previous: (QueueSnapshot, Set<CustomerTitle>)?
        let bookings: [(Booking, Product)]
        do {
            bookings = try transact { tx in
                try checkIdempotency(key, tx)
                try rememberIdempotency(key, tx)
                // After the catch-up: the sequence follows the last push to any instance.
                previous = (snapshot, bookedFromSnapshot)
                snapshot = QueueSnapshot(sequence: snapshot.sequence + 1, receivedAt: now(), queues: queues)
                bookedFromSnapshot = []
                reindexQueues()
                try tx.replaceSnapshot(snapshot)
                return try write(plan(titles: nil, extraAvailable: nil), tx, extraAvailable: nil)
            }
        } catch {
            if let previous {
                (snapshot, bookedFromSnapshot) = previous
                reindexQueues()
            }
            throw error
        }
        let next = snapshot
        refusals.outstanding = false
        totals.queuePushes += 1
        BookingMetrics.queuePushes.increment()
        BookingMetrics.lastQueuePush.record(now().timeIntervalSince1970)
        record(.queue, Self.describePush(next))
        publish(.queuesReplaced(next))
        applyBookings(bookings)
        return next
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
        pruneIdempotency()
    }

    public func setPaused(_ paused: Bool) {
        guard self.paused != paused else { return }
        self.paused = paused
        record(.operatorAction, paused ? "checker paused" : "checker resumed")
        publish(.pausedChanged(paused))
        if !paused { book(titles: nil) }
    }

    public var isPaused: Bool { paused }

    // MARK: Booking

    func book(titles: Set<TitleKey>?) {
        let planned = plan(titles: titles, extraAvailable: nil)
        guard !planned.isEmpty else { return }
        let before = catchUps
        do {
            let bookings = try transact { tx in
                // Plan again only if the transaction brought other instances' changes.
                try write(catchUps == before ? planned : plan(titles: titles, extraAvailable: nil), tx,
                          extraAvailable: nil)
            }
            applyBookings(bookings)
        } catch {
            logger.error("booking failed, will retry on the next sweep: \(error)")
            record(.failure, "booking failed: \(error)")
        }
    }

    /// What the rules allow now, for `titles` (nil: every title). `extraAvailable` is a product
    /// about to become available in the same transaction.
    func plan(titles: Set<TitleKey>?, extraAvailable: Product?) -> [PlannedBooking] {
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
        return BookingRules.plan(available: available, queues: queues) { customer in
            bookedFromSnapshot.contains(customer) || undelivered[customer] != nil
        }
    }

    /// Writes each planned booking, its product and its event in `tx`. Memory is updated by
    /// `applyBookings` only after the transaction commits.
    func write(_ plan: [PlannedBooking], _ tx: any StoreTransaction,
                       extraAvailable: Product?) throws -> [(Booking, Product)] {
        let bookedAt = now()
        var result: [(Booking, Product)] = []
        for planned in plan {
            let id = makeBookingId()
            let sequence = try tx.insertBooking(id: id, productId: planned.productId, title: planned.title,
                                                customerId: planned.customerId, bookedAt: bookedAt,
                                                snapshotSequence: snapshot.sequence)
            var product = extraAvailable?.id == planned.productId ? extraAvailable! : products[indexById[planned.productId]!]
            product.isAvailable = false
            product.bookedBy = planned.customerId
            product.bookedAt = bookedAt
            try tx.book(product)
            result.append((Booking(id: id, sequence: sequence, productId: planned.productId, title: planned.title,
                                   customerId: planned.customerId, bookedAt: bookedAt,
                                   snapshotSequence: snapshot.sequence), product))
        }
        return result
    }

    func applyBookings(_ bookings: [(Booking, Product)]) {
        for (booking, product) in bookings {
            lastBookingSequence = max(lastBookingSequence, booking.sequence)
            apply(product)
            outbox[booking.sequence] = OutboxEvent(booking: booking)
            pendingOrder.append(booking.sequence)
            undelivered[booking.customerTitle, default: 0] += 1
            bookedFromSnapshot.insert(booking.customerTitle)
            totals.bookings += 1
            BookingMetrics.bookings.increment()
            logger.info("booked product \(booking.productId) \"\(booking.title)\" for customer \(booking.customerId)",
                        metadata: ["booking": "\(booking.id)", "product": "\(booking.productId)",
                                   "customer": "\(booking.customerId)", "title": "\(booking.title)"])
            record(.booking, "product \(booking.productId) → customer \(booking.customerId) «\(booking.title)»")
            publish(.booked(booking))
        }
    }

    func apply(_ product: Product) {
        guard let index = indexById[product.id] else { return }
        let old = products[index]
        products[index] = product
        productsVersion += 1
        if old.isAvailable { availableByTitle[TitleKey(old.title)]?.remove(old.id) }
        if product.isAvailable { availableByTitle[TitleKey(product.title), default: []].insert(product.id) }
    }

    static func describePush(_ snapshot: QueueSnapshot) -> String {
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        return "queue push #\(snapshot.sequence): \(counted(snapshot.queues.count, "title")), "
            + counted(snapshot.customerCount, "customer")
    }

    // MARK: Reading

    public func snapshotNow() -> MonitorSnapshot {
        MonitorSnapshot(group: group, store: store.description, products: products, queues: snapshot,
                        carriedTitles: carriedTitles, nearTitles: nearTitles,
                        outbox: outbox.values.sorted { $0.booking.sequence < $1.booking.sequence },
                        totals: totals, paused: paused, link: link,
                        activity: Array(activity.suffix(Self.activityLimit).reversed()), peers: peers,
                        refusals: refusals, storeFailingSince: storeFailingSince, lastStoreOutage: lastStoreOutage)
    }

    public func allProducts() -> [Product] { products }

    /// The products and their version, or only the version when the caller's copy (of
    /// `version`) is still current.
    public func products(ifChangedSince version: UInt64?) -> (version: UInt64, products: [Product]?) {
        (productsVersion, version == productsVersion ? nil : products)
    }
    public func currentTotals() -> Totals { totals }
    public func queues() -> QueueSnapshot { snapshot }
    public func product(id: Int32) -> Product? { indexById[id].map { products[$0] } }

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
        for continuation in subscribers.values { continuation.yield(change) }
        switch change {
        case .booked, .delivered, .deliveryFailed, .requeued: recordOutboxMetrics()
        default: break
        }
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

extension Booking {
    var customerTitle: CustomerTitle { CustomerTitle(customerId: customerId, title: title) }
}
