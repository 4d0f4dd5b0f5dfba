import Foundation
import Hummingbird

/// What the simulator writes: PascalCase, as the Orchestrator serializes with
/// System.Text.Json's plain defaults. Keys come out in declaration order.
enum WireOutput {
    // The property names are the wire names.
    // swiftlint:disable identifier_name
    struct QueueBody: Encodable {
        var Title: String
        var Customers: [CustomerBody]
    }

    struct CustomerBody: Encodable {
        var CustomerId: Int32
    }

    struct OrderBody: Encodable {
        var Id: Int
        var CustomerId: Int32
        var Title: String
        var Priority: Int
    }

    struct EventBody: Encodable {
        var Key: String?
        var CustomerId: Int32
        var Title: String
        var OrderId: Int
        var ProductId: Int32?
        var Group: String?
    }
    // swiftlint:enable identifier_name

    static func queues(_ queues: [OrderBook.Queue]) -> Data {
        encode(queues.map { QueueBody(Title: $0.title, Customers: $0.customers.map(CustomerBody.init)) })
    }

    static func order(_ order: OrderBook.Order) -> OrderBody {
        OrderBody(Id: order.id, CustomerId: order.customerId, Title: order.title, Priority: order.priority)
    }

    static func event(_ event: OrderBook.Event) -> EventBody {
        EventBody(Key: event.key, CustomerId: event.customerId, Title: event.title, OrderId: event.orderId,
                  ProductId: event.productId, Group: event.group)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) -> Data {
        (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    static func json(_ value: some Encodable) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }

    /// `200`, empty body, as ASP.NET's `Ok()`.
    static var ok: Response { Response(status: .ok, headers: [.contentLength: "0"]) }
}
