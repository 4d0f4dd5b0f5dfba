import Foundation
import Hummingbird
import Logging
import OrchestratorSimulator
import ServiceLifecycle
import Synchronization
import Testing

/// A monitor's set-queue endpoint and nothing else, on a loopback port: records every push
/// body as it arrived, and can hold its answers until released.
final class PushReceiver: Sendable {
    struct State {
        var bodies: [String] = []
        var holding = false
        /// Pushes answered, in order, with what the test logged around them (see `mark`).
        var journal: [String] = []
    }

    let state = Mutex(State())
    private let group: Mutex<ServiceGroup?> = Mutex(nil)
    private let runner: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let bound = Mutex<Int?>(nil)

    var url: String { "http://127.0.0.1:\(bound.withLock { $0 } ?? 0)" }
    var bodies: [String] { state.withLock { $0.bodies } }
    var journal: [String] { state.withLock { $0.journal } }
    func hold(_ on: Bool) { state.withLock { $0.holding = on } }
    func mark(_ entry: String) { state.withLock { $0.journal.append(entry) } }

    /// Parsed bodies: `[[title: [customer ids]]]` per push, keeping the wire's order.
    var pushes: [[(title: String, customers: [Int])]] {
        bodies.map { body in
            let array = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? []
            return array.map { queue in
                (queue["Title"] as? String ?? "?", (queue["Customers"] as? [[String: Any]] ?? []).map { $0["CustomerId"] as? Int ?? -1 })
            }
        }
    }

    func start() async throws {
        let router = Router()
        router.post("/administration/set-queue") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.state.withLock { $0.bodies.append(String(buffer: body)) }
            while self.state.withLock({ $0.holding }) { try await Task.sleep(for: .milliseconds(5)) }
            self.mark("push answered")
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in self.bound.withLock { $0 = channel.localAddress?.port } },
                              logger: quietLogger)
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: quietLogger))
        group.withLock { $0 = serviceGroup }
        runner.withLock { $0 = Task { try? await serviceGroup.run() } }
        try await eventually("receiver listening") { bound.withLock { $0 } != nil }
    }

    func stop() async {
        hold(false)
        await group.withLock { $0 }?.triggerGracefulShutdown()
        await runner.withLock { $0 }?.value
    }
}

/// An in-process simulator on a free loopback port, pushing to `monitors`, stopped after `body`.
enum RunningSimulator {
    static func with<T>(monitors: [String], _ body: (OrchestratorSimulator, String) async throws -> T) async throws -> T {
        let simulator = OrchestratorSimulator(configuration: .init(host: "127.0.0.1", port: 0, monitors: monitors, pushTimeout: 10),
                                              logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [simulator], logger: quietLogger))
        let runner = Task { try await group.run() }
        defer { runner.cancel() }
        try await eventually("simulator listening") { simulator.boundPort != nil }
        let url = "http://127.0.0.1:\(simulator.boundPort!)"
        do {
            let result = try await body(simulator, url)
            await group.triggerGracefulShutdown()
            _ = try? await runner.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await runner.value
            throw error
        }
    }
}

/// `POST add-new-order` with a raw body.
@discardableResult
func addOrder(_ simulator: String, _ body: String) async throws -> TestHTTP.Reply {
    try await TestHTTP.request(.POST, simulator + "/orchestrator/add-new-order", body: body)
}

/// `POST order-event` with an optional idempotency key.
func orderEvent(_ simulator: String, customer: Int, title: String, key: String? = nil) async throws -> TestHTTP.Reply {
    try await TestHTTP.request(.POST, simulator + "/orchestrator/order-event",
                               body: #"{"CustomerId":\#(customer),"Title":"\#(title)"}"#,
                               headers: key.map { [("Idempotency-Key", $0)] } ?? [])
}

/// `GET get-all-orders` as (customer, title, priority).
func allOrders(_ simulator: String) async throws -> [(customer: Int, title: String, priority: Int)] {
    let list = try await TestHTTP.get(simulator + "/orchestrator/get-all-orders").json() as? [[String: Any]] ?? []
    return list.map { ($0["CustomerId"] as? Int ?? -1, $0["Title"] as? String ?? "?", $0["Priority"] as? Int ?? -1) }
}
