import Foundation

/// The answers to "why not?", made from the booking rules themselves (`BookingRules.walk`,
/// `BookingBlocks.reason`), so an explanation cannot disagree with what the rules do. Pure:
/// everything comes from the snapshot.
extension MonitorSnapshot {
    /// What every answer about one title needs, made once: its copies, its queue, and for
    /// each customer of the queue their first place and how many come first there. The queue
    /// view asks for thousands of customers of one queue; each answer alone walked the
    /// products and the queue again (seconds a frame for a queue of 500,000).
    public struct TitleFacts: Sendable {
        let title: String
        let copies: [Product]
        let available: [Product]
        let queue: CustomerQueue?
        /// Each queued customer's first index in the queue.
        let firstPlace: [Int32: Int]
        /// At each index: the distinct customers before it whom the rules do not skip.
        let aheadAt: [Int]
        /// Who the rules give a copy to now (the checker paused, or a booking that did not
        /// complete), by customer.
        let given: [Int32: BookingDecision]
    }

    public func facts(title: String) -> TitleFacts {
        let copies = products.filter { TitleKey.same($0.title, title) }
        let available = copies.filter(\.isAvailable)
        let queue = queues.queues.first(where: { TitleKey.same($0.title, title) })
        var firstPlace: [Int32: Int] = [:]
        var aheadAt: [Int] = []
        var given: [Int32: BookingDecision] = [:]
        if let queue {
            firstPlace.reserveCapacity(queue.customers.count)
            aheadAt.reserveCapacity(queue.customers.count)
            var unblocked = Set<Int32>()
            for (index, customer) in queue.customers.enumerated() {
                aheadAt.append(unblocked.count)
                if firstPlace[customer] == nil { firstPlace[customer] = index }
                if blocks.reason(CustomerTitle(customerId: customer, title: title)) == nil { unblocked.insert(customer) }
            }
            if !available.isEmpty {
                BookingRules.walk(queue, products: available.map(\.id).sorted(), skip: blocks.reason, toTheEnd: false) {
                    given[$0.customerId] = $0
                }
            }
        }
        return TitleFacts(title: title, copies: copies, available: available, queue: queue, firstPlace: firstPlace,
                          aheadAt: aheadAt, given: given)
    }

    /// Why `customer` has or has not a copy of `title` here. Checked in this order: they have
    /// one; no product carries the title; they are not queued for it; the rules skip them (an
    /// event pending, booked from this snapshot); the rules would give them a copy now (the
    /// checker paused); the copies are gone, or go to the customers ahead.
    public func explain(customer: Int32, title: String) -> CustomerExplanation {
        explain(customer: customer, facts(title: title))
    }

    /// The same, from facts made once for the title (`facts(title:)`).
    public func explain(customer: Int32, _ facts: TitleFacts) -> CustomerExplanation {
        let title = facts.title
        let copies = facts.copies
        let available = facts.available
        var answer = CustomerExplanation(customer: customer, title: title, reason: .notQueued, detail: "",
                                         copies: copies.count, available: available.count, paused: paused)

        if let held = copies.first(where: { !$0.isAvailable && $0.bookedBy == customer }) {
            let event = outbox.first { $0.booking.productId == held.id && $0.booking.customerId == customer }
            answer.reason = .booked
            answer.product = held.id
            answer.bookedAt = held.bookedAt
            answer.eventState = Self.state(of: event)
            answer.detail = "Customer \(customer) has product \(held.id) «\(title)»"
                + (held.bookedAt.map { ", booked at \(Self.time($0))" } ?? "") + "; " + Self.describe(event) + "."
            return answer
        }

        guard !copies.isEmpty else {
            answer.reason = .titleNotCarried
            answer.detail = "No product of group \(group) has the title «\(title)»"
            if let near = nearTitles.near(title) {
                answer.nearMatch = near.carried
                answer.nearMatchDiffers = near.kinds
                answer.detail += ": «\(near.carried)» \(near.difference), and the Orchestrator compares titles byte for byte"
            }
            answer.detail += "."
            return answer
        }

        guard facts.queue != nil, let position = facts.firstPlace[customer] else {
            answer.detail = "Customer \(customer) is not in the queue for «\(title)» of queue push #\(queues.sequence)."
            return answer
        }
        answer.position = position + 1
        // The customer is not before their own first place, so no one counted is them.
        let ahead = facts.aheadAt[position]
        answer.ahead = ahead

        let key = CustomerTitle(customerId: customer, title: title)

        if let reason = blocks.reason(key) {
            answer.reason = reason
            let event = outbox.first { $0.booking.customerId == customer && TitleKey.same($0.booking.title, title) }
            answer.product = event?.booking.productId
            answer.bookedAt = event?.booking.bookedAt
            answer.eventState = event.map { Self.state(of: $0) }
            switch reason {
            case .eventPending:
                answer.detail = "Customer \(customer) is skipped for «\(title)»: the event of their booking"
                    + (event.map { " of product \($0.booking.productId) is \($0.state == .parked ? "parked" : "not delivered yet")" }
                       ?? " is not delivered yet")
                    + ", and the Orchestrator moves them on only once it has it."
            default:
                answer.detail = "Customer \(customer) was already given a copy of «\(title)» from queue push "
                    + "#\(queues.sequence); the Orchestrator moves them on with its next push."
            }
            return answer
        }

        if let given = facts.given[customer] {
            answer.product = given.productId
            if paused {
                answer.reason = .paused
                answer.detail = "The checker is paused: product \(given.productId) «\(title)» goes to customer "
                    + "\(customer) when it resumes."
            } else {
                answer.reason = .waitingBehind
                answer.detail = "Product \(given.productId) «\(title)» is available and goes to customer \(customer) "
                    + "with the next sweep (the last booking did not complete)."
            }
            return answer
        }
        let behind = ahead == 1 ? "the 1 customer ahead" : "the \(ahead) customers ahead"
        if available.isEmpty {
            answer.reason = .noCopyAvailable
            answer.detail = "Every copy of «\(title)» here (\(Self.counted(copies.count, "product"))) is unavailable "
                + "or booked; customer \(customer) is number \(position + 1) in its queue, behind \(behind) who come first."
        } else {
            answer.reason = .waitingBehind
            answer.detail = "\(Self.counted(available.count, "copy", "copies")) of «\(title)» "
                + "\(available.count == 1 ? "is" : "are") available, but \(behind) of customer \(customer) take "
                + "\(available.count == 1 ? "it" : "them")" + (paused ? " (the checker is paused)" : "") + "."
        }
        return answer
    }

