import BookingCore
import Foundation
import Testing

/// The monitor's state as a value: one transition, start-up as a replay of the store.
@Suite("Booking state: one value, one transition")
struct BookingStateTests {
    static let tom1 = "Война и мир. Том 1"
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func booking(_ sequence: Int64, product: Int32, customer: Int32, snapshot: Int64) -> Booking {
        Booking(id: "b\(sequence)", sequence: sequence, productId: product, title: tom1, customerId: customer,
                bookedAt: at, snapshotSequence: snapshot)
    }

    static let products = [
        Product(id: 1, title: tom1, description: "", isAvailable: false, bookedBy: 1, bookedAt: at),
        Product(id: 2, title: tom1, description: "", isAvailable: false, bookedBy: 2, bookedAt: at),
        Product(id: 3, title: tom1, description: "", isAvailable: false, bookedBy: 3, bookedAt: at),
        Product(id: 4, title: tom1, description: "", isAvailable: true),
    ]
    static let queues = QueueSnapshot(sequence: 7, receivedAt: at,
                                      queues: [CustomerQueue(title: tom1, customers: [1, 2, 3, 4])])

    @Test("start-up is a replay: a loaded store gives the state its bookings made, blocks and outbox included")
    func loadIsReplay() {
        // Customer 1: pending, old snapshot; 2: parked, this snapshot; 3: delivered, this snapshot.
        let loaded = StoreLoaded(products: Self.products, snapshot: Self.queues,
                                 outbox: [OutboxEvent(booking: Self.booking(1, product: 1, customer: 1, snapshot: 6)),
                                          OutboxEvent(booking: Self.booking(2, product: 2, customer: 2, snapshot: 7),
                                                      state: .parked, attempts: 5)],
                                 deliveredFromCurrentSnapshot: [Self.booking(3, product: 3, customer: 3, snapshot: 7)],
                                 totals: Totals(bookings: 3, delivered: 1, queuePushes: 7))
        var state = BookingState(loaded: loaded)
        #expect(state.products == Self.products)
        #expect(state.parkedCount == 1)
        #expect(state.pendingEvents(limit: 10).map(\.booking.sequence) == [1])
        #expect(state.totals == Totals(bookings: 3, delivered: 1, queuePushes: 7))
        func reason(_ customer: Int32) -> ExplainReason? {
            state.blocks.reason(CustomerTitle(customerId: customer, title: Self.tom1))
        }
        #expect(reason(1) == .eventPending && reason(2) == .eventPending && reason(3) == .bookedFromThisSnapshot)
        #expect(reason(4) == nil)
        // The rules on that state: product 4 goes to 4, past 1, 2 and 3, with their reasons.
        let plan = state.plan(titles: nil)
        #expect(plan == [BookingDecision(productId: 4, title: Self.tom1, customerId: 4, skipped: [
            SkippedCustomer(customer: 1, reason: .eventPending), SkippedCustomer(customer: 2, reason: .eventPending),
            SkippedCustomer(customer: 3, reason: .bookedFromThisSnapshot)])])
    }

    @Test("a booking, its delivery and the next push: the blocks follow the rule, the outbox its events")
    func transitions() {
        var state = BookingState()
        state.apply(.catalog(Self.products.map { Product(id: $0.id, title: $0.title, description: "", isAvailable: true) }))
        state.apply(.queuePush(Self.queues))
        let key = CustomerTitle(customerId: 1, title: Self.tom1)
        let booking = Self.booking(1, product: 1, customer: 1, snapshot: 7)
        let effects = state.apply(.booked(booking, Self.products[0]))
        #expect(effects.contains(.publish(.booked(booking))))
        #expect(state.blocks.reason(key) == .eventPending)
        #expect(state.plan(titles: nil).map(\.customerId) == [2, 3, 4], "1 is skipped")

        var parked = OutboxEvent(booking: booking, state: .parked, attempts: 3)
        state.apply(.event(parked))
        #expect(state.parkedCount == 1 && state.pendingEvents(limit: 10).isEmpty)
        parked.state = .pending
        state.apply(.event(parked))
        #expect(state.parkedCount == 0 && state.pendingEvents(limit: 10).map(\.booking.sequence) == [1])
        parked.state = .delivered
        state.apply(.event(parked))
        #expect(state.outbox.isEmpty && state.totals.delivered == 1)
        #expect(state.blocks.reason(key) == .bookedFromThisSnapshot, "delivered, but booked from this snapshot")
        state.apply(.queuePush(QueueSnapshot(sequence: 8, receivedAt: Self.at, queues: Self.queues.queues)))
        #expect(state.blocks.reason(key) == nil, "the next push frees them")
        #expect(state.totals.queuePushes == 2)
    }

    @Test("paused: the rules plan nothing; resumed, they plan again")
    func paused() {
        var state = BookingState()
        state.apply(.catalog([Product(id: 4, title: Self.tom1, description: "", isAvailable: true)]))
        state.apply(.queuePush(Self.queues))
        state.apply(.paused(true))
        #expect(state.plan(titles: nil).isEmpty)
        state.apply(.paused(false))
        #expect(state.plan(titles: nil).map(\.customerId) == [1])
    }
}
