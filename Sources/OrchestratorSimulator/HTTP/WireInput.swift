import Foundation

/// A request body the simulator cannot use, naming the field at fault.
struct InputError: Error, CustomStringConvertible {
    var field: String?
    var message: String
    var description: String { field.map { "\($0) \(message)" } ?? message }
}

/// `{"CustomerId":1,"Title":"…"}`, the body of add-new-order and order-event. Property names
/// are matched case-insensitively and unknown ones are ignored, as ASP.NET's binder does;
/// order-event's extra fields (`ProductId`, `Group`, …) are read when present.
struct OrderInput: Decodable {
    var customerId: Int32
    var title: String
    var productId: Int32?
    var group: String?

    init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<AnyKey>
        do {
            container = try decoder.container(keyedBy: AnyKey.self)
        } catch {
            throw InputError(message: #"the body must be a JSON object such as {"CustomerId":1,"Title":"Война и мир. Том 1"}"#)
        }
        func key(_ name: String) -> AnyKey? { container.allKeys.first { $0.stringValue.lowercased() == name.lowercased() } }

        guard let customerKey = key("CustomerId") else { throw InputError(field: "CustomerId", message: "is missing") }
        do {
            customerId = try container.decode(Int32.self, forKey: customerKey)
        } catch {
            throw InputError(field: "CustomerId", message: "must be a 32-bit integer")
        }
        guard let titleKey = key("Title") else { throw InputError(field: "Title", message: "is missing") }
        do {
            title = try container.decode(String.self, forKey: titleKey)
        } catch {
            throw InputError(field: "Title", message: "must be a string")
        }
        guard !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw InputError(field: "Title", message: "must not be empty")
        }
        // Extras are informational: a wrong type is ignored rather than refused.
        productId = key("ProductId").flatMap { try? container.decode(Int32.self, forKey: $0) }
        group = key("Group").flatMap { try? container.decode(String.self, forKey: $0) }
    }

    static func decode(_ data: Data) throws(InputError) -> OrderInput {
        do {
            return try JSONDecoder().decode(OrderInput.self, from: data)
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(message: "the body is not valid JSON")
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
