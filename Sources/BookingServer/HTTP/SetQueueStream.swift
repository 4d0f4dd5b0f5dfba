import BookingCore
import Foundation

/// Reads a set-queue body straight from its bytes, part by part as they arrive, when it has
/// exactly the Orchestrator's shape: `[{"Title":"…","Customers":[{"CustomerId":1}]}]`,
/// PascalCase keys, whitespace anywhere. A 1M-entry push is 22 MB: `JSONDecoder` alone needs
/// well over a second for it, and collecting it into one buffer first (fresh memory, a page
/// fault per 4 KiB) cost more than reading the queues that changed.
///
/// It is unsure whenever it is not certain: other key casing, keys it does not know, a key twice
/// or missing, escapes in keys, a lone surrogate, a number that is not a plain integer within
/// Int32, invalid UTF-8, a title twice, any syntax error. It then hands over the body for
/// Foundation (`Outcome.unsure`), so every error message, and every result for unusual input,
/// stays what the decoder gives.
///
/// With the last push's segments (`QueueSegments`), a queue whose segment is the same bytes as
/// before is not read: its queue is the previous one. So a push costs what changed, plus one
/// hash over the bytes of the queues that did not.
struct SetQueueStream {
    enum Outcome {
        /// The queues, this push's segments, and how many queues were the previous ones.
        case parsed(queues: [CustomerQueue], segments: QueueSegments, reused: Int)
        /// A body equivalent to the one sent, for Foundation: the queues read so far written
        /// again in the same shape, then the bytes from where the reader became unsure.
        case unsure([UInt8])
    }

    /// Where the top level of the body stands.
    private enum Phase {
        case open, first, element, next, closed
    }

    private var push: PushState
    private var phase = Phase.open
    /// The bytes of a queue that a part ended in, from its `{`.
    private var carry: [UInt8] = []
    /// How many bytes `carry` gathers before it is read again (twice what did not do), so a
    /// queue spread over many parts is read a few times, not once per part.
    private var carryTarget = 0
    /// Once unsure: the body for Foundation, gathering the parts still to come.
    private var replay: [UInt8]?
    /// How many times a queue gathered in `carry` was read (a test's count).
    private(set) var carriedReads = 0

    init(known: QueueSegments) {
        push = PushState(known: known)
    }

    /// The whole body at once.
    static func parse(_ bytes: UnsafeRawBufferPointer, known: QueueSegments) -> Outcome {
        var stream = SetQueueStream(known: known)
        stream.feed(bytes)
        return stream.finish()
    }

