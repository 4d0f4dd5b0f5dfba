@testable import OrchestratorSimulator
import Foundation
import NIOCore
import Testing

/// The simulator's push body, encoded again only where a queue changed, is byte for byte the
/// body encoded whole, through adds, events and new titles.
@Suite("Simulator: the push body follows the order book")
struct QueueBodyEncoderTests {
    @Test("after every change the cached body is the whole encoding")
    func cachedIsWhole() {
        var book = OrderBook()
        let encoder = QueueBodyEncoder()
        #expect(Data(encoder.body(book.queues).readableBytesView) == WireOutput.queues(book.queues))
        for customer in Int32(1)...30 { book.add(customer: customer, title: "Книга \(customer % 4)") }
        #expect(Data(encoder.body(book.queues).readableBytesView) == WireOutput.queues(book.queues))
        for customer in Int32(1)...12 {
            _ = book.apply(key: nil, customer: customer, title: "Книга \(customer % 4)")
            #expect(Data(encoder.body(book.queues).readableBytesView) == WireOutput.queues(book.queues), "after the event of customer \(customer)")
        }
        book.add(customer: 99, title: "Йод")
        book.add(customer: 4, title: "Книга 0")
        #expect(Data(encoder.body(book.queues).readableBytesView) == WireOutput.queues(book.queues))
        #expect(Data(encoder.body([]).readableBytesView) == WireOutput.queues([]), "a shorter list drops the rest")
        var bulk = OrderBook()
        bulk.add(contentsOf: book.orders.map { ($0.customerId, $0.title) })
        var single = OrderBook()
        for order in book.orders { single.add(customer: order.customerId, title: order.title) }
        #expect(bulk.queues == single.queues, "orders added at once queue as one by one")
    }
}
