import BookingCore
import Foundation
import Testing

/// "Why not?" on values: a snapshot built by hand, each reason of the list.
@Suite("Explanations on values")
struct ExplainTests {
    static let idiot = "Идиот"
    static let tom1 = "Война и мир. Том 1"
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func booking(_ product: Int32, _ customer: Int32, _ title: String, snapshot: Int64) -> Booking {
        Booking(id: "b\(product)-\(customer)", sequence: Int64(product), productId: product, title: title,
                customerId: customer, bookedAt: at, snapshotSequence: snapshot)
    }

    /// Product 1 «Идиот» booked by customer 7 (event pending, from the current snapshot 5);
    /// product 2 «Идиот» booked by 8 (delivered, from snapshot 4); product 3 «Идиот» available;
    /// products 10 and 11 «Том 1» unavailable and booked by 20; product 12 «Йод» in NFC available.
    static func snapshot(paused: Bool = false, queues: [CustomerQueue]? = nil) -> MonitorSnapshot {
        let pending = booking(1, 7, idiot, snapshot: 5)
        let delivered = booking(2, 8, idiot, snapshot: 4)
        let products = [
            Product(id: 1, title: idiot, description: "", isAvailable: false, bookedBy: 7, bookedAt: at),
            Product(id: 2, title: idiot, description: "", isAvailable: false, bookedBy: 8, bookedAt: at),
            Product(id: 3, title: idiot, description: "", isAvailable: true),
            Product(id: 10, title: tom1, description: "", isAvailable: false),
            Product(id: 11, title: tom1, description: "", isAvailable: false, bookedBy: 20, bookedAt: at),
            Product(id: 12, title: Titles.nfc, description: "", isAvailable: true),
        ]
        // 7 and 9 are blocked for «Идиот»: 7 by its pending event, 9 by a delivered booking of
        // the current snapshot (its product was switched back since).
        let blocks = BookingBlocks(bookings: [(pending, false), (delivered, true),
                                              (booking(4, 9, idiot, snapshot: 5), true)], currentSnapshot: 5)
        let queues = queues ?? [
            CustomerQueue(title: idiot, customers: [7, 9, 30, 31]),
            CustomerQueue(title: tom1, customers: [20, 21, 22]),
        ]
        return MonitorSnapshot(group: "g", products: products,
                               queues: QueueSnapshot(sequence: 5, receivedAt: at, queues: queues),
                               outbox: [OutboxEvent(booking: pending, attempts: 2, lastError: "503")],
                               paused: paused, blocks: blocks)
    }

    @Test("booked: the product, the time and the event's state (pending, delivered)")
    func booked() {
        let pending = Self.snapshot().explain(customer: 7, title: Self.idiot)
        #expect(pending.reason == .booked)
        #expect(pending.product == 1 && pending.bookedAt == Self.at && pending.eventState == .pending)
        #expect(pending.detail.contains("product 1") && pending.detail.contains("not delivered yet"))
        let delivered = Self.snapshot().explain(customer: 8, title: Self.idiot)
        #expect(delivered.reason == .booked && delivered.product == 2 && delivered.eventState == .delivered)
    }

    @Test("event-pending and booked-from-this-snapshot: the rules' own reasons for a skip")
    func blocked() {
        // Customer 7's product 1 switched back to available: 7 no longer has a copy, but its
        // event is still outstanding.
        var snapshot = Self.snapshot()
        snapshot.products[0] = Product(id: 1, title: Self.idiot, description: "", isAvailable: true)
        let seven = snapshot.explain(customer: 7, title: Self.idiot)
        #expect(seven.reason == .eventPending)
        #expect(seven.product == 1 && seven.eventState == .pending && seven.position == 1)
        let nine = snapshot.explain(customer: 9, title: Self.idiot)
        #expect(nine.reason == .bookedFromThisSnapshot)
        #expect(nine.detail.contains("queue push #5") && nine.position == 2 && nine.ahead == 0)
    }

    @Test("no-copy-available: every copy unavailable or booked, with the customers ahead")
    func noCopy() {
        let answer = Self.snapshot().explain(customer: 22, title: Self.tom1)
        #expect(answer.reason == .noCopyAvailable)
        #expect(answer.copies == 2 && answer.available == 0 && answer.position == 3 && answer.ahead == 2)
    }

