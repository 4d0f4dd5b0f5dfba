import Foundation
import Testing

/// The real binary, killed with SIGKILL while events are undelivered, restarted on the same
/// database: every event reaches the Orchestrator exactly once (by idempotency key) and the
/// products keep their states.
@Suite("Durability of the real binary", .serialized)
struct DurabilityTests {
    @Test("SIGKILL with undelivered events, restart: each event delivered once, product states intact")
    func killAndRestart() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = dir.file("m.sqlite")
        let orchestrator = try OrchestratorStandIn()
        let titles = ["Война и мир. Том 1", "Мастер и Маргарита", "Анна Каренина"]
        for title in titles { for customer: Int32 in 1...3 { orchestrator.addOrder(customer: customer, title: title) } }
        let port = try OrchestratorStandIn.freePort()
        let monitorURL = "http://127.0.0.1:\(port)"
        orchestrator.setMonitor(monitorURL)
        let arguments = ["--headless", "--port", "\(port)", "--db", db, "--orchestrator", orchestrator.url,
                         "--attempt-timeout", "10"]

        // First run: the Orchestrator is down, so every booking waits in the outbox.
        let first = try ChildProcess(arguments, logTo: dir.file("first.log"))
        try await eventually("first run ready") { (try? await TestHTTP.get(monitorURL + "/health/ready"))?.status == 200 }
        _ = try await TestHTTP.request(.POST, monitorURL + "/administration/set-queue", body: orchestrator.queueBody())
        let products = try await TestHTTP.get(monitorURL + "/administration/get-products").json() as! [[String: Any]]
        let ids = products.filter { titles.contains($0["title"] as! String) }.map { $0["id"] as! Int }
        for id in ids {
            #expect(try await TestHTTP.request(.PUT, monitorURL + "/administration/switch-state/\(id)?isAvailable=true").status == 200)
        }
        let before = try await TestHTTP.get(monitorURL + "/administration/get-products").text
        let pending = try await TestHTTP.get(monitorURL + "/administration/link").json() as! [String: Any]
        #expect(pending["pending"] as? Int == ids.count)
        first.kill9()

        // Second run: the Orchestrator is up; the outbox drains.
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let second = try ChildProcess(arguments, logTo: dir.file("second.log"))
        defer { _ = second.terminate() }
        try await eventually("every event delivered", within: 30) { orchestrator.events.count == ids.count }
        try await eventually("outbox drained") {
            ((try? await TestHTTP.get(monitorURL + "/administration/link").json() as? [String: Any])?["pending"] as? Int) == 0
        }
        let events = orchestrator.events
        #expect(Set(events.map(\.key)).count == ids.count, "each idempotency key once")
        #expect(Set(events.compactMap(\.productId)) == Set(ids.map(Int32.init)))
        #expect(orchestrator.state.withLock { $0.duplicates } == 0)
        // After the restart the same products are booked (unavailable) as before the kill.
        let after = try await TestHTTP.get(monitorURL + "/administration/get-products").text
        #expect(after == before)
    }

    @Test("SIGKILL in the middle of a delivery storm: nothing lost, repeats dropped by key")
    func killDuringDelivery() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = dir.file("m.sqlite")
        let catalog = dir.file("catalog.json")
        try writeCatalog((1...60).map { (id: $0, title: "Книга \($0 % 6)") }, to: catalog)
        let orchestrator = try OrchestratorStandIn()
        for title in 0..<6 { for customer: Int32 in 1...12 { orchestrator.addOrder(customer: customer, title: "Книга \(title)") } }
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let port = try OrchestratorStandIn.freePort()
        let monitorURL = "http://127.0.0.1:\(port)"
        orchestrator.setMonitor(monitorURL)
        let arguments = ["--headless", "--port", "\(port)", "--db", db, "--catalog", catalog,
                         "--orchestrator", orchestrator.url]
        orchestrator.setFault(.slow(0.02))
        let first = try ChildProcess(arguments, logTo: dir.file("first.log"))
        try await eventually("first run ready") { (try? await TestHTTP.get(monitorURL + "/health/ready"))?.status == 200 }
        try await eventually("queues pushed at start-up") {
            ((try? await TestHTTP.get(monitorURL + "/administration/get-queues-list").json() as? [Any])?.count) == 6
        }
        for id in 1...60 {
            _ = try await TestHTTP.request(.PUT, monitorURL + "/administration/switch-state/\(id)?isAvailable=true")
        }
        try await eventually("some delivered") { orchestrator.events.count >= 5 }
        first.kill9()
        let deliveredBeforeKill = orchestrator.events.count
        #expect(deliveredBeforeKill < 60, "the kill came mid-storm")
        orchestrator.setFault(.none)
        let second = try ChildProcess(arguments, logTo: dir.file("second.log"))
        defer { _ = second.terminate() }
        try await eventually("all 60 delivered", within: 60) { orchestrator.events.count == 60 }
        try await eventually("outbox drained") {
            ((try? await TestHTTP.get(monitorURL + "/administration/link").json() as? [String: Any])?["pending"] as? Int) == 0
        }
        #expect(Set(orchestrator.events.map(\.key)).count == 60)
        #expect(Set(orchestrator.events.compactMap(\.productId)).count == 60, "no product booked twice")
    }
}
