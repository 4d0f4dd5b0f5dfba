import BookingCore
import Foundation
import Testing

/// The whole loop with titles only their bytes tell apart: the stand-in groups orders by
/// ordinal comparison, as the Orchestrator does, and must find the order each event names.
@Suite("Titles compare byte for byte: the loop with the Orchestrator stand-in")
struct TitleBytesLoopTests {
    @Test("«Йод» in NFC and in NFD: two queues pushed, each booked with its own product, each event naming its queue's bytes")
    func eventsCarryTheQueuesBytes() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let orchestrator = try OrchestratorStandIn()
        orchestrator.addOrder(customer: 1, title: Titles.nfc)
        orchestrator.addOrder(customer: 2, title: Titles.nfd)
        orchestrator.addOrder(customer: 3, title: Titles.idiotSpace)
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let catalog = [
            Product(id: 1, title: Titles.nfc, description: "", isAvailable: false),
            Product(id: 2, title: Titles.nfd, description: "", isAvailable: false),
            Product(id: 3, title: Titles.idiot, description: "", isAvailable: false),
        ]
        let monitor = try await makeMonitor(.file(dir.file("m.sqlite")), catalog: catalog)
        try await RunningMonitor.with(monitor, standIn: orchestrator) { running in
            try await eventually("resync requested") { orchestrator.state.withLock { $0.resyncs } >= 1 }
            try await orchestrator.push()
            try await eventually("three queues pushed") { await monitor.queues().queues.count == 3 }
            for id in [2, 1, 3] {
                let reply = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/\(id)?isAvailable=true")
                #expect(reply.status == 200)
            }
            try await eventually("two events delivered") { orchestrator.events.count == 2 }
            try await eventually("outbox drained") { await monitor.snapshotNow().outbox.isEmpty }
            let events = orchestrator.events.sorted { $0.customerId < $1.customerId }
            #expect(events.map { "\($0.customerId) \(Titles.bytes($0.title)) \($0.productId ?? 0)" }
                    == ["1 \(Titles.bytes(Titles.nfc)) 1", "2 \(Titles.bytes(Titles.nfd)) 2"])
            // The bytes on the wire, before any decoder: the title exactly as the queue's.
            let bodies = orchestrator.state.withLock { $0.eventBodies }
            for title in [Titles.nfc, Titles.nfd] {
                let needle = Titles.bytes(#""Title":"\#(title)""#)
                #expect(bodies.filter { Self.contains(Array($0), needle) }.count == 1, "\(Titles.bytes(title))")
            }
            #expect(await monitor.product(id: 3)?.status == .available, "«Идиот» is queued only as «Идиот »")
            #expect(orchestrator.state.withLock { $0.duplicates } == 0)
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
