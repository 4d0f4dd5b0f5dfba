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

/// A decision of the rules: give this product to this customer.
public struct PlannedBooking: Sendable, Equatable {
    public var productId: Int32
    public var title: String
    public var customerId: Int32

    public init(productId: Int32, title: String, customerId: Int32) {
        self.productId = productId
        self.title = title
        self.customerId = customerId
    }
}

/// Which product goes to whom. Pure: everything it needs is passed in.
public enum BookingRules {
    /// - Parameters:
    ///   - available: the available products of this group, any order.
    ///   - queues: the current queue snapshot (head of each queue first).
    ///   - blocked: customers who must not get another copy of a title yet: those already
    ///     booked for it from the current snapshot, and those whose booking event for it is
    ///     not delivered. The Orchestrator moves a booked customer to the back only once it
    ///     has the event, so until then a snapshot still shows them at the head.
    /// - Returns: for each title, its available products (lowest id first) paired with its
    ///   customers in queue order, skipping blocked customers and giving one product per
    ///   customer. Titles that no product carries get nothing. A product goes only to the queue
    ///   whose title has exactly its bytes (`TitleKey`).
    public static func plan(available: [Product], queues: [CustomerQueue],
                            blocked: Set<CustomerTitle>) -> [PlannedBooking] {
        plan(available: available, queues: queues, isBlocked: blocked.contains)
    }

    /// As above, with the blocked customers as a predicate, so a caller holding them in
    /// several sets need not merge them on every change.
    public static func plan(available: [Product], queues: [CustomerQueue],
                            isBlocked: (CustomerTitle) -> Bool) -> [PlannedBooking] {
        guard !available.isEmpty else { return [] }
        var productsByTitle: [TitleKey: [Int32]] = [:]
        for product in available where product.isAvailable {
            productsByTitle[TitleKey(product.title), default: []].append(product.id)
        }
        var plan: [PlannedBooking] = []
        for queue in queues {
            guard var ids = productsByTitle.removeValue(forKey: TitleKey(queue.title)) else { continue }
            ids.sort()
            var next = ids.startIndex
            var served = Set<Int32>()
            for customer in queue.customers {
                guard next < ids.endIndex else { break }
                if served.contains(customer) { continue }
                if isBlocked(CustomerTitle(customerId: customer, title: queue.title)) { continue }
                served.insert(customer)
                plan.append(PlannedBooking(productId: ids[next], title: queue.title, customerId: customer))
                next += 1
            }
        }
        return plan
    }

    /// The customers to skip, from the bookings that still matter: those made from the
    /// current snapshot, and those whose event is not delivered yet.
    public static func blocked(bookings: some Sequence<(booking: Booking, delivered: Bool)>,
                               currentSnapshot: Int64) -> Set<CustomerTitle> {
        var result = Set<CustomerTitle>()
        for (booking, delivered) in bookings where !delivered || booking.snapshotSequence == currentSnapshot {
            result.insert(CustomerTitle(customerId: booking.customerId, title: booking.title))
        }
        return result
    }
}
