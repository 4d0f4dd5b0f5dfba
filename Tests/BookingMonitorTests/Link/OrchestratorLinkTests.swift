import BookingCore
import BookingServer
import Foundation
import Testing

/// The link against a real HTTP stand-in on loopback that refuses, fails, stalls or rejects.
/// Time-based parts (backoff, open period) run on a `ManualClock`.
@Suite("Orchestrator link", .serialized)
struct OrchestratorLinkTests {
    let tom1 = "Война и мир. Том 1"
    let tom2 = "Война и мир. Том 2"

    /// Books `count` products (Том 1 copies 1, 2, 4, then Том 2's 3) for customers 1…count.
    func book(_ monitor: Monitor, count: Int) async throws {
        let ids: [Int32] = [1, 2, 4, 3]
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1, 2, 3]),
                                         CustomerQueue(title: tom2, customers: [4])])
        for id in ids.prefix(count) { try await monitor.setAvailability(productId: id, isAvailable: true) }
    }

    func orders(_ orchestrator: OrchestratorStandIn) {
        for customer: Int32 in 1...3 { orchestrator.addOrder(customer: customer, title: tom1) }
        orchestrator.addOrder(customer: 4, title: tom2)
    }

    @Test("Orchestrator failing: bookings go on, breaker opens after 5, no attempts while open, one trial, then every event once in order")
    func breakerAndRecovery() async throws {
        let orchestrator = try OrchestratorStandIn()
        orders(orchestrator)
        orchestrator.setFault(.status(503))
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let clock = ManualClock()
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, clock: clock, random: { 0 }) { running in
            try await book(monitor, count: 3)
            try await eventually("breaker open") {
                if case .open = await monitor.snapshotNow().link.breaker { return true }
                return false
            }
            #expect(orchestrator.attempts.count == 5)
            #expect(Set(orchestrator.attempts).count == 1, "the head event only: a later one never overtakes")
            // While open: bookings go on, nothing is sent.
            try await monitor.setAvailability(productId: 3, isAvailable: true)
            #expect(await monitor.snapshotNow().pendingCount == 4)
            try await Task.sleep(for: .milliseconds(300))
            #expect(orchestrator.attempts.count == 5)
            // The open period ends: exactly one trial; it fails, the breaker opens again.
            clock.advance(by: 30)
            try await eventually("one trial") { orchestrator.attempts.count == 6 }
            try await eventually("open again") {
                if case .open = await monitor.snapshotNow().link.breaker, clock.sleeping > 0 { return true }
                return false
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(orchestrator.attempts.count == 6)
            // Recovery: the next trial succeeds and the outbox drains in booking order.
            let resyncsBefore = orchestrator.state.withLock { $0.resyncs }
            orchestrator.setFault(.none)
            clock.advance(by: 30)
            try await eventually("all delivered") { orchestrator.events.count == 4 }
            #expect(orchestrator.events.map(\.customerId) == [1, 2, 3, 4])
            #expect(orchestrator.attempts.count == 6 + 4)
            #expect(orchestrator.state.withLock { $0.duplicates } == 0)
            #expect(await monitor.snapshotNow().link.breaker == .closed)
            try await eventually("resync after recovery") { orchestrator.state.withLock { $0.resyncs } > resyncsBefore }
        }
    }

    @Test("Orchestrator refusing connections: the breaker opens; it recovers when the Orchestrator returns")
    func refused() async throws {
        let orchestrator = try OrchestratorStandIn() // not started: the port refuses
        orders(orchestrator)
        let clock = ManualClock()
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: { $0.attemptTimeout = 0.5 },
                                      clock: clock, random: { 0 }) { running in
            try await book(monitor, count: 2)
            try await eventually("breaker open", within: 30) {
                if case .open = await monitor.snapshotNow().link.breaker { return true }
                return false
            }
            let link = await monitor.snapshotNow().link
            #expect(link.consecutiveFailures == 5)
            #expect(link.lastError?.contains("cannot reach") == true || link.lastError?.contains("timeout") == true)
            let status = try await TestHTTP.get(running.url + "/administration/link").json() as! [String: Any]
            #expect(status["breaker"] as? String == "open")
            #expect(status["pending"] as? Int == 2)
            #expect((status["secondsUntilTrial"] as? Double).map { $0 > 0 } == true)
            try await orchestrator.start()
            clock.advance(by: 30)
            try await eventually("delivered after recovery") { orchestrator.events.count == 2 }
            #expect(orchestrator.events.map(\.customerId) == [1, 2])
            #expect(orchestrator.attempts.count == 2, "one trial, then the next event")
        }
        await orchestrator.stop()
    }

    @Test("slow Orchestrator: the attempt times out and is retried with the same key; applied once")
    func slow() async throws {
        let orchestrator = try OrchestratorStandIn()
        orders(orchestrator)
        orchestrator.setFault(.slow(1.5))
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: { $0.attemptTimeout = 0.3 },
                                      random: { 0 }) { running in
            try await book(monitor, count: 1)
            try await eventually("a timeout recorded") {
                await monitor.snapshotNow().link.lastError?.hasPrefix("timeout") == true
            }
            orchestrator.setFault(.none)
            try await eventually("delivered") { await monitor.snapshotNow().outbox.isEmpty }
            // The slow attempts still reached the stand-in; repeats carry the same key and are dropped.
            try await eventually("slow requests finished") { orchestrator.events.count == 1 }
            try await Task.sleep(for: .milliseconds(1600))
            #expect(orchestrator.events.count == 1)
            #expect(Set(orchestrator.attempts).count == 1)
            #expect(orchestrator.attempts.count >= 2)
        }
    }

    @Test("permanent failures park (a 4xx at once, a 500 after --max-attempts); the retry endpoints resend them")
    func parking() async throws {
        let orchestrator = try OrchestratorStandIn()
        orders(orchestrator)
        orchestrator.setFault(.status(400))
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: { $0.maxAttempts = 3 },
                                      random: { 0 }) { running in
            try await book(monitor, count: 1)
            try await eventually("parked after a 400") { await monitor.snapshotNow().parkedCount == 1 }
            #expect(orchestrator.attempts.count == 1)
            // Customer 99 has no order: the stand-in answers 500, three times, then it parks.
            orchestrator.setFault(.none)
            try await monitor.replaceQueues([CustomerQueue(title: tom2, customers: [99])])
            try await monitor.setAvailability(productId: 3, isAvailable: true)
            try await eventually("parked after 3 × 500") { await monitor.snapshotNow().parkedCount == 2 }
            #expect(orchestrator.attempts.count == 1 + 3)
            let parked = try await TestHTTP.get(running.url + "/administration/outbox?state=parked").json() as! [[String: Any]]
            #expect(parked.map { $0["customerId"] as? Int } == [1, 99])
            #expect(parked.allSatisfy { ($0["lastError"] as? String)?.hasPrefix("HTTP") == true })
            // Resend one by id: customer 1's order exists, so it is delivered.
            let id = parked[0]["bookingId"] as! String
            let one = try await TestHTTP.request(.POST, running.url + "/administration/outbox/\(id)/retry")
            #expect(one.status == 200)
            try await eventually("customer 1 delivered") { orchestrator.events.map(\.customerId) == [1] }
            try await eventually("one still parked") { await monitor.snapshotNow().outbox.count == 1 }
            #expect(await monitor.snapshotNow().parkedCount == 1)
            // Unknown booking id: 404 problem.
            let unknown = try await TestHTTP.request(.POST, running.url + "/administration/outbox/nope/retry")
            #expect(unknown.status == 404)
            // Resend all: customer 99 still has no order, so it parks again after 3 more tries.
            orchestrator.addOrder(customer: 99, title: tom2)
            let all = try await TestHTTP.request(.POST, running.url + "/administration/outbox/retry")
            #expect(try all.json() as? [String: Int] == ["requeued": 1])
            try await eventually("customer 99 delivered") { orchestrator.events.count == 2 }
            try await eventually("outbox drained") { await monitor.snapshotNow().outbox.isEmpty }
        }
    }

    @Test("restart with pending and parked events: pending delivered once with the same keys, parked stay parked")
    func restart() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("m.sqlite")
        let orchestrator = try OrchestratorStandIn()
        orders(orchestrator)
        orchestrator.setFault(.status(404))
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        var parkedKey = ""
        do {
            let monitor = try await makeMonitor(.file(path))
            try await RunningMonitor.with(monitor, standIn: orchestrator, random: { 0 }) { running in
                try await book(monitor, count: 1)
                try await eventually("parked") { await monitor.snapshotNow().parkedCount == 1 }
                parkedKey = await monitor.snapshotNow().outbox[0].booking.id
                orchestrator.setFault(.status(503))
                try await monitor.setAvailability(productId: 2, isAvailable: true)
                try await monitor.setAvailability(productId: 3, isAvailable: true)
                try await eventually("tried") { orchestrator.attempts.count >= 3 }
            }
        }
        let keysBefore = Set(orchestrator.attempts).subtracting([parkedKey])
        #expect(keysBefore.count >= 1)
        orchestrator.setFault(.none)
        let monitor = try Monitor(store: SQLiteStore(.file(path)), group: "test", orchestrator: orchestrator.url, logger: quietLogger)
        #expect(await monitor.snapshotNow().pendingCount == 2)
        try await RunningMonitor.with(monitor, standIn: orchestrator, random: { 0 }) { running in
            try await eventually("pending delivered") { orchestrator.events.count == 2 }
            #expect(orchestrator.events.map(\.customerId) == [2, 4])
            #expect(keysBefore.isSubset(of: Set(orchestrator.events.map(\.key))), "same idempotency keys after restart")
            #expect(await monitor.snapshotNow().parkedCount == 1)
            #expect(orchestrator.attempts.filter { $0 == parkedKey }.count == 1, "parked is not retried")
        }
    }

    @Test("resync is requested at start-up, and retried until the Orchestrator answers")
    func resyncAtStartup() async throws {
        let orchestrator = try OrchestratorStandIn() // down at first
        orders(orchestrator)
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: { $0.attemptTimeout = 0.3 }) { running in
            try await Task.sleep(for: .milliseconds(400))
            try await orchestrator.start()
            try await eventually("resync reached the Orchestrator") { orchestrator.state.withLock { $0.resyncs } >= 1 }
            try await eventually("queues pushed by the resync") { await monitor.queues().queues.count == 2 }
        }
        await orchestrator.stop()
    }
}
