import BookingCore
import Foundation
import Testing

/// The real binary, SIGKILLed in the middle of a booking storm: every booking in the store has
/// its history entry and every booking entry its booking (both or neither), and every
/// delivered event its `delivered` entry. Then a restart: Activity starts from the history.
@Suite("History across SIGKILL and restart (the real binary)", .serialized)
struct HistoryDurabilityTests {
    static let titles = ["Война и мир. Том 1", "Мастер и Маргарита", "Анна Каренина"]

    @Test("SIGKILL mid-storm: a booking and its history entry are both there or neither; a restart keeps Activity",
          arguments: StoreKind.allCases)
    func killMidStorm(_ kind: StoreKind) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let database = place.path ?? place.url!.connectionString
        let catalog = dir.file("catalog.json")
        try writeCatalog(Self.titles.enumerated().flatMap { index, title in
            (1...12).map { (id: index * 100 + $0, title: title) }
        }, to: catalog)
        let ids = Self.titles.indices.flatMap { index in (1...12).map { index * 100 + $0 } }

        let orchestrator = try OrchestratorStandIn()
        for title in Self.titles { for customer: Int32 in 1...15 { orchestrator.addOrder(customer: customer, title: title) } }
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let port = try OrchestratorStandIn.freePort()
        let monitorURL = "http://127.0.0.1:\(port)"
        orchestrator.setMonitor(monitorURL)
        var arguments = ["--headless", "--port", "\(port)", "--db", database, "--catalog", catalog,
                         "--orchestrator", orchestrator.url, "--attempt-timeout", "2"]
        if kind == .postgres { arguments += ["--name", "a", "--group", "test"] }
        orchestrator.setFault(.slow(0.005))

        let first = try ChildProcess(arguments, logTo: dir.file("first.log"))
        try await eventually("ready") { (try? await TestHTTP.get(monitorURL + "/health/ready"))?.status == 200 }
        try await eventually("queues pushed at start-up") {
            ((try? await TestHTTP.get(monitorURL + "/administration/get-queues-list").json() as? [Any])?.count) == Self.titles.count
        }
        let shuffled = ids.shuffled()
        let storm = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for id in shuffled.enumerated().filter({ $0.offset % 4 == worker }).map(\.element) {
                            _ = try? await TestHTTP.request(.PUT, monitorURL + "/administration/switch-state/\(id)?isAvailable=true")
                        }
                    }
                }
                group.addTask { for _ in 0..<10 { try? await orchestrator.push() } }
            }
        }
        try await eventually("a first booking") { orchestrator.events.count >= 1 }
        try await Task.sleep(for: .seconds(Double.random(in: 0..<0.3)))
        first.kill9()
        storm.cancel()
        _ = await storm.value

        let bookings = Set(try await place.rows("SELECT id FROM booking").compactMap { $0[0] })
        let booked = try await place.rows("SELECT booking_id FROM history WHERE kind = 'booking'").compactMap { $0[0] }
        #expect(!bookings.isEmpty)
        #expect(Set(booked) == bookings, "each booking has its entry and each entry its booking")
        #expect(booked.count == bookings.count, "one entry per booking")
        let delivered = Set(try await place.rows("""
            SELECT b.id FROM outbox o JOIN booking b ON b.sequence = o.booking_sequence WHERE o.state = 'delivered'
            """).compactMap { $0[0] })
        let deliveredEntries = try await place.rows("SELECT booking_id FROM history WHERE kind = 'delivered'").compactMap { $0[0] }
        #expect(Set(deliveredEntries) == delivered && deliveredEntries.count == delivered.count)
        let flips = try await place.rows("SELECT CAST(count(*) AS TEXT) FROM history WHERE kind = 'product'")
        let products = try await place.rows("SELECT CAST(count(*) AS TEXT) FROM product WHERE is_available OR booked_by IS NOT NULL")
        #expect(flips.first?.first == products.first?.first, "one flip entry per product that was made available")
        let newest = try #require(try await place.rows("""
            SELECT CAST(product_id AS TEXT), CAST(customer_id AS TEXT) FROM history WHERE kind = 'booking' ORDER BY sequence DESC LIMIT 1
            """).first)

        // The restart: Activity comes back from the history.
        orchestrator.setFault(.none)
        let second = try ChildProcess(arguments, logTo: dir.file("second.log"))
        defer { _ = second.terminate() }
        try await eventually("restarted") { (try? await TestHTTP.get(monitorURL + "/health/ready"))?.status == 200 }
        let line = "product \(newest[0] ?? "") → customer \(newest[1] ?? "")"
        let reply = try await TestHTTP.get(monitorURL + "/administration/history?kind=booking&product=\(newest[0] ?? "")")
        let history = try #require(try reply.json() as? [[String: Any]], "\(reply.status) \(reply.text)")
        #expect(history.contains { ($0["summary"] as? String)?.hasPrefix(line) == true })
        // --once reads the store alone: its Activity pane starts from the history, and holds the
        // last booking made before the kill (fewer than 500 entries were written in all).
        #expect(second.terminate() == 0)
        var once = ["--once", "--size", "160x400", "--db", database]  // tall: the restarted instance's deliveries and pushes come after it
        if kind == .postgres { once += ["--name", "a", "--group", "test"] }
        let result = try ConsoleOnceTests().run(once)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains(line), "Activity after the restart shows the last booking before the kill:\n\(result.output)")
    }
}
