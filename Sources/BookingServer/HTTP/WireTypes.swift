import BookingCore
import Foundation

// The Orchestrator contract's bodies (../shared/wire-contract.md). Input keys are declared in
// lower case because `LenientJSON` matches names case-insensitively; output is camelCase.

struct ProductBody: Encodable {
    var id: Int32
    var title: String
    var description: String
    var isAvailable: Bool

    init(_ product: Product) {
        id = product.id
        title = product.title
        description = product.description
        isAvailable = product.isAvailable
    }
}

struct QueueBody: Codable {
    var title: String
    var customers: [CustomerBody]

    enum CodingKeys: String, CodingKey { case title, customers }

    init(_ queue: CustomerQueue) {
        title = queue.title
        customers = queue.customers.map(CustomerBody.init)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        customers = try container.decode([CustomerBody].self, forKey: .customers)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CamelKeys.self)
        try container.encode(title, forKey: .title)
        try container.encode(customers, forKey: .customers)
    }

    private enum CamelKeys: String, CodingKey { case title, customers }
}

struct CustomerBody: Codable {
    var customerId: Int32

    init(_ id: Int32) { customerId = id }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: LowerKeys.self)
        customerId = try container.decode(Int32.self, forKey: .customerid)
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