    mutating func feed(_ raw: UnsafeRawBufferPointer) {
        let bytes = raw.bindMemory(to: UInt8.self)
        if replay != nil {
            replay!.append(contentsOf: bytes)
            return
        }
        var index = 0
        while !carry.isEmpty {
            let before = carry.count
            let take = min(bytes.count - index, max(0, carryTarget - carry.count))
            carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + take]))
            index += take
            if carry.count < carryTarget, index == bytes.count { return }
            switch readCarried() {
            case .unsure:
                return unsure(carried: true, rest: UnsafeBufferPointer(rebasing: bytes[index...]))
            case .incomplete:
                continue
            case .ended(let after):
                let appended = carry.count - before
                carry = []
                if after.count <= appended {
                    // The queue ended in this part's bytes: go on reading the part itself.
                    index -= after.count
                } else {
                    // It ended in bytes gathered earlier: read those first, then this part.
                    after.withUnsafeBytes { topLevel($0.bindMemory(to: UInt8.self)) }
                    if replay != nil {
                        replay!.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...]))
                        return
                    }
                }
            }
        }
        topLevel(UnsafeBufferPointer(rebasing: bytes[index...]))
    }

    mutating func finish() -> Outcome {
        if replay == nil, !carry.isEmpty, case .ended(let after) = readCarried() {
            carry = []
            after.withUnsafeBytes { topLevel($0.bindMemory(to: UInt8.self)) }
        }
        // Still inside a queue at the end (or unsure of it): the body is cut short.
        if replay == nil, !carry.isEmpty { unsure(carried: true, rest: UnsafeBufferPointer(start: nil, count: 0)) }
        if replay == nil, phase != .closed { unsure(carried: false, rest: UnsafeBufferPointer(start: nil, count: 0)) }
        if let replay { return .unsure(replay) }
        // A title twice is left to Foundation and `validate`, which name it. The titles of a
        // known push, each in its place, cannot repeat (that push was read here).
        if !push.titlesInPlace || push.queues.count > push.known.segments.count {
            var seen = Set<TitleKey>(minimumCapacity: push.queues.count)
            for queue in push.queues where !seen.insert(TitleKey(queue.title)).inserted {
                return .unsure(Self.written(push.queues, phase: .closed))
            }
        }
        return .parsed(queues: push.queues, segments: push.segments, reused: push.reused)
    }

    /// What reading the queue in `carry` found. `carry` is kept either way.
    private enum Carried {
        /// Not whole yet: `carryTarget` is raised.
        case incomplete
        /// Read; these bytes followed it.
        case ended(after: [UInt8])
        case unsure
    }

    private mutating func readCarried() -> Carried {
        carriedReads += 1
        let outcome = carry.withUnsafeBufferPointer { bytes -> (end: Int?, sure: Bool) in
            var cursor = Cursor(bytes)
            do throws(Stop) {
                try push.queue(&cursor)
                return (cursor.index, true)
            } catch {
                return (nil, error == .needMore)
            }
        }
        guard outcome.sure else { return .unsure }
        guard let end = outcome.end else {
            carryTarget = max(2 * carry.count, carry.count + 4096)
            return .incomplete
        }
        phase = .next
        return .ended(after: Array(carry[end...]))
    }

    /// Punctuation and whitespace between queues, and each queue whole within `bytes`; a queue
    /// that runs past their end is kept in `carry`.
    private mutating func topLevel(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09:
                index += 1
                continue
            default: break
            }
            switch phase {
            case .open:
                guard byte == UInt8(ascii: "[") else { return unsure(carried: false, rest: UnsafeBufferPointer(rebasing: bytes[index...])) }
                phase = .first
                index += 1
            case .first where byte == UInt8(ascii: "]"):
                phase = .closed
                index += 1
            case .first, .element:
                guard byte == UInt8(ascii: "{") else { return unsure(carried: false, rest: UnsafeBufferPointer(rebasing: bytes[index...])) }
                var cursor = Cursor(UnsafeBufferPointer(rebasing: bytes[index...]))
                do throws(Stop) {
                    try push.queue(&cursor)
                    index += cursor.index
                    phase = .next
                } catch .needMore {
                    carry = Array(UnsafeBufferPointer(rebasing: bytes[index...]))
                    carryTarget = max(2 * carry.count, carry.count + 4096)
                    return
                } catch {
                    return unsure(carried: false, rest: UnsafeBufferPointer(rebasing: bytes[index...]))
                }
            case .next:
                switch byte {
                case UInt8(ascii: ","): phase = .element
                case UInt8(ascii: "]"): phase = .closed
                default: return unsure(carried: false, rest: UnsafeBufferPointer(rebasing: bytes[index...]))
                }
                index += 1
            case .closed:
                return unsure(carried: false, rest: UnsafeBufferPointer(rebasing: bytes[index...]))
            }
        }
    }

    /// From here on the body goes to Foundation: what was read, written again, then the rest.
    private mutating func unsure(carried: Bool, rest: UnsafeBufferPointer<UInt8>) {
        var body = Self.written(push.queues, phase: phase)
        if carried { body.append(contentsOf: carry) }
        body.append(contentsOf: rest)
        carry = []
        replay = body
    }

    /// The queues read, in the Orchestrator's shape, with the punctuation `phase` has seen after them.
    private static func written(_ queues: [CustomerQueue], phase: Phase) -> [UInt8] {
        if phase == .open { return [] }
        var writer = JSONWriter()
        writer.raw("[")
        for (index, queue) in queues.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.queue(queue, pascalCase: true)
        }
        switch phase {
        case .element: writer.raw(",")
        case .closed: writer.raw("]")
        case .open, .first, .next: break
        }
        return writer.bytes
    }
}

/// Why the reader stopped: it is not sure of the bytes, or they end inside a queue.
private enum Stop: Error { case unsure, needMore }

/// What a push has read so far, queue by queue.
private struct PushState {
    let known: QueueSegments
    /// `known`'s segments by title, once a title is not where it was.
    var knownByTitle: [TitleKey: Int]?
    /// This push's segments.
    var segments = QueueSegments()
    var queues: [CustomerQueue] = []
    var reused = 0
    /// Every title so far is the known push's title at the same position.
    var titlesInPlace = true

    init(known: QueueSegments) {
        self.known = known
        segments.segments.reserveCapacity(known.segments.count)
        queues.reserveCapacity(known.segments.count)
    }

