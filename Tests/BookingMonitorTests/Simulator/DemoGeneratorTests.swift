import BookingCore
import Foundation
import OrchestratorSimulator
import ServiceLifecycle
import Testing

/// The demo's generators against a real monitor and the in-process simulator.
@Suite("Demo generators", .serialized)
struct DemoGeneratorTests {
    @Test("off: nothing is generated; toggled on: orders reach the simulator, stock reaches the monitor, bookings happen")
    func toggle() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let monitor = try await makeMonitor(.file(dir.file("m.sqlite")))
        let simulatorPort = try OrchestratorStandIn.freePort()
        let simulatorURL = "http://127.0.0.1:\(simulatorPort)"
        try await RunningMonitor.with(monitor, orchestrator: simulatorURL) { running in
            let simulator = OrchestratorSimulator(
                configuration: .init(host: "127.0.0.1", port: simulatorPort, monitors: [running.url]),
                logger: quietLogger)
            let generators = DemoGenerators(
                configuration: .init(orchestrator: simulatorURL, monitor: running.url, orderEvery: 0.02, stockEvery: 0.05,
                                     customers: 5),
                running: false, logger: quietLogger)
            let group = ServiceGroup(configuration: .init(services: [simulator] + generators.services, logger: quietLogger))
            let runner = Task { try await group.run() }
            defer { runner.cancel() }
            try await eventually("simulator listening") { simulator.boundPort != nil }
            #expect(!generators.isRunning)
            try await Task.sleep(for: .milliseconds(300))
            #expect(generators.done == DemoGenerators.Counts(), "off means no ticks do anything")
            #expect(generators.toggle())
            try await eventually("orders placed and bookings made", within: 30) {
                await monitor.snapshotNow().totals.bookings > 0 && simulator.orderBook.orders.count >= 3
            }
            #expect(!generators.toggle())
            #expect(generators.done.stock > 0)
            let pairs = simulator.orderBook.orders.map { "\($0.customerId)|\($0.title)" }
            #expect(Set(pairs).count == pairs.count, "no (customer, title) pair ordered twice")
            let catalogTitles = Set(testCatalog.map(\.title))
            #expect(simulator.orderBook.orders.allSatisfy { catalogTitles.contains($0.title) })
            await group.triggerGracefulShutdown()
            _ = try? await runner.value
        }
    }
}
