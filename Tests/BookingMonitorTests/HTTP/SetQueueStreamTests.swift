@testable import BookingServer
import BookingCore
import Foundation
import Testing

/// The set-queue body read part by part, as it arrives: cut anywhere, it reads as it does whole;
/// where the reader is unsure, what it hands Foundation decodes (or fails) exactly as the body
/// sent would.
@Suite("set-queue body: read as it arrives, cut anywhere")
struct SetQueueStreamTests {
    /// `bytes` fed in parts of the given sizes (the last takes the rest).
    static func streamed(_ bytes: [UInt8], parts sizes: [Int], known: QueueSegments = .none) -> SetQueueStream.Outcome {
        var stream = SetQueueStream(known: known)
        var start = 0
        for size in sizes where start < bytes.count {
            let end = min(bytes.count, start + size)
            bytes[start..<end].withUnsafeBytes { stream.feed($0) }
            start = end
        }
        if start < bytes.count { bytes[start...].withUnsafeBytes { stream.feed($0) } }
        return stream.finish()
    }

    static func randomParts(_ count: Int, _ random: inout SeededRandom) -> [Int] {
        var sizes: [Int] = []
        var total = 0
        while total < count {
            let size = Int.random(in: 1...max(1, Int.random(in: 1...64, using: &random)), using: &random)
            sizes.append(size)
            total += size
        }
        return sizes
    }

    /// What the route answers for `outcome`: the queues, or Foundation's reading of the body handed over.
    static func answer(_ outcome: SetQueueStream.Outcome) -> Result<[CustomerQueue], InputError> {
        switch outcome {
        case .parsed(let queues, _, _): return .success(queues)
        case .unsure(let body): return Result { () throws(InputError) in try SetQueueBody.decodeValidated(Data(body)) }
        }
    }

    /// The route's answer for the body sent whole to Foundation, as before the parser.
    static func before(_ bytes: [UInt8]) -> Result<[CustomerQueue], InputError> {
        Result { () throws(InputError) in try SetQueueBody.decodeValidated(Data(bytes)) }
    }

    static func isParsed(_ outcome: SetQueueStream.Outcome) -> Bool {
        if case .parsed = outcome { return true }
        return false
    }

    @Test("a body cut at every byte, and a byte at a time, reads as it does whole")
    func everyCut() throws {
        let bytes = Array(#"[ {"Title":"Война \u0438 мир","Customers":[{"CustomerId":1},{"CustomerId":-20}]} , {"Customers":[],"Title":"B"}]"#.utf8)
        let whole = Self.answer(bytes.withUnsafeBytes { SetQueueStream.parse($0, known: .none) })
        #expect(whole == .success([CustomerQueue(title: "Война и мир", customers: [1, -20]), CustomerQueue(title: "B", customers: [])]))
        for cut in 1..<bytes.count {
            let outcome = Self.streamed(bytes, parts: [cut])
            #expect(Self.isParsed(outcome), "cut at \(cut)")
            #expect(Self.answer(outcome) == whole, "cut at \(cut)")
        }
        #expect(Self.answer(Self.streamed(bytes, parts: Array(repeating: 1, count: bytes.count))) == whole)
    }

    @Test("a body cut short, or with bytes after its end, is handed over and refused as Foundation refuses it")
    func cutShortAndTrailing() throws {
        let body = #"[{"Title":"A","Customers":[{"CustomerId":1}]},{"Title":"B","Customers":[{"CustomerId":2}]}]"#
        for end in 0..<body.utf8.count {
            let bytes = Array(body.utf8.prefix(end))
            let outcome = Self.streamed(bytes, parts: [max(1, end / 2)])
            #expect(!Self.isParsed(outcome), "\(end) bytes")
            #expect(Self.answer(outcome) == Self.before(bytes), "\(end) bytes")
        }
        for trailing in [" x", ",", "]", "[]", " \n"] {
            let bytes = Array((body + trailing).utf8)
            #expect(Self.answer(Self.streamed(bytes, parts: [30, 7])) == Self.before(bytes), "\(trailing)")
        }
    }

    @Test("unchanged queues cut across parts are still the previous ones; a changed one is read")
    func knownAcrossParts() throws {
        let titles = (0..<30).map { "Книга № \($0)" }
        func body(_ changed: Int?) -> [UInt8] {
            Array(("[" + titles.enumerated().map { index, title in
                #"{"Title":"\#(title)","Customers":[{"CustomerId":\#(index == changed ? 999 : index)}]}"#
            }.joined(separator: ",") + "]").utf8)
        }
        let first = body(nil).withUnsafeBytes { SetQueueStream.parse($0, known: .none) }
        guard case .parsed(_, let known, _) = first else {
            Issue.record("the first push was not read")
            return
        }
        var random = SeededRandom(seed: 17)
        for _ in 0..<50 {
            let next = body(7)
            let outcome = Self.streamed(next, parts: Self.randomParts(next.count, &random), known: known)
            guard case .parsed(let queues, _, let reused) = outcome else {
                Issue.record("handed over")
                continue
            }
            #expect(reused == 29)
            #expect(queues[7].customers == [999])
            #expect(queues.map(\.title) == titles)
        }
    }

    @Test("a queue larger than many parts is read once it is whole, not once per part")
    func largeQueue() throws {
        let customers = (0..<20_000).map { Int32($0) }
        let bytes = Array((#"[{"Title":"big","Customers":["# + customers.map { #"{"CustomerId":\#($0)}"# }.joined(separator: ",") + "]}]").utf8)
        var stream = SetQueueStream(known: .none)
        for start in stride(from: 0, to: bytes.count, by: 1000) {
            bytes[start..<min(bytes.count, start + 1000)].withUnsafeBytes { stream.feed($0) }
        }
        let reads = stream.carriedReads
        #expect(Self.answer(stream.finish()) == .success([CustomerQueue(title: "big", customers: customers)]))
        #expect(bytes.count / 1000 > 300)
        #expect(reads <= 12, "\(reads) reads of the gathered queue over \(bytes.count / 1000) parts")
    }

    /// The parser's generated bodies and their mutations (`SetQueueParserTests.generated`), each
    /// cut into random parts.
    @Test("generated bodies and their mutations, cut into random parts, answer as whole bodies do")
    func generatedInParts() {
        var random = SeededRandom(seed: 0x57_4EA3)
        let noise: [UInt8] = Array(#"[]{}",:\u0 -1.eE9x"#.utf8) + [0x80, 0xD0]
        for round in 0..<400 {
            let queues = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                CustomerQueue(title: SetQueueParserTests.randomTitle(&random),
                              customers: (0..<Int.random(in: 0...5, using: &random)).map { _ in
                                  Int32.random(in: .min ... .max, using: &random) >> Int32.random(in: 0...31, using: &random)
                              })
            }
            var bytes = Array(SetQueueParserTests.write(queues, &random).utf8)
            if round % 2 == 1, !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(bytes[at], at: at)
                default: bytes[at] = noise.randomElement(using: &random)!
                }
            }
            let whole = bytes.withUnsafeBytes { SetQueueStream.parse($0, known: .none) }
            let parts = Self.streamed(bytes, parts: Self.randomParts(bytes.count, &random))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(Self.isParsed(parts) == Self.isParsed(whole), "\(text)")
            #expect(Self.answer(parts) == Self.before(bytes), "\(text)")
            #expect(Self.answer(whole) == Self.before(bytes), "\(text)")
        }
    }
}
