import OrchestratorSimulator
import Testing

/// The Orchestrator's queue rules as a plain value: grouping, rotation, repeats, mismatches.
@Suite("Simulator order book")
struct OrderBookTests {
    @Test("queues group orders by title in order of first order, head = lowest priority, then earliest")
    func grouping() {
        var book = OrderBook()
        book.add(customer: 1, title: "Война и мир. Том 1")
        book.add(customer: 2, title: "Идиот")
        book.add(customer: 3, title: "Война и мир. Том 1")
        #expect(book.queues == [
            .init(title: "Война и мир. Том 1", customers: [1, 3]),
            .init(title: "Идиот", customers: [2]),
        ])
    }

    @Test("titles group and match by their bytes, as .NET's ordinal comparison: «Йод» in NFC and in NFD are two queues")
    func ordinalTitles() {
        let nfc = "\u{0419}од", nfd = "\u{0418}\u{0306}од"
        var book = OrderBook()
        book.add(customer: 1, title: nfc)
        book.add(customer: 2, title: nfd)
        book.add(customer: 3, title: nfc)
        #expect(book.queues.map { Array($0.title.utf8) } == [Array(nfc.utf8), Array(nfd.utf8)])
        #expect(book.queues.map(\.customers) == [[1, 3], [2]])
        #expect(book.apply(key: "k", customer: 1, title: nfd) == .unmatched(count: 0))
        #expect(book.apply(key: "k", customer: 2, title: nfd) == .applied(.init(id: 2, customerId: 2, title: nfd, priority: 1)))
    }

    @Test("a booking event moves the customer to the back: priority += 1, never removed")
    func rotation() {
        var book = OrderBook()
        for customer: Int32 in 1...3 { book.add(customer: customer, title: "Идиот") }
        #expect(book.apply(key: "k1", customer: 1, title: "Идиот") == .applied(.init(id: 1, customerId: 1, title: "Идиот", priority: 1)))
        #expect(book.queues == [.init(title: "Идиот", customers: [2, 3, 1])])
        _ = book.apply(key: "k2", customer: 2, title: "Идиот")
        _ = book.apply(key: "k3", customer: 3, title: "Идиот")
        #expect(book.queues == [.init(title: "Идиот", customers: [1, 2, 3])], "all at priority 1: arrival order again")
        #expect(book.orders.map(\.priority) == [1, 1, 1])
        #expect(book.events.map(\.key) == ["k1", "k2", "k3"])
    }

    @Test("a repeated idempotency key changes nothing; no key applies every time")
    func repeats() {
        var book = OrderBook()
        book.add(customer: 7, title: "Идиот")
        _ = book.apply(key: "same", customer: 7, title: "Идиот")
        #expect(book.apply(key: "same", customer: 7, title: "Идиот") == .repeated)
        #expect(book.orders[0].priority == 1)
        #expect(book.repeats == 1)
        _ = book.apply(key: nil, customer: 7, title: "Идиот")
        _ = book.apply(key: nil, customer: 7, title: "Идиот")
        #expect(book.orders[0].priority == 3)
    }

    @Test("no matching order, or two, is unmatched and changes nothing; its key stays usable")
    func unmatched() {
        var book = OrderBook()
        #expect(book.apply(key: "k", customer: 1, title: "Идиот") == .unmatched(count: 0))
        book.add(customer: 1, title: "Идиот")
        #expect(book.apply(key: "k", customer: 1, title: "идиот") == .unmatched(count: 0), "titles match exactly")
        #expect(book.apply(key: "k", customer: 1, title: "Идиот") == .applied(.init(id: 1, customerId: 1, title: "Идиот", priority: 1)))
        book.add(customer: 2, title: "Бесы")
        book.add(customer: 2, title: "Бесы")
        #expect(book.apply(key: "k2", customer: 2, title: "Бесы") == .unmatched(count: 2))
        #expect(book.orders.map(\.priority) == [1, 0, 0])
        #expect(book.events.count == 1)
    }
}