    @Test("waiting-behind: copies available, but customers ahead take them")
    func waitingBehind() {
        // Paused, so the one available «Идиот» stays with 30, the first customer not skipped.
        let answer = Self.snapshot(paused: true).explain(customer: 31, title: Self.idiot)
        #expect(answer.reason == .waitingBehind)
        #expect(answer.available == 1 && answer.ahead == 1 && answer.position == 4)
    }

    @Test("paused: the rules give the customer a copy, the checker holds it")
    func paused() {
        let answer = Self.snapshot(paused: true).explain(customer: 30, title: Self.idiot)
        #expect(answer.reason == .paused && answer.product == 3 && answer.paused)
    }

    @Test("not-queued: a carried title the customer is not in the queue of")
    func notQueued() {
        let answer = Self.snapshot().explain(customer: 99, title: Self.tom1)
        #expect(answer.reason == .notQueued && answer.position == nil)
        #expect(Self.snapshot().explain(customer: 1, title: Titles.nfc).reason == .notQueued, "carried, no queue")
    }

    @Test("title-not-carried, with nearMatch for NFD against NFC and for case and space variants",
          arguments: [(Titles.nfd, Titles.nfc, "Unicode form"), ("идиот", "Идиот", "case"),
                      ("Идиот ", "Идиот", "spacing"), ("Не наш", nil, nil)] as [(String, String?, String?)])
    func notCarried(_ queued: String, _ near: String?, _ differs: String?) {
        let answer = Self.snapshot().explain(customer: 7, title: queued)
        #expect(answer.reason == .titleNotCarried)
        #expect(answer.nearMatch == near)
        #expect(answer.nearMatchDiffers == differs)
        #expect(answer.copies == 0)
        if let near { #expect(answer.detail.contains("«\(near)»")) }
    }

    @Test("every reason of the list is reachable on values")
    func everyReason() {
        var reopened = Self.snapshot()
        reopened.products[0] = Product(id: 1, title: Self.idiot, description: "", isAvailable: true)
        let answers = [
            Self.snapshot().explain(customer: 7, title: Self.idiot),
            Self.snapshot().explain(customer: 22, title: Self.tom1),
            Self.snapshot(paused: true).explain(customer: 31, title: Self.idiot),
            reopened.explain(customer: 7, title: Self.idiot),
            reopened.explain(customer: 9, title: Self.idiot),
            Self.snapshot().explain(customer: 7, title: "Не наш"),
            Self.snapshot().explain(customer: 99, title: Self.tom1),
            Self.snapshot(paused: true).explain(customer: 30, title: Self.idiot),
        ]
        #expect(Set(answers.map(\.reason)) == Set(ExplainReason.allCases))
    }

    @Test("a product: booked by whom since when; unavailable; unknown is nil")
    func productHeld() throws {
        let held = try #require(Self.snapshot().explain(product: 11))
        #expect(held.status == .booked && held.holder == 20 && held.since == Self.at && held.eventState == .delivered)
        let off = try #require(Self.snapshot().explain(product: 10))
        #expect(off.status == .unavailable && off.holder == nil)
        #expect(Self.snapshot().explain(product: 404) == nil)
    }

    @Test("an available product: each queued customer skipped, with the reason")
    func productSkipped() throws {
        let queues = [CustomerQueue(title: Self.idiot, customers: [7, 9])]
        let answer = try #require(Self.snapshot(queues: queues).explain(product: 3))
        #expect(answer.status == .available && answer.queued == 2 && answer.next == nil)
        #expect(answer.skipped == [SkippedCustomer(customer: 7, reason: .eventPending),
                                   SkippedCustomer(customer: 9, reason: .bookedFromThisSnapshot)])
        #expect(answer.sentence.contains("all 2 queued customers are skipped"))
    }

    @Test("an available product: no queue for its title, with the near queue; paused, with who is next")
    func productNoQueue() throws {
        let nearQueue = [CustomerQueue(title: Titles.nfd, customers: [1])]
        let lonely = try #require(Self.snapshot(queues: nearQueue).explain(product: 12))
        #expect(lonely.queued == 0 && lonely.nearQueue == Titles.nfd)
        #expect(lonely.sentence.contains("no customer is queued"))
        let held = try #require(Self.snapshot(paused: true).explain(product: 3))
        #expect(held.paused && held.next == 30)
        #expect(held.skipped.map(\.customer) == [7, 9])
    }
}
