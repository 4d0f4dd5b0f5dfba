import BookingCore
import Foundation

/// Reads a set-queue body straight from its bytes when it has exactly the Orchestrator's shape:
/// `[{"Title":"…","Customers":[{"CustomerId":1}]}]`, PascalCase keys, whitespace anywhere.
/// A 1M-entry push is 22 MB, and `JSONDecoder` alone needs well over a second for it.
///
/// It answers nil whenever it is not sure: other key casing, keys it does not know, a key twice
/// or missing, escapes in keys, a lone surrogate, a number that is not a plain integer within
/// Int32, invalid UTF-8, a title twice, any syntax error. The caller then decodes with
/// Foundation, so every error message, and every result for unusual input, stays what the
/// decoder gives.
///
/// With the last push's segments (`QueueSegments`), a queue whose segment is the same bytes as
/// before is not read: its queue is the previous one. So a push costs what changed, plus one
/// hash over the bytes of the queues that did not.
enum SetQueueParser {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [CustomerQueue]? {
        parse(bytes, known: .none)?.queues
    }

    /// The queues, with this push's segments, and how many queues were the previous ones.
    static func parse(_ bytes: UnsafeRawBufferPointer, known: QueueSegments)
        -> (queues: [CustomerQueue], segments: QueueSegments, reused: Int)? {
        var reader = Reader(bytes.bindMemory(to: UInt8.self), known: known)
        guard let queues = try? reader.body() else { return nil }
        return (queues, reader.segments, reader.reused)
    }
}

