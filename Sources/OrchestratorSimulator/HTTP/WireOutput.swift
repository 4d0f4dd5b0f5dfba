import Foundation
import Hummingbird

/// What the simulator writes: PascalCase in declaration order, as the Orchestrator serializes
/// with System.Text.Json's plain defaults (non-ASCII text as UTF-8). Written by hand because
/// Foundation's JSONEncoder orders keys arbitrarily on Linux.
enum WireOutput {
    /// `[{"Title":"…","Customers":[{"CustomerId":1}]}]`: the set-queue body.
    static func queues(_ queues: [OrderBook.Queue]) -> Data {
        var json = JSONText()
        json.array(queues) { json, queue in
            json.object { json in
                json.field("Title", queue.title)
                json.key("Customers")
                json.array(queue.customers) { json, customer in json.object { $0.field("CustomerId", customer) } }
            }
        }
        return json.data
    }

    /// `{"Id":1,"CustomerId":1,"Title":"…","Priority":0}`
    static func write(_ order: OrderBook.Order, into json: inout JSONText) {
        json.object { json in
            json.field("Id", order.id)
            json.field("CustomerId", order.customerId)
            json.field("Title", order.title)
            json.field("Priority", order.priority)
        }
    }

    static func order(_ order: OrderBook.Order) -> Data {
        var json = JSONText()
        write(order, into: &json)
        return json.data
    }

    static func orders(_ orders: [OrderBook.Order]) -> Data {
        var json = JSONText()
        json.array(orders) { json, order in write(order, into: &json) }
        return json.data
    }

    /// `[{"Key":…,"CustomerId":…,"Title":…,"OrderId":…,"ProductId":…,"Group":…}]`, nulls kept.
    static func events(_ events: [OrderBook.Event]) -> Data {
        var json = JSONText()
        json.array(events) { json, event in
            json.object { json in
                json.field("Key", event.key)
                json.field("CustomerId", event.customerId)
                json.field("Title", event.title)
                json.field("OrderId", event.orderId)
                json.field("ProductId", event.productId)
                json.field("Group", event.group)
            }
        }
        return json.data
    }

    static func json(_ data: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `200`, empty body, as ASP.NET's `Ok()`.
    static var ok: Response { Response(status: .ok, headers: [.contentLength: "0"]) }
}

/// A small JSON text builder: objects and arrays with commas placed for you.
struct JSONText {
    private(set) var text = ""
    private var needsComma = false

    var data: Data { Data(text.utf8) }

    mutating func array<S: Sequence>(_ items: S, _ element: (inout JSONText, S.Element) -> Void) {
        open("[")
        for item in items { element(&self, item) }
        close("]")
    }

    mutating func object(_ body: (inout JSONText) -> Void) {
        open("{")
        body(&self)
        close("}")
    }

    mutating func key(_ name: String) {
        comma()
        string(name)
        text += ":"
        needsComma = false
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        comma()
        if let value { string(value) } else { text += "null" }
        needsComma = true
    }

    mutating func field(_ name: String, _ value: (some BinaryInteger)?) {
        key(name)
        comma()
        text += value.map { "\($0)" } ?? "null"
        needsComma = true
    }

    private mutating func open(_ bracket: String) {
        comma()
        text += bracket
        needsComma = false
    }

    private mutating func close(_ bracket: String) {
        text += bracket
        needsComma = true
    }

    private mutating func comma() {
        if needsComma { text += "," }
        needsComma = false
    }

    /// `"` and `\` escaped, control characters as `\uXXXX` or their short forms.
    private mutating func string(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
