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
        // Room for the longest id (`{"customerId":-2147483648},` is 27 bytes), so a 1M-entry
        // list never grows by doubling (a 41 MB copy); the unused tail of a mapped block is
        // never touched, so it costs no memory.
        var writer = JSONWriter(capacity: queues.reduce(2) { $0 + $1.title.utf8.count + 32 + $1.customers.count * 27 })
        writer.array(queues) { writer, queue in writer.queue(queue) }
        return writer.bytes
    }

    /// One queue: camelCase as get-queues-list answers, or PascalCase as the Orchestrator pushes.
    mutating func queue(_ queue: CustomerQueue, pascalCase: Bool = false) {
        raw(pascalCase ? "{\"Title\":" : "{\"title\":")
        string(queue.title)
        raw(pascalCase ? ",\"Customers\":" : ",\"customers\":")
        array(queue.customers) { writer, customer in
            writer.raw(pascalCase ? "{\"CustomerId\":" : "{\"customerId\":")
            writer.int(customer)
            writer.raw("}")
        }
        raw("}")
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

/// The set-queue body exactly as the Orchestrator writes it (PascalCase). Decoding it with
/// synthesized keys skips the case-insensitive key strategy, which costs a lowercased string
/// per key: a 1M-entry push is decoded about a third faster.
struct PascalQueueBody: Decodable {
    struct Customer: Decodable { var CustomerId: Int32 }
    var Title: String
    var Customers: [Customer]
}

enum SetQueueBody {
    /// The byte-level parser first (the Orchestrator's exact shape); anything it is not sure
    /// about goes through Foundation, so errors and unusual input are handled as before.
    static func decode(_ data: Data) throws(InputError) -> [CustomerQueue] {
        try read(data.withUnsafeBytes { SetQueueStream.parse($0, known: .none) }).queues
    }

    /// What the parser's outcome answers: its queues and this push's segments, or, for a body
    /// it was not sure of, Foundation's reading (no segments then). The parser refuses a title
    /// twice, so what it read needs no `validate`.
    static func read(_ outcome: SetQueueStream.Outcome) throws(InputError) -> (queues: [CustomerQueue], segments: QueueSegments?) {
        switch outcome {
        case .parsed(let queues, let segments, _): return (queues, segments)
        case .unsure(let body): return (try decodeValidated(Data(body)), nil)
        }
    }

    /// Foundation's reading and the checks beyond the shape.
    static func decodeValidated(_ data: Data) throws(InputError) -> [CustomerQueue] {
        let queues = try decodeWithFoundation(data)
        try validate(queues)
        return queues
    }

    /// PascalCase first; anything else (other key cases, and every mistake, so that the error
    /// names the field) goes through the case-insensitive decoder. What `SetQueueStream` must
    /// agree with.
    static func decodeWithFoundation(_ data: Data) throws(InputError) -> [CustomerQueue] {
        if let pascal = try? JSONDecoder().decode([PascalQueueBody].self, from: data) {
            return pascal.map { CustomerQueue(title: $0.Title, customers: $0.Customers.map(\.CustomerId)) }
        }
        return try LenientJSON.decode([QueueBody].self, from: data)
            .map { CustomerQueue(title: $0.title, customers: $0.customers.map(\.customerId)) }
    }

    /// Beyond the shape: a title appears once, byte for byte (the Orchestrator groups by
    /// ordinal comparison: «Йод» in NFC and in NFD are two queues, not a repeat).
    static func validate(_ queues: [CustomerQueue]) throws(InputError) {
        var seen: [TitleKey: Int] = [:]
        seen.reserveCapacity(queues.count)
        for (index, queue) in queues.enumerated() {
            if let first = seen.updateValue(index, forKey: TitleKey(queue.title)) {
                throw InputError(field: "[\(index)].title", message: "repeats the title of entry \(first)")
            }
        }
    }
}