private struct Unsure: Error {}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    let known: QueueSegments
    /// `known`'s segments by title, once a title is not where it was.
    var knownByTitle: [TitleKey: Int]?
    /// This push's segments.
    var segments = QueueSegments()
    var reused = 0
    /// Every title so far is the known push's title at the same position.
    var titlesInPlace = true

    init(_ bytes: UnsafeBufferPointer<UInt8>, known: QueueSegments) {
        self.bytes = bytes
        self.known = known
        segments.segments.reserveCapacity(known.segments.count)
    }

    enum Key { case title, customers, customerId }

    mutating func body() throws(Unsure) -> [CustomerQueue] {
        var queues: [CustomerQueue] = []
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            index += 1
        } else {
            repeat {
                queues.append(try queue())
            } while try separator(closing: UInt8(ascii: "]"))
        }
        skipWhitespace()
        guard index == bytes.count else { throw Unsure() }
        // A title twice is left to Foundation and `validate`, which name it. The titles of a
        // known push, each in its place, cannot repeat (that push was read here).
        if !titlesInPlace || queues.count > known.segments.count {
            var seen = Set<TitleKey>(minimumCapacity: queues.count)
            for queue in queues where !seen.insert(TitleKey(queue.title)).inserted { throw Unsure() }
        }
        return queues
    }

    /// `{"Title":"…","Customers":[…]}`, the two keys in either order, each exactly once. When
    /// the title comes first and the segment is a known one, the rest is not read.
    private mutating func queue() throws(Unsure) -> CustomerQueue {
        skipWhitespace()
        let start = index
        try expect(UInt8(ascii: "{"))
        var title: String?
        var customers: [Int32]?
        repeat {
            switch try key() {
            case .title:
                guard title == nil else { throw Unsure() }
                let text = try string()
                let position = segments.segments.count  // in either key order
                if titlesInPlace, position >= known.segments.count
                    || !TitleKey.same(known.segments[position].queue.title, text) {
                    titlesInPlace = false
                }
                if customers == nil, let segment = known.segment(at: position, title: text, byTitle: &knownByTitle,
                                                                 in: bytes, from: start) {
                    index = start + segment.length
                    segments.segments.append(segment)
                    reused += 1
                    return segment.queue
                }
                title = text
            case .customers:
                guard customers == nil else { throw Unsure() }
                customers = try customerList()
            case .customerId:
                throw Unsure()
            }
        } while try separator(closing: UInt8(ascii: "}"))
        guard let title, let customers else { throw Unsure() }
        let queue = CustomerQueue(title: title, customers: customers)
        segments.segments.append(QueueSegments.Segment(
            length: index - start, hash: SegmentHash.of(UnsafeBufferPointer(rebasing: bytes[start..<index])), queue: queue))
        return queue
    }

    /// `[{"CustomerId":1},…]`: each object has that one key.
    private mutating func customerList() throws(Unsure) -> [Int32] {
        var customers: [Int32] = []
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return customers
        }
        repeat {
            try expect(UInt8(ascii: "{"))
            guard try key() == .customerId else { throw Unsure() }
            customers.append(try int32())
            try expect(UInt8(ascii: "}"))
        } while try separator(closing: UInt8(ascii: "]"))
        return customers
    }

    // MARK: Tokens

    /// After an element: true on `,` (another follows), false on `closing`.
    private mutating func separator(closing: UInt8) throws(Unsure) -> Bool {
        let byte = try peek()
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        throw Unsure()
    }

    /// A key and its colon. Keys are compared as raw bytes: an escaped key is left to Foundation.
    private mutating func key() throws(Unsure) -> Key {
        try expect(UInt8(ascii: "\""))
        let key: Key
        if matches("Title\"") {
            key = .title
            index += 6
        } else if matches("Customers\"") {
            key = .customers
            index += 10
        } else if matches("CustomerId\"") {
            key = .customerId
            index += 11
        } else {
            throw Unsure()
        }
        try expect(UInt8(ascii: ":"))
        return key
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        return bytes.count - index >= count && memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0
    }

    /// A plain JSON integer within Int32: no fraction, no exponent, no leading zero, no `-0`
    /// (Foundation decides about those).
    private mutating func int32() throws(Unsure) -> Int32 {
        skipWhitespace()
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            value = value * 10 + Int64(digit)
            index += 1
            guard index - start <= 10 else { throw Unsure() }
        }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw Unsure() }
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): throw Unsure()
            default: break
            }
        }
        if negative {
            guard value != 0 else { throw Unsure() }
            value = -value
        }
        guard let result = Int32(exactly: value) else { throw Unsure() }
        return result
    }

    /// A JSON string. Bytes run up to the closing quote in one scan; escapes are undone in a
    /// second, slower pass; the result must be valid UTF-8.
    private mutating func string() throws(Unsure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                guard let text else { throw Unsure() }
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw Unsure() } // a raw control character is not JSON
            index += 1
        }
        throw Unsure()
    }

    private mutating func escapedString(from start: Int) throws(Unsure) -> String {
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw Unsure() }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Unsure() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: UTF8.encode(try escapedScalar())!)
                default: throw Unsure()
                }
            default:
                guard byte >= 0x20 else { throw Unsure() }
                utf8.append(byte)
            }
        }
        throw Unsure()
    }

    /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair.
    private mutating func escapedScalar() throws(Unsure) -> Unicode.Scalar {
        let unit = try hex4()
        switch unit {
        case 0xD800...0xDBFF:
            guard matches("\\u") else { throw Unsure() }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw Unsure() }
            let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw Unsure() }
            return scalar
        case 0xDC00...0xDFFF:
            throw Unsure()
        default:
            guard let scalar = Unicode.Scalar(unit) else { throw Unsure() }
            return scalar
        }
    }

    private mutating func hex4() throws(Unsure) -> UInt16 {
        guard bytes.count - index >= 4 else { throw Unsure() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Unsure()
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    // MARK: Whitespace and single bytes

    /// JSON's four whitespace bytes only.
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next byte that is not whitespace, not consumed.
    private mutating func peek() throws(Unsure) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw Unsure() }
        return bytes[index]
    }

    private mutating func expect(_ byte: UInt8) throws(Unsure) {
        guard try peek() == byte else { throw Unsure() }
        index += 1
    }
}
