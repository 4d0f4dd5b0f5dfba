import AsyncHTTPClient
import BookingServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The Orchestrator as the original behaves, on a loopback port, with faults on demand.
/// On `order-event` it records the event, moves the customer to the back of the title's
/// queue (priority += 1), pushes the full queue list (PascalCase) to the monitor and only
/// then answers — the order that deadlocks a monitor holding a lock across the event.
final class OrchestratorStandIn: Sendable {
    enum Fault: Sendable, Equatable {
        case none
        /// Answer every order-event with this status (no state change).
        case status(Int)
        /// Sleep before handling, to trip the monitor's attempt timeout.
        case slow(Double)
    }

    struct Order: Sendable, Equatable {
        var customerId: Int32
        var title: String
        var priority: Int
        var sequence: Int
    }

    struct ReceivedEvent: Sendable, Equatable {
        var key: String
        var customerId: Int32
        var title: String
        var productId: Int32?
    }

    struct State {
        var orders: [Order] = []
        var fault: Fault = .none
        /// Every order-event request, faults included, in arrival order.
        var attempts: [String] = []
        /// Events applied, once per idempotency key.
        var events: [ReceivedEvent] = []
        /// The bodies of the events applied, as received (to compare bytes a decoder might blur).
        var eventBodies: [Data] = []
        var duplicates = 0
        var resyncs = 0
        /// Pushes that did not reach the monitor (refused connection, an error answer).
        var failedPushes = 0
        var monitors: [String] = []
        /// A monitor pushed to once it listens, asked at each push (`setMonitor(listeningAt:)`).
        var listening: Readiness?
        /// A plain sink: every event is accepted (once per key) without orders or pushes.
        var acceptAll = false
    }

    let state = Mutex(State())
    let port: Int
    private let serviceGroup: Mutex<ServiceGroup?> = Mutex(nil)
    private let runner: Mutex<Task<Void, Never>?> = Mutex(nil)

    /// Picks a free loopback port; call `start()` to listen on it.
    /// The address it listens on: loopback, or 0.0.0.0 for instances in a network namespace
    /// (they reach it at their namespace's host address).
    let host: String

    init(monitor: String? = nil, host: String = "127.0.0.1") throws {
        port = try Self.freePort()
        self.host = host
        state.withLock { $0.monitors = monitor.map { [$0] } ?? [] }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func setMonitor(_ url: String) { state.withLock { $0.monitors = [url] } }
    /// Pushes to the monitor whose server `readiness` reports, asked at each push: its start-up
    /// resync comes the moment it listens, before a test could hand its URL over (that race left
    /// the first push with nobody to go to).
    func setMonitor(listeningAt readiness: Readiness) { state.withLock { $0.listening = readiness } }
    func setFault(_ fault: Fault) { state.withLock { $0.fault = fault } }
    func addOrder(customer: Int32, title: String) {
        state.withLock { $0.orders.append(Order(customerId: customer, title: title, priority: 0, sequence: $0.orders.count)) }
    }

    var events: [ReceivedEvent] { state.withLock { $0.events } }
    var attempts: [String] { state.withLock { $0.attempts } }

    /// Queues as the Orchestrator builds them: orders grouped by title (ordinal, byte for
    /// byte, as .NET compares strings), lowest priority first.
    func queueBody() -> String {
        let orders = state.withLock { $0.orders }
        var titles: [String] = []
        var byTitle: [[UInt8]: [Order]] = [:]
        for order in orders {
            if byTitle[Array(order.title.utf8)] == nil { titles.append(order.title) }
            byTitle[Array(order.title.utf8), default: []].append(order)
        }
        let queues = titles.map { title in
            let customers = byTitle[Array(title.utf8)]!.sorted { ($0.priority, $0.sequence) < ($1.priority, $1.sequence) }
                .map { ["CustomerId": Int($0.customerId)] }
            return ["Title": title, "Customers": customers] as [String: Any]
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: queues), as: UTF8.self)
    }

    func push() async throws {
        let body = queueBody()
        let monitors = state.withLock { state in
            state.monitors + (state.listening?.boundPort.map { ["http://127.0.0.1:\($0)"] } ?? [])
        }
        for monitor in monitors {
            let reply = try await TestHTTP.request(.POST, monitor + "/administration/set-queue", body: body)
            if reply.status >= 300 { state.withLock { $0.failedPushes += 1 } }
        }
    }

    func start() async throws {
        let router = Router()
        router.post("/orchestrator/order-event") { request, _ -> Response in
            let key = request.headers[.init("Idempotency-Key")!] ?? ""
            let fault = self.state.withLock { state in state.attempts.append(key); return state.fault }
            switch fault {
            case .none: break
            case .status(let code): return Response(status: .init(code: code))
            case .slow(let seconds): try await Task.sleep(for: .seconds(seconds))
            }
            let body = try await request.body.collect(upTo: 1 << 20)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
            let lower = Dictionary(json.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let customer = (lower["customerid"] as? NSNumber)?.int32Value, let title = lower["title"] as? String else {
                return Response(status: .badRequest)
            }
            let outcome = self.state.withLock { state -> HTTPResponse.Status in
                if state.events.contains(where: { $0.key == key }) {
                    state.duplicates += 1
                    return .ok
                }
                if state.acceptAll {
                    state.events.append(ReceivedEvent(key: key, customerId: customer, title: title,
                                                      productId: (lower["productid"] as? NSNumber)?.int32Value))
                    return .ok
                }
                let matches = state.orders.indices.filter { state.orders[$0].customerId == customer && state.orders[$0].title.utf8.elementsEqual(title.utf8) }
                guard matches.count == 1 else { return .internalServerError }
                state.orders[matches[0]].priority += 1
                state.eventBodies.append(Data(buffer: body))
                state.events.append(ReceivedEvent(key: key, customerId: customer, title: title,
                                                  productId: (lower["productid"] as? NSNumber)?.int32Value))
                return .created
            }
            if outcome == .created {
                try await self.push()
                return Response(status: .ok)
            }
            return Response(status: outcome)
        }
        router.get("/orchestrator/request-to-monitoring") { _, _ -> Response in
            self.state.withLock { $0.resyncs += 1 }
            // As the original: a push the monitor refuses (not listening yet) is only logged,
            // and the request is answered 200 all the same. The monitor cannot tell.
            do { try await self.push() } catch { self.state.withLock { $0.failedPushes += 1 } }
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port)),
                              logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: quietLogger))
        serviceGroup.withLock { $0 = group }
        runner.withLock { $0 = Task { try? await group.run() } }
        // Wait until the port accepts connections.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? await TestHTTP.request(.GET, url + "/ping")) != nil { return }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops listening: connections are refused until `start()` again.
    func stop() async {
        let group = serviceGroup.withLock { $0 }
        await group?.triggerGracefulShutdown()
        let task = runner.withLock { $0 }
        await task?.value
        serviceGroup.withLock { $0 = nil }
    }

    /// A loopback port nobody listens on now, and never handed out before in this test run:
    /// the kernel may give a just-closed port again, and two tests starting processes at the
    /// same moment then collided on it (a monitor that cannot bind never comes up).
    static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = try anyFreePort()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    private static let handedOut = Mutex<Set<Int>>([])

    private static func anyFreePort() throws -> Int {
        guard let port = FreePort.loopback() else { throw POSIXError(.EADDRINUSE) }
        return port
    }
}
