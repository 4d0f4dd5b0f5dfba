import BookingCore
import Foundation

// The Orchestrator contract's bodies (../shared/wire-contract.md). Input keys are declared in
// lower case because `LenientJSON` matches names case-insensitively; output is camelCase.

extension JSONWriter {
    /// `[{"id":1,"title":"…","description":"…","isAvailable":false}]`
    static func products(_ products: [Product]) -> [UInt8] {
        var writer = JSONWriter(capacity: products.count * 96 + 2)
        writer.array(products) { writer, product in
            writer.raw("{\"id\":")
            writer.int(product.id)
            writer.raw(",\"title\":")
            writer.string(product.title)
            writer.raw(",\"description\":")
            writer.string(product.description)
            writer.raw(",\"isAvailable\":")
            writer.bool(product.isAvailable)
            writer.raw("}")
        }
        return writer.bytes
    }

    /// `[{"title":"…","customers":[{"customerId":1}]}]`
    static func queues(_ queues: [CustomerQueue]) -> [UInt8] {
        var writer = JSONWriter(capacity: queues.reduce(2) { $0 + $1.title.utf8.count + 32 + $1.customers.count * 20 })
        writer.array(queues) { writer, queue in
            writer.raw("{\"title\":")
            writer.string(queue.title)
            writer.raw(",\"customers\":")
            writer.array(queue.customers) { writer, customer in
                writer.raw("{\"customerId\":")
                writer.int(customer)
                writer.raw("}")
            }
            writer.raw("}")
        }
        return writer.bytes
    }
}

/// A set-queue entry: `{"Title":"…","Customers":[{"CustomerId":1}]}`, keys in any case.
struct QueueBody: Decodable {
    var title: String
    var customers: [CustomerBody]

    enum CodingKeys: String, CodingKey { case title, customers }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        customers = try container.decode([CustomerBody].self, forKey: .customers)
    }
}

struct CustomerBody: Decodable {
    var customerId: Int32

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: LowerKeys.self)
        customerId = try container.decodeInt32(forKey: .customerid)
    }

    private enum LowerKeys: String, CodingKey { case customerid }
}

extension [QueueBody] {
    /// Validates a set-queue body beyond its shape: a title appears once.
    func validated() throws(InputError) -> [CustomerQueue] {
        var seen: [String: Int] = [:]
        var queues: [CustomerQueue] = []
        queues.reserveCapacity(count)
        for (index, body) in enumerated() {
            if let first = seen.updateValue(index, forKey: body.title) {
                throw InputError(field: "[\(index)].title", message: "repeats the title of entry \(first)")
            }
            queues.append(CustomerQueue(title: body.title, customers: body.customers.map(\.customerId)))
        }
        return queues
    }
}