    /// `{"Title":"…","Customers":[…]}`, the two keys in either order, each exactly once, from
    /// the cursor's start. When the title comes first and the segment is a known one, the rest
    /// is not read. Changes nothing unless the queue is read whole.
    mutating func queue(_ cursor: inout Cursor) throws(Stop) {
        let start = cursor.index
        try cursor.expect(UInt8(ascii: "{"))
        var title: String?
        var customers: [Int32]?
        repeat {
            switch try cursor.key() {
            case .title:
                guard title == nil else { throw .unsure }
                let text = try cursor.string()
                let position = segments.segments.count  // in either key order
                if titlesInPlace, position >= known.segments.count
                    || !TitleKey.same(known.segments[position].queue.title, text) {
                    titlesInPlace = false
                }
                if customers == nil, let segment = known.segment(at: position, title: text, byTitle: &knownByTitle,
                                                                 in: cursor.bytes, from: start) {
                    cursor.index = start + segment.length
                    segments.segments.append(segment)
                    queues.append(segment.queue)
                    reused += 1
                    return
                }
                title = text
            case .customers:
                guard customers == nil else { throw .unsure }
                customers = try cursor.customerList()
            case .customerId:
                throw .unsure
            }
        } while try cursor.separator(closing: UInt8(ascii: "}"))
        guard let title, let customers else { throw .unsure }
        let queue = CustomerQueue(title: title, customers: customers)
        segments.segments.append(QueueSegments.Segment(
            length: cursor.index - start,
            hash: SegmentHash.of(UnsafeBufferPointer(rebasing: cursor.bytes[start..<cursor.index])), queue: queue))
        queues.append(queue)
    }
}

/// The tokens of one queue. Bytes that end before the queue does are `needMore`.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    enum Key { case title, customers, customerId }

    /// `[{"CustomerId":1},…]`: each object has that one key.
    mutating func customerList() throws(Stop) -> [Int32] {
        var customers: [Int32] = []
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return customers
        }
        repeat {
            try expect(UInt8(ascii: "{"))
            guard try key() == .customerId else { throw .unsure }
            customers.append(try int32())
            try expect(UInt8(ascii: "}"))
        } while try separator(closing: UInt8(ascii: "]"))
        return customers
    }

    /// After an element: true on `,` (another follows), false on `closing`.
    mutating func separator(closing: UInt8) throws(Stop) -> Bool {
        let byte = try peek()
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        throw .unsure
    }

    /// A key and its colon. Keys are compared as raw bytes: an escaped key is left to Foundation.
    mutating func key() throws(Stop) -> Key {
        try expect(UInt8(ascii: "\""))
        let key: Key
        if try matches("Title\"") {
            key = .title
            index += 6
        } else if try matches("Customers\"") {
            key = .customers
            index += 10
        } else if try matches("CustomerId\"") {
            key = .customerId
            index += 11
        } else {
            throw .unsure
        }
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Whether `literal` follows; `needMore` when the bytes end before it could.
    private func matches(_ literal: StaticString) throws(Stop) -> Bool {
        let count = literal.utf8CodeUnitCount
        let available = min(count, bytes.count - index)
        guard memcmp(bytes.baseAddress! + index, literal.utf8Start, available) == 0 else { return false }
        if available < count { throw .needMore }
        return true
    }

    /// A plain JSON integer within Int32: no fraction, no exponent, no leading zero, no `-0`
    /// (Foundation decides about those).
    mutating func int32() throws(Stop) -> Int32 {
        skipWhitespace()
        guard index < bytes.count else { throw .needMore }
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            value = value * 10 + Int64(digit)
            index += 1
            guard index - start <= 10 else { throw .unsure }
        }
        guard index < bytes.count else { throw .needMore }
        let digits = index - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw .unsure }
        switch bytes[index] {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): throw .unsure
        default: break
        }
        if negative {
            guard value != 0 else { throw .unsure }
            value = -value
        }
        guard let result = Int32(exactly: value) else { throw .unsure }
        return result
    }

    /// A JSON string. Bytes run up to the closing quote in one scan; escapes are undone in a
    /// second, slower pass; the result must be valid UTF-8.
    mutating func string() throws(Stop) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                guard let text else { throw .unsure }
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw .unsure } // a raw control character is not JSON
            index += 1
        }
        throw .needMore
    }

    private mutating func escapedString(from start: Int) throws(Stop) -> String {
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw .unsure }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw .needMore }
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
                default: throw .unsure
                }
            default:
                guard byte >= 0x20 else { throw .unsure }
                utf8.append(byte)
            }
        }
        throw .needMore
    }

    /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair.
    private mutating func escapedScalar() throws(Stop) -> Unicode.Scalar {
        let unit = try hex4()
        switch unit {
        case 0xD800...0xDBFF:
            guard try matches("\\u") else { throw .unsure }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw .unsure }
            let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw .unsure }
            return scalar
        case 0xDC00...0xDFFF:
            throw .unsure
        default:
            guard let scalar = Unicode.Scalar(unit) else { throw .unsure }
            return scalar
        }
    }

    private mutating func hex4() throws(Stop) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw .needMore }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .unsure
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
    private mutating func peek() throws(Stop) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw .needMore }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) throws(Stop) {
        guard try peek() == byte else { throw .unsure }
        index += 1
    }
}
