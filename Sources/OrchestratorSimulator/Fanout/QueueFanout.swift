import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// Pushes the full queue list to every monitor (`POST {monitor}/administration/set-queue`).
///
/// Pushes run one after another, and each reads the queues when it starts sending, not when it
/// was asked for: two events answered close together can never leave a monitor holding the
/// older list. A monitor that is down or slow is logged and skipped; the event that caused the
/// push still succeeds (its state change is made), and the monitor catches up with the next
/// push or its own `request-to-monitoring`.
actor QueueFanout {
    private let monitors: [String]
    private let client: HTTPClient
    private let timeout: TimeAmount
    private let logger: Logger
    /// The last push asked for; the next one waits for it.
    private var tail: Task<Void, Never>?
    private let encoder = QueueBodyEncoder()

    init(monitors: [String], client: HTTPClient, timeout: Double, logger: Logger) {
        self.monitors = monitors.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.client = client
        self.timeout = .milliseconds(Int64(timeout * 1000))
        self.logger = logger
    }

    /// Returns once every monitor has answered this push (or failed to). `current` reads the
    /// queues at the moment of sending.
    func push(current: @escaping @Sendable () -> [OrderBook.Queue], reason: String) async {
        let previous = tail
        let task = Task { [monitors, client, timeout, logger, encoder] in
            await previous?.value
            let queues = current()
            let body = encoder.body(queues)
            await withTaskGroup(of: Void.self) { group in
                for monitor in monitors {
                    group.addTask { await Self.send(body, to: monitor, client: client, timeout: timeout, logger: logger) }
                }
            }
            logger.info("pushed \(queues.count) queues (\(queues.reduce(0) { $0 + $1.customers.count }) orders) to \(monitors.count) monitor(s): \(reason)")
        }
        tail = task
        await task.value
    }

    private static func send(_ body: ByteBuffer, to monitor: String, client: HTTPClient, timeout: TimeAmount,
                             logger: Logger) async {
        var request = HTTPClientRequest(url: monitor + "/administration/set-queue")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: timeout)
            let answer = try await response.body.collect(upTo: 64 * 1024)
            if !(200..<300).contains(response.status.code) {
                logger.warning("set-queue to \(monitor) answered \(response.status.code): \(String(buffer: answer).prefix(200))")
            }
        } catch {
            logger.warning("set-queue to \(monitor) failed: \(error)")
        }
    }
}

/// The set-queue body, each queue's part encoded again only when the queue changed, and
/// written over its old bytes when it kept its length (an event moves a customer to the back:
/// the same ids, the same length): the Orchestrator stand-in must cost less than the monitor it
/// drives (a push of 1M entries is 23 MB, and an event changes one queue).
final class QueueBodyEncoder: Sendable {
    private struct State {
        var queues: [OrderBook.Queue] = []
        /// Where each queue's part starts in `body`, and one past the last part.
        var offsets: [Int] = [1]
        var body = ByteBuffer(string: "[]")
    }

    private let state = Mutex(State())

    func body(_ queues: [OrderBook.Queue]) -> ByteBuffer {
        state.withLock { state in
            var patches: [(place: Int, bytes: [UInt8])] = []
            var whole = queues.count != state.queues.count
            if !whole {
                for (place, queue) in queues.enumerated() {
                    let known = state.queues[place]
                    if known.customers == queue.customers, sameBytes(known.title, queue.title) { continue }
                    let bytes = Self.part(queue)
                    guard bytes.count == state.offsets[place + 1] - state.offsets[place] - (place + 1 < queues.count ? 1 : 0)
                    else { whole = true; break }
                    patches.append((place, bytes))
                }
            }
            if whole {
                var body = ByteBufferAllocator().buffer(capacity: state.body.readableBytes)
                var offsets: [Int] = []
                offsets.reserveCapacity(queues.count + 1)
                body.writeInteger(UInt8(ascii: "["))
                for (place, queue) in queues.enumerated() {
                    offsets.append(body.writerIndex)
                    body.writeBytes(Self.part(queue))
                    if place + 1 < queues.count { body.writeInteger(UInt8(ascii: ",")) }
                }
                offsets.append(body.writerIndex)
                body.writeInteger(UInt8(ascii: "]"))
                state.offsets = offsets
                state.body = body
            } else {
                for patch in patches { state.body.setBytes(patch.bytes, at: state.offsets[patch.place]) }
            }
            state.queues = queues
            return state.body
        }
    }

    /// `{"Title":…,"Customers":[…]}`
    private static func part(_ queue: OrderBook.Queue) -> [UInt8] {
        Array(WireOutput.queues([queue]).dropFirst().dropLast())
    }

    private func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
    }
}
