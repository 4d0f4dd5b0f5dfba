import BookingCore
import Foundation
import Testing

@Suite("Booking rules")
struct BookingRulesTests {
    let tom1 = "Война и мир. Том 1"

    func products(_ ids: [Int32], title: String) -> [Product] {
        ids.map { Product(id: $0, title: title, description: "", isAvailable: true) }
    }

    @Test("customers get products in queue order, lowest product id first")
    func queueOrderLowestIdFirst() {
        let plan = BookingRules.plan(available: products([4, 2, 1], title: tom1),
                                     queues: [CustomerQueue(title: tom1, customers: [30, 10, 20])], blocks: BookingBlocks())
        #expect(plan == [
            BookingDecision(productId: 1, title: tom1, customerId: 30),
            BookingDecision(productId: 2, title: tom1, customerId: 10),
            BookingDecision(productId: 4, title: tom1, customerId: 20),
        ])
    }

    @Test("one product per customer per pass, even when a customer is queued twice")
    func oneProductPerCustomer() {
        let plan = BookingRules.plan(available: products([1, 2, 3], title: tom1),
                                     queues: [CustomerQueue(title: tom1, customers: [7, 7, 8])], blocks: BookingBlocks())
        #expect(plan.map(\.customerId) == [7, 8])
        #expect(plan.map(\.productId) == [1, 2])
    }

    @Test("a blocked customer (stale snapshot or undelivered event) is skipped for the next one")
    func staleSnapshotSkip() {
        let plan = BookingRules.plan(available: products([5], title: tom1),
                                     queues: [CustomerQueue(title: tom1, customers: [1, 2])],
                                     blocks: .pending([CustomerTitle(customerId: 1, title: tom1)]))
        #expect(plan == [BookingDecision(productId: 5, title: tom1, customerId: 2,
                                         skipped: [SkippedCustomer(customer: 1, reason: .eventPending)])])
    }

    @Test("blocking is per title: the same customer still gets another title")
    func blockingIsPerTitle() {
        let other = "Война и мир. Том 2"
        let plan = BookingRules.plan(available: products([1], title: tom1) + products([2], title: other),
                                     queues: [CustomerQueue(title: tom1, customers: [1]),
                                              CustomerQueue(title: other, customers: [1])],
                                     blocks: .pending([CustomerTitle(customerId: 1, title: tom1)]))
        #expect(plan == [BookingDecision(productId: 2, title: other, customerId: 1)])
    }

    @Test("a title no product carries is never booked; a title with no queue books nothing")
    func titlesNotCarried() {
        let plan = BookingRules.plan(available: products([1], title: tom1),
                                     queues: [CustomerQueue(title: "Не наш", customers: [1, 2])], blocks: BookingBlocks())
        #expect(plan.isEmpty)
    }

    @Test("unavailable products are never planned")
    func unavailableIgnored() {
        var product = products([1], title: tom1)[0]
        product.isAvailable = false
        #expect(BookingRules.plan(available: [product], queues: [CustomerQueue(title: tom1, customers: [1])],
                                  blocks: BookingBlocks()).isEmpty)
    }

    @Test("more products than customers leaves the rest available; more customers than products waits")
    func counts() {
        let many = BookingRules.plan(available: products([1, 2, 3], title: tom1),
                                     queues: [CustomerQueue(title: tom1, customers: [9])], blocks: BookingBlocks())
        #expect(many == [BookingDecision(productId: 1, title: tom1, customerId: 9)])
        let few = BookingRules.plan(available: products([3], title: tom1),
                                    queues: [CustomerQueue(title: tom1, customers: [9, 8, 7])], blocks: BookingBlocks())
        #expect(few == [BookingDecision(productId: 3, title: tom1, customerId: 9)])
    }

    @Test("blocked: undelivered from any snapshot, delivered only from the current one")
    func blockedSet() {
        func booking(_ customer: Int32, snapshot: Int64) -> Booking {
            Booking(id: "b\(customer)", sequence: Int64(customer), productId: 1, title: tom1, customerId: customer,
                    bookedAt: Date(), snapshotSequence: snapshot)
        }
        let blocks = BookingBlocks(bookings: [
            (booking(1, snapshot: 3), false), // undelivered, old snapshot: blocked
            (booking(2, snapshot: 4), true),  // delivered, current snapshot: blocked
            (booking(3, snapshot: 3), true),  // delivered, old snapshot: free again
        ], currentSnapshot: 4)
        #expect(blocks.reason(CustomerTitle(customerId: 1, title: tom1)) == .eventPending)
        #expect(blocks.reason(CustomerTitle(customerId: 2, title: tom1)) == .bookedFromThisSnapshot)
        #expect(blocks.reason(CustomerTitle(customerId: 3, title: tom1)) == nil)
    }
}
