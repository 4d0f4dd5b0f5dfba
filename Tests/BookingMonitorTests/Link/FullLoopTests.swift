import BookingCore
import Foundation
import Testing

/// The whole loop against an Orchestrator stand-in that behaves like the original: it moves
/// the booked customer to the back and pushes set-queue to the monitor before answering.
@Suite("Full loop with the Orchestrator stand-in")
struct FullLoopTests {
    let tom1 = "Война и мир. Том 1"

    @Test("several copies of one title made available at once go to different customers, in queue order")
    func severalCopiesAtOnce() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let orchestrator = try OrchestratorStandIn()
        for customer: Int32 in [11, 12, 13, 14] { orchestrator.addOrder(customer: customer, title: tom1) }
        orchestrator.addOrder(customer: 11, title: "Война и мир. Том 2")
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.file(dir.file("m.sqlite")))
        try await RunningMonitor.with(monitor, standIn: orchestrator) { running in
            // The link asks for a resync at start-up, possibly before the stand-in knew our URL.
            try await eventually("resync requested") { orchestrator.state.withLock { $0.resyncs } >= 1 }
            try await orchestrator.push()
            try await eventually("queues pushed") { await monitor.queues().queues.count == 2 }
            // Three copies at once: the checker is paused, they are flipped, then it resumes.
            await monitor.setPaused(true)
            for id in [4, 1, 2] {
                let reply = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/\(id)?isAvailable=true")
                #expect(reply.status == 200)
            }
            await monitor.setPaused(false)
            try await eventually("three events delivered") { orchestrator.events.count == 3 }
            try await eventually("outbox drained") { await monitor.snapshotNow().outbox.isEmpty }
            let events = orchestrator.events
            #expect(events.map(\.customerId) == [11, 12, 13])
            #expect(events.map(\.productId) == [1, 2, 4])
            #expect(Set(events.map(\.key)).count == 3)
            // The stand-in rebuilt the queue: the three served customers moved behind 14.
            try await eventually("rebuilt queue pushed") {
                await monitor.queues().queues.first { $0.title == tom1 }?.customers == [14, 11, 12, 13]
            }
            // Now 14 is at the head: the next copy goes to 14.
            try await monitor.setAvailability(productId: 1, isAvailable: true)
            try await eventually("fourth event") { orchestrator.events.count == 4 }
            #expect(orchestrator.events[3].customerId == 14)
            #expect(orchestrator.state.withLock { $0.duplicates } == 0)
        }
    }

    @Test("a burst of 100 bookings while the stand-in pushes before answering: no deadlock, no stall")
    func burst() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let titles = (0..<10).map { "Том \($0)" }
        var catalog: [Product] = []
        for (t, title) in titles.enumerated() {
            for copy in 0..<10 { catalog.append(Product(id: Int32(t * 10 + copy + 1), title: title, description: "", isAvailable: false)) }
        }
        let orchestrator = try OrchestratorStandIn()
        for title in titles { for customer: Int32 in 1...12 { orchestrator.addOrder(customer: customer, title: title) } }
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.file(dir.file("m.sqlite")), catalog: catalog)
        // A generous attempt timeout: on a machine busy with the rest of the suite, an answer
        // slower than the default would be resent (same key, counted as a duplicate below).
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: { $0.attemptTimeout = 20 }) { running in
            try await orchestrator.push()
            try await eventually("queues pushed") { await monitor.queues().queues.count == 10 }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for product in catalog {
                    group.addTask {
                        _ = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/\(product.id)?isAvailable=true")
                    }
                }
                try await group.waitForAll()
            }
            try await eventually("all 100 delivered", within: 60) { orchestrator.events.count == 100 }
            try await eventually("outbox drained") { await monitor.snapshotNow().outbox.isEmpty }
            let events = orchestrator.events
            #expect(Set(events.compactMap(\.productId)).count == 100, "no product booked twice")
            for title in titles {
                let customers = events.filter { $0.title == title }.map(\.customerId)
                #expect(customers.count == 10)
                #expect(Set(customers).count == 10, "\(title): a customer got two copies: \(customers)")
            }
            #expect(orchestrator.state.withLock { $0.duplicates } == 0)
        }
    }
}
