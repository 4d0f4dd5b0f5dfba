@testable import BookingServer
import BookingCore
import Foundation
import Testing

/// The parser with the last push's segments: a queue whose bytes are as before is the previous
/// queue, without being read; anything else is read as if nothing were known.
@Suite("set-queue body: unchanged queues are not read again")
struct QueueSegmentsTests {
    static func body(_ queues: [(String, [Int32])], spaced: Set<Int> = []) -> [UInt8] {
        let entries = queues.enumerated().map { index, queue in
            let gap = spaced.contains(index) ? " " : ""
            return #"{"Title":"\#(queue.0)",\#(gap)"Customers":[\#(queue.1.map { #"{"CustomerId":\#($0)}"# }.joined(separator: ","))]}"#
        }
        return Array(("[" + entries.joined(separator: ",") + "]").utf8)
    }

    static func parse(_ bytes: [UInt8], known: QueueSegments) -> (queues: [CustomerQueue], segments: QueueSegments, reused: Int)? {
        bytes.withUnsafeBytes { SetQueueParser.parse($0, known: known) }
    }

    static let first: [(String, [Int32])] = (0..<20).map { ("Книга № \($0)", [Int32($0), 100 + Int32($0), 7]) }

    @Test("one queue changed: the others are the previous queues, storage and all; the result is a fresh parse's")
    func oneChanged() throws {
        let before = try #require(Self.parse(Self.body(Self.first), known: .none))
        #expect(before.reused == 0)
        var second = Self.first
        second[5].1 = [7, 105, 5]
        let after = try #require(Self.parse(Self.body(second), known: before.segments))
        #expect(after.reused == 19)
        #expect(after.queues == Self.parse(Self.body(second), known: .none)?.queues)
        #expect(after.queues[5].customers == [7, 105, 5])
        func storage(_ queue: CustomerQueue) -> UnsafePointer<Int32>? { queue.customers.withUnsafeBufferPointer { $0.baseAddress } }
        #expect(storage(after.queues[4]) == storage(before.queues[4]), "an unchanged queue shares the previous storage")
        #expect(storage(after.queues[5]) != storage(before.queues[5]))
    }

    @Test("same title and length, other bytes (12 for 21, a space): read again, not taken from before")
    func lookalikes() throws {
        let known = try #require(Self.parse(Self.body([("A", [12, 3]), ("B", [1])]), known: .none)).segments
        let swapped = try #require(Self.parse(Self.body([("A", [21, 3]), ("B", [1])]), known: known))
        #expect(swapped.queues == [CustomerQueue(title: "A", customers: [21, 3]), CustomerQueue(title: "B", customers: [1])])
        #expect(swapped.reused == 1)
        let spaced = try #require(Self.parse(Self.body([("A", [12, 3]), ("B", [1])], spaced: [0]), known: known))
        #expect(spaced.queues.map(\.customers) == [[12, 3], [1]])
        #expect(spaced.reused == 1, "A's bytes differ by a space: read again")
        // A known segment that runs past the end of a shorter body.
        let cut = try #require(Self.parse(Self.body([("A", [1])]), known: known))
        #expect(cut.queues == [CustomerQueue(title: "A", customers: [1])])
    }

    @Test("moved queues are found by title; a title twice is left to Foundation, which names it")
    func movedAndRepeated() throws {
        let known = try #require(Self.parse(Self.body(Self.first), known: .none)).segments
        let moved = try #require(Self.parse(Self.body(Self.first.reversed()), known: known))
        #expect(moved.reused == 20)
        #expect(moved.queues.map(\.title) == Self.first.reversed().map(\.0))
        let twice = Self.body([Self.first[0], Self.first[1], Self.first[0]])
        #expect(Self.parse(twice, known: known) == nil)
        // Read whole, then handed over: Foundation reads the queues written again and names the repeat.
        let outcome = twice.withUnsafeBytes { SetQueueStream.parse($0, known: known) }
        guard case .unsure(let replay) = outcome else { Issue.record("a title twice was taken"); return }
        #expect(throws: InputError(field: "[2].title", message: "repeats the title of entry 0")) {
            try SetQueueBody.decodeValidated(Data(replay))
        }
    }
}