    /// Who has product `id` since when, or why it is available and not booked; nil for a
    /// product this group does not have.
    public func explain(product id: Int32) -> ProductExplanation? {
        guard let product = products.first(where: { $0.id == id }) else { return nil }
        let name = "Product \(id) «\(product.title)»"
        var answer = ProductExplanation(productId: id, title: product.title, status: .available, sentence: "",
                                        paused: paused)
        let queue = queues.queues.first { TitleKey.same($0.title, product.title) }
        answer.queued = queue?.customers.count ?? 0

        if !product.isAvailable {
            if let holder = product.bookedBy {
                let event = outbox.first { $0.booking.productId == id && $0.booking.customerId == holder }
                answer.status = .booked
                answer.holder = holder
                answer.since = product.bookedAt
                answer.eventState = Self.state(of: event)
                answer.sentence = "\(name) is booked by customer \(holder)"
                    + (product.bookedAt.map { " since \(Self.time($0))" } ?? "") + "; " + Self.describe(event) + "."
            } else {
                answer.status = .unavailable
                answer.sentence = "\(name) is unavailable (switched off, not by a booking); only available products "
                    + "are booked."
            }
            return answer
        }

        guard let queue, !queue.customers.isEmpty else {
            answer.sentence = "\(name) is available and not booked: no customer is queued for its title"
            let carried = NearTitles(carried: [TitleKey(product.title)])
            if let near = queues.queues.first(where: { !$0.customers.isEmpty && carried.near($0.title) != nil }) {
                answer.nearQueue = near.title
                answer.sentence += "; the queue «\(near.title)» \(carried.near(near.title)!.difference), and the "
                    + "Orchestrator compares titles byte for byte"
            }
            answer.sentence += paused ? " (and the checker is paused)." : "."
            return answer
        }

        let ids = products.filter { $0.isAvailable && TitleKey.same($0.title, product.title) }.map(\.id).sorted()
        var decisions: [BookingDecision] = []
        answer.skipped = BookingRules.walk(queue, products: ids, skip: blocks.reason, toTheEnd: true) {
            decisions.append($0)
        }
        let skipped = answer.skipped.map { "\($0.customer) (\(Self.describe($0.reason)))" }.joined(separator: ", ")
        if let decision = decisions.first(where: { $0.productId == id }) {
            answer.next = decision.customerId
            answer.servedFirst = decisions.prefix { $0.productId != id }.map(\.customerId)
            answer.sentence = paused
                ? "\(name) is available and not booked: the checker is paused; it goes to customer "
                    + "\(decision.customerId) when it resumes."
                : "\(name) is available and goes to customer \(decision.customerId) with the next sweep."
            return answer
        }
        answer.servedFirst = decisions.map(\.customerId)
        var parts: [String] = []
        if !decisions.isEmpty {
            parts.append("the \(Self.counted(decisions.count, "customer")) it could go to get lower-numbered copies "
                + "first (" + decisions.map { "\($0.productId) → \($0.customerId)" }.joined(separator: ", ") + ")")
        }
        if !answer.skipped.isEmpty {
            let all = decisions.isEmpty ? (answer.skipped.count == 1 ? "the queued customer is" : "all \(answer.skipped.count) queued customers are") : "the others are"
            parts.append("\(all) skipped: \(skipped)")
        }
        answer.sentence = "\(name) is available and not booked: " + parts.joined(separator: "; ")
            + (paused ? " (and the checker is paused)." : ".")
        return answer
    }

    static func state(of event: OutboxEvent?) -> ExplainEventState {
        switch event?.state {
        case .pending: return .pending
        case .parked: return .parked
        case .delivered, nil: return .delivered
        }
    }

    static func describe(_ event: OutboxEvent?) -> String {
        guard let event else { return "its event is delivered to the Orchestrator" }
        switch event.state {
        case .pending:
            return event.attempts == 0 ? "its event is waiting to be sent"
                : "its event is not delivered yet (\(counted(event.attempts, "attempt")))"
        case .parked:
            return "its event is parked after \(counted(event.attempts, "attempt")) (requeue it to send it again)"
        case .delivered:
            return "its event is delivered to the Orchestrator"
        }
    }

    static func describe(_ reason: ExplainReason) -> String {
        switch reason {
        case .eventPending: return "an event not delivered yet"
        case .bookedFromThisSnapshot: return "booked from this snapshot"
        default: return reason.rawValue
        }
    }

    static func counted(_ count: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
