@testable import BookingServer
import BookingCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@Suite("Last answer: a busy monitor's reads are served what was answered last")
struct LastAnswerTests {
    let snapshot = QueueSnapshot(sequence: 3, receivedAt: nil,
                                 queues: [CustomerQueue(title: "Идиот", customers: [7, 9]), CustomerQueue(title: "Мы", customers: [])])

    @Test("get-queues-list keeps the snapshot itself, not its encoding, and encodes it for the fallback")
    func queuesKeepTheSnapshot() async throws {
        let answer = AdministrationRoutes<BasicRequestContext>.queuesAnswer(patience: .milliseconds(50))
        let fresh = try await answer.response { [snapshot] in snapshot }
        #expect(answer.kept == snapshot)
        // The monitor is busy: the fallback is the kept snapshot, encoded as a fresh answer is.
        let stale = try await answer.response {
            try await Task.sleep(for: .seconds(2))
            return QueueSnapshot.empty
        }
        #expect(stale.headers[.age] != nil)
        let expected = JSONWriter.queues(snapshot.queues)
        #expect(try await Self.bytes(fresh) == expected)
        #expect(try await Self.bytes(stale) == expected)
        #expect(String(decoding: expected, as: UTF8.self)
            == #"[{"title":"Идиот","customers":[{"customerId":7},{"customerId":9}]},{"title":"Мы","customers":[]}]"#)
    }

    @Test("with nothing answered yet a busy monitor is a 503, not a wait")
    func nothingToFallBackOn() async throws {
        let answer = AdministrationRoutes<BasicRequestContext>.queuesAnswer(patience: .milliseconds(50))
        await #expect(throws: Problem.self) {
            try await answer.response {
                try await Task.sleep(for: .seconds(2))
                return QueueSnapshot.empty
            }
        }
        #expect(answer.kept == nil)
    }

    static func bytes(_ response: Response) async throws -> [UInt8] {
        let collected = Collected()
        try await response.body.write(Collector(into: collected))
        return collected.bytes
    }

    final class Collected: @unchecked Sendable { var bytes: [UInt8] = [] }

    struct Collector: ResponseBodyWriter {
        let into: Collected
        mutating func write(_ buffer: ByteBuffer) async throws { into.bytes += buffer.readableBytesView }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
