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

    private static func send(_ body: Data, to monitor: String, client: HTTPClient, timeout: TimeAmount,
                             logger: Logger) async {
        var request = HTTPClientRequest(url: monitor + "/administration/set-queue")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: body))
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

/// The set-queue body, each queue's part encoded again only when the queue changed: the
/// Orchestrator stand-in must cost less than the monitor it drives (a push of 1M entries is
/// 23 MB, and an event changes one queue).
final class QueueBodyEncoder: Sendable {
    private let parts = Mutex<[(queue: OrderBook.Queue, bytes: [UInt8])]>([])

    func body(_ queues: [OrderBook.Queue]) -> Data {
        parts.withLock { parts in
            if parts.count > queues.count { parts.removeLast(parts.count - queues.count) }
            for (place, queue) in queues.enumerated() {
                if place < parts.count, parts[place].queue.customers == queue.customers,
                   parts[place].queue.title.utf8.elementsEqual(queue.title.utf8) { continue }
                let part = (queue, Array(WireOutput.queues([queue]).dropFirst().dropLast()))
                if place < parts.count { parts[place] = part } else { parts.append(part) }
            }
            var body = Data(capacity: parts.reduce(2) { $0 + $1.bytes.count + 1 })
            body.append(UInt8(ascii: "["))
            for (place, part) in parts.enumerated() {
                if place > 0 { body.append(UInt8(ascii: ",")) }
                body.append(contentsOf: part.bytes)
            }
            body.append(UInt8(ascii: "]"))
            return body
        }
    }
}
