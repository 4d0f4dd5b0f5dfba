import Foundation

/// JSON input as ASP.NET reads it: property names match case-insensitively, so the
/// Orchestrator's PascalCase (`"Title"`) and camelCase (`"title"`) both bind.
/// Types that decode with it declare their `CodingKeys` in lower case.
public enum LenientJSON {
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            LowercasedKey(path[path.count - 1].stringValue.lowercased())
        }
        return decoder
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(InputError) -> T {
        do {
            return try decoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw InputError(error)
        } catch {
            throw InputError(field: nil, message: "\(error)")
        }
    }

    private struct LowercasedKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// What was wrong with a piece of input, naming the field where one is to blame.
public struct InputError: Error, Equatable, CustomStringConvertible {
    /// A JSON path such as `[2].customers[0].customerId`, or nil when the whole body is at fault.
    public var field: String?
    public var message: String

    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }

    public init(_ error: DecodingError) {
        func path(_ codingPath: [any CodingKey], appending key: (any CodingKey)? = nil) -> String? {
            let keys = codingPath + (key.map { [$0] } ?? [])
            guard !keys.isEmpty else { return nil }
            return keys.map { key in
                key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
            }.joined().trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath, appending: key), message: "is missing")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), message: "must be \(Self.name(of: type))")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), message: "must be \(Self.name(of: type)), not null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self.init(field: nil, message: "is not valid JSON")
            } else {
                self.init(field: path(context.codingPath), message: "is invalid: \(context.debugDescription)")
            }
        @unknown default:
            self.init(field: nil, message: "\(error)")
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Int32.Type, is Int64.Type: return "a 32-bit integer" // Int64 only carries Int32 input (decodeInt32)
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        case is [String: Any].Type: return "an object"  // a Collection too: not "an array"
        default: return type is any Collection.Type ? "an array" : "an object"
        }
    }

    public var description: String {
        field.map { "field `\($0)` \(message)" } ?? "body \(message)"
    }
}

extension KeyedDecodingContainer {
    /// An Int32 with a useful error: Foundation reports an out-of-range number as "not valid
    /// JSON" with no path, so decode wider and range-check here.
    public func decodeInt32(forKey key: Key) throws -> Int32 {
        let wide = try decode(Int64.self, forKey: key)
        guard let value = Int32(exactly: wide) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                                                   debugDescription: "\(wide) is outside the 32-bit integer range")
        }
        return value
    }
}
