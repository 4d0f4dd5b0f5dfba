/// A customer and a title: the unit of the one-copy-per-customer rule. Titles compare by
/// their bytes (`TitleKey`), as the Orchestrator's do.
public struct CustomerTitle: Sendable, Hashable {
    public var customerId: Int32
    public var title: String

    public init(customerId: Int32, title: String) {
        self.customerId = customerId
        self.title = title
    }

    public static func == (lhs: CustomerTitle, rhs: CustomerTitle) -> Bool {
        lhs.customerId == rhs.customerId && TitleKey.same(lhs.title, rhs.title)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(customerId)
        TitleKey.hash(title, into: &hasher)
    }
}

/// A decision of the rules: give this product to this customer, past the customers ahead of
/// them in the title's queue who were skipped, and why (the reason trail of the booking).
public struct BookingDecision: Sendable, Equatable {
    public var productId: Int32
    public var title: String
    public var customerId: Int32
    /// The customers ahead of `customerId` in the queue that the rules passed over, in queue order.
    public var skipped: [SkippedCustomer]

    public init(productId: Int32, title: String, customerId: Int32, skipped: [SkippedCustomer] = []) {
        self.productId = productId
        self.title = title
        self.customerId = customerId
        self.skipped = skipped
    }
}

/// Who must not get another copy of a title yet, and why. The one statement of that rule: a
/// booking blocks its customer for its title while its event is not delivered (the
/// Orchestrator moves a booked customer on only once it has the event, so until then a
/// snapshot still shows them at the head), and while its queue snapshot is the current one.
public struct BookingBlocks: Sendable, Equatable {
    /// Undelivered bookings per customer and title.
    private var undelivered: [CustomerTitle: Int] = [:]
    /// Customers booked from the current snapshot.
    private var fromSnapshot: Set<CustomerTitle> = []

    public init() {}

    /// The blocks of these bookings (loaded, or as a test states them).
    public init(bookings: some Sequence<(booking: Booking, delivered: Bool)>, currentSnapshot: Int64) {
        for (booking, delivered) in bookings { add(booking, delivered: delivered, currentSnapshot: currentSnapshot) }
    }

    /// A booking made (here, by another instance, or loaded): it blocks by both clauses of the rule.
    public mutating func add(_ booking: Booking, delivered: Bool, currentSnapshot: Int64) {
        let key = CustomerTitle(customerId: booking.customerId, title: booking.title)
        if !delivered { undelivered[key, default: 0] += 1 }
        if booking.snapshotSequence == currentSnapshot { fromSnapshot.insert(key) }
    }

    /// A booking's event was delivered (it was added undelivered).
    public mutating func delivered(_ booking: Booking) {
        let key = CustomerTitle(customerId: booking.customerId, title: booking.title)
        guard let count = undelivered[key] else { return }
        undelivered[key] = count > 1 ? count - 1 : nil
    }

    /// A new queue snapshot: bookings from the previous one no longer block by that clause.
    public mutating func snapshotReplaced() {
        fromSnapshot = []
    }

    /// Why `customer` must not get another copy of its title now; nil when nothing blocks it.
    /// An undelivered event comes first: the Orchestrator moves them on only once it has it.
    public func reason(_ customer: CustomerTitle) -> ExplainReason? {
        if undelivered[customer] != nil { return .eventPending }
        if fromSnapshot.contains(customer) { return .bookedFromThisSnapshot }
        return nil
    }

    public func contains(_ customer: CustomerTitle) -> Bool { reason(customer) != nil }
}

/// Which product goes to whom. Pure: everything it needs is passed in.
public enum BookingRules {
    /// - Parameters:
    ///   - available: the available products of this group, any order.
    ///   - queues: the current queue snapshot (head of each queue first).
    ///   - blocks: who must not get another copy of a title yet, and why (`BookingBlocks`).
    /// - Returns: for each title, its available products (lowest id first) paired with its
    ///   customers in queue order, skipping blocked customers (named in the decision, with the
    ///   reason) and giving one product per customer. Titles that no product carries get
    ///   nothing. A product goes only to the queue whose title has exactly its bytes (`TitleKey`).
    public static func plan(available: [Product], queues: [CustomerQueue],
                            blocks: BookingBlocks) -> [BookingDecision] {
        plan(available: available, queues: queues, skip: blocks.reason)
    }

    /// As above, with the blocks as a function, so a caller need not copy them.
    public static func plan(available: [Product], queues: [CustomerQueue],
                            skip: (CustomerTitle) -> ExplainReason?) -> [BookingDecision] {
        guard !available.isEmpty else { return [] }
        var productsByTitle: [TitleKey: [Int32]] = [:]
        for product in available where product.isAvailable {
            productsByTitle[TitleKey(product.title), default: []].append(product.id)
        }
        var plan: [BookingDecision] = []
        for queue in queues {
            guard var ids = productsByTitle.removeValue(forKey: TitleKey(queue.title)) else { continue }
            ids.sort()
            walk(queue, products: ids, skip: skip, toTheEnd: false) { plan.append($0) }
        }
        return plan
    }

    /// One title's queue against its available products (ascending ids): the decisions, in
    /// queue order, handed to `decide`. Returns the skipped customers it passed; `toTheEnd`
    /// walks the whole queue (for an explanation) rather than stopping when the products run out.
    @discardableResult
    static func walk(_ queue: CustomerQueue, products ids: [Int32], skip: (CustomerTitle) -> ExplainReason?,
                     toTheEnd: Bool, decide: (BookingDecision) -> Void) -> [SkippedCustomer] {
        var next = ids.startIndex
        var served = Set<Int32>()
        var skipped: [SkippedCustomer] = []
        var skippedIds = Set<Int32>()
        for customer in queue.customers {
            guard next < ids.endIndex || toTheEnd else { break }
            if served.contains(customer) { continue }
            if let reason = skip(CustomerTitle(customerId: customer, title: queue.title)) {
                // Once per customer, though a queue may name them twice.
                if skippedIds.insert(customer).inserted {
                    skipped.append(SkippedCustomer(customer: customer, reason: reason))
                }
                continue
            }
            served.insert(customer)
            guard next < ids.endIndex else { continue }
            decide(BookingDecision(productId: ids[next], title: queue.title, customerId: customer, skipped: skipped))
            next += 1
        }
        return skipped
    }
}
