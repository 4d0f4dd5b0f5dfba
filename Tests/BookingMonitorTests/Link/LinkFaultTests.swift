import BookingConsole
import BookingCore
@testable import BookingServer
import Foundation
import ServiceLifecycle
import Testing

/// Faults a shop meets on the link, against a real stand-in on loopback: an Orchestrator that
/// is down while nothing is delivered, one event it rejects, pushes we refuse.
@Suite("Link faults: an honest link, no stalled outbox, fresh queues", .serialized)
struct LinkFaultTests {
    let tom1 = "Война и мир. Том 1"

    @Test("Orchestrator down with nothing to deliver: unreachable since when and why, in the link API and the header; its return is noticed and the queues asked for")
    func honestLinkWhileIdle() async throws {
        let orchestrator = try OrchestratorStandIn()  // not started: the port refuses
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: { $0.probeInterval = 0.1 }) { running in
            try await eventually("unreachable") { await monitor.snapshotNow().link.reachable == false }
            let snapshot = await monitor.snapshotNow()
            #expect(snapshot.pendingCount == 0, "nothing was delivered: the resync and the probe told")
            #expect(snapshot.link.unreachableCause?.contains("connection refused") == true, "\(snapshot.link)")
            let status = try await TestHTTP.get(running.url + "/administration/link").json() as! [String: Any]
            #expect(status["state"] as? String == "unreachable")
            #expect(status["reachable"] as? Bool == false)
            #expect((status["unreachableCause"] as? String)?.contains("connection refused") == true)
            #expect(status["unreachableSince"] is String)
            let header = renderHeader(snapshot)
            #expect(header.contains("link: unreachable since"), "\(header)")
            #expect(!header.contains("link: ok"))

            try await orchestrator.start()
            try await eventually("reachable again") { await monitor.snapshotNow().link.reachable == true }
            try await eventually("asked for the queues after the outage") { orchestrator.state.withLock { $0.resyncs } >= 1 }
            try await eventually("last resync recorded") { await monitor.snapshotNow().link.lastResyncAt != nil }
            let after = try await TestHTTP.get(running.url + "/administration/link").json() as! [String: Any]
            #expect(after["state"] as? String == "ok")
            #expect((after["lastOutageSeconds"] as? Double).map { $0 > 0 } == true)
            let header2 = renderHeader(await monitor.snapshotNow())
            #expect(header2.contains("link: ok"))
            #expect(header2.contains("resync ") && header2.contains("delivered never"), "\(header2)")
        }
        await orchestrator.stop()
    }

    @Test("an event answered 500 steps aside: later bookings are delivered at once, it is parked after max attempts, the breaker never opens")
    func rejectedEventDoesNotStall() async throws {
        let orchestrator = try OrchestratorStandIn()
        // Customer 7 has no order: the Orchestrator answers its event 500, as the original does.
        for customer: Int32 in [1, 2] { orchestrator.addOrder(customer: customer, title: tom1) }
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: {
            $0.eventBackoff = Backoff(base: 0.05, cap: 0.2)
            $0.breakerOpenFor = 600  // an opened breaker would hold the others for ten minutes
        }) { running in
            try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [7, 1, 2])])
            try await monitor.setAvailability(productId: 1, isAvailable: true)  // → customer 7, rejected
            try await eventually("7's event tried") { orchestrator.attempts.count >= 1 }
            try await monitor.setAvailability(productId: 2, isAvailable: true)  // → customer 1
            try await monitor.setAvailability(productId: 4, isAvailable: true)  // → customer 2
            try await eventually("1 and 2 delivered though 7's event waits before them") {
                Set(orchestrator.events.map(\.customerId)) == [1, 2]
            }
            try await eventually("7's event parked") { await monitor.snapshotNow().parkedCount == 1 }
            let parked = await monitor.snapshotNow().outbox.first { $0.state == .parked }
            #expect(parked?.booking.customerId == 7)
            #expect(parked?.attempts == 10)
            #expect(parked?.lastError?.hasPrefix("HTTP 500") == true)
            let snapshot = await monitor.snapshotNow()
            #expect(snapshot.link.breaker == .closed)
            #expect(!snapshot.activity.contains { $0.text.contains("breaker open") })
            #expect(snapshot.link.reachable == true, "a 500 is an answer: the Orchestrator is there")
        }
    }

    @Test("a push refused for a reason on our side (413) is loud and asked for again, with a growing pause")
    func refusedPushIsLoud() async throws {
        let orchestrator = try OrchestratorStandIn()
        for customer: Int32 in 1...40 { orchestrator.addOrder(customer: customer, title: tom1) }
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, maxBody: 256) { running in
            // The start-up resync's push is refused; a second resync follows about a second later.
            try await eventually("asked again after the refusal") { orchestrator.state.withLock { $0.resyncs } >= 2 }
            let snapshot = await monitor.snapshotNow()
            #expect(snapshot.refusals.counts[.tooLarge, default: 0] >= 1)
            #expect(snapshot.refusals.last?.detail.contains("over --max-body 256 bytes") == true, "\(String(describing: snapshot.refusals.last))")
            #expect(snapshot.activity.contains { $0.text.hasPrefix("push refused:") })
            #expect(renderHeader(snapshot).contains("push refused"))
            let link = try await TestHTTP.get(running.url + "/administration/link").json() as! [String: Any]
            let refused = link["refusedPushes"] as? [String: Int]
            #expect((refused?["too-large"] ?? 0) >= 1)
            #expect(refused?["invalid"] == 0)
            // A direct over-size push: 413 problem+json naming the size and the flag.
            let body = String(repeating: " ", count: 2000) + "[]"
            let reply = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: body)
            #expect(reply.status == 413)
            #expect(reply.header("Content-Type") == "application/problem+json")
            #expect(reply.text.contains("2.0 kB over --max-body 256 bytes"), "\(reply.text)")
            // An accepted push clears the header's notice.
            _ = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: "[]")
            #expect(await monitor.snapshotNow().refusals.outstanding == false)
        }
    }

    @Test("the queues are asked for only once the server listens, so the answering push finds it")
    func resyncWaitsForTheServer() async throws {
        let orchestrator = try OrchestratorStandIn()
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.inMemory)
        let readiness = Readiness()
        let link = OrchestratorLink(monitor: monitor, client: TestHTTP.client,
                                    configuration: LinkConfiguration(orchestrator: orchestrator.url, group: "test"),
                                    readiness: readiness, logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [link], logger: quietLogger))
        let runner = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(500))
        #expect(orchestrator.state.withLock { $0.resyncs } == 0, "not before the server listens")
        readiness.listening(on: 5039)
        try await eventually("asked once listening") { orchestrator.state.withLock { $0.resyncs } == 1 }
        await group.triggerGracefulShutdown()
        _ = try? await runner.value
    }

    @Test("--resync-every asks for the queues at a fixed interval")
    func resyncEvery() async throws {
        let orchestrator = try OrchestratorStandIn()
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, standIn: orchestrator, configure: { $0.resyncEvery = 0.1 }) { running in
            try await eventually("several resyncs") { orchestrator.state.withLock { $0.resyncs } >= 4 }
        }
    }

    @Test("the console shows each undelivered event's last answer in full, wrapped, not cut")
    func outboxOverlay() async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [7])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        let long = "HTTP 500: {\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.6.1\",\"title\":\"No order\","
            + "\"detail\":\"no order for customer 7 and title Война и мир. Том 1\",\"traceId\":\"00-abc-def-01\"} END"
        let sequence = await monitor.snapshotNow().outbox[0].booking.sequence
        try await monitor.recordFailure(sequence: sequence, error: long, park: false)
        let model = ConsoleModel(snapshot: await monitor.snapshotNow())
        var state = ConsoleState(size: Size(width: 80, height: 24))
        _ = state.apply(.toggleOutbox, model: model, now: Date())
        let grid = render(model, state, size: Size(width: 80, height: 24), settings: RenderSettings(), now: Date())
        let screen = grid.lines.joined(separator: "\n")
        #expect(screen.contains("Outbox: 1 undelivered"))
        #expect(screen.contains("customer 7"))
        #expect(screen.contains("no order for customer 7"), "\(screen)")
        #expect(screen.contains("END"), "the whole answer, wrapped onto more lines:\n\(screen)")
    }

    func renderHeader(_ snapshot: MonitorSnapshot) -> String {
        let grid = render(ConsoleModel(snapshot: snapshot), ConsoleState(size: Size(width: 160, height: 30)),
                          size: Size(width: 160, height: 30), settings: RenderSettings(), now: Date())
        return grid.lines.prefix(2).joined(separator: "\n")
    }
}
