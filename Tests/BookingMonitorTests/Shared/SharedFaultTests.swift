import BookingCore
@testable import BookingPostgres
import Foundation
import Testing

/// A shared store under the faults production brings more often than a clean kill: an
/// instance that stops without dying (mid-write, or while it holds the sender role) and a
/// PostgreSQL outage. No instance may stall the group.
@Suite("Shared store: freeze and outage", .serialized)
struct SharedFaultTests {
    let tom1 = "Война и мир. Том 1"

    @Test("another instance frozen inside a write: writes here answer 503 naming the cause within the lock timeout, reads answer, ready says 503; the server ends the frozen transaction and writes work again")
    func frozenMidWrite() async throws {
        let place = try await StorePlace.make(.postgres)
        let monitor = try await place.monitor(catalog: testCatalog)
        // a2, stopped in the middle of a write. An ordinary write holds no lock while it plans
        // (its writes go in one statement at the end), so a2 frozen there stalls nobody; a2
        // frozen inside the locked write (taken after repeated conflicts) idles in a transaction
        // holding the group's lock, exactly as a SIGSTOPped instance's session does.
        let frozen = try PostgresStore(url: place.url!, group: "test", instance: "a2", logger: quietLogger)
        defer { frozen.close() }
        let optimisticInside = DispatchSemaphore(value: 0), optimisticRelease = DispatchSemaphore(value: 0)
        let frozenOnce = Thread {
            var first = true
            _ = try? frozen.write(catchUp: { _ in }) { tx in
                try tx.update(Product(id: 5, title: "三体", description: "", isAvailable: true),
                              was: Product(id: 5, title: "三体", description: "", isAvailable: false), source: "api", at: Date())
                if first {
                    first = false
                    optimisticInside.signal()
                    _ = optimisticRelease.wait(timeout: .now() + 30)
                }
            }
            optimisticInside.signal()
        }
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let holder = Thread {
            // Its COMMIT, after the release, finds the session ended by the server.
            _ = try? frozen.writeUnderLock(catchUp: { _ in }) { _ in
                inside.signal()
                _ = release.wait(timeout: .now() + 30)
            }
        }
        defer { release.signal(); optimisticRelease.signal() }
        // Without the sweep, as before the one wiring: with it, ready was not seen to say 503
        // within 5 s (the sweep's probe and prune wait on the frozen lock); not understood yet.
        try await RunningMonitor.with(monitor, sweepInterval: nil) { running in
            frozenOnce.start()
            #expect(optimisticInside.wait(timeout: .now() + 10) == .success)
            let unlocked = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/3?isAvailable=true")
            #expect(unlocked.status == 200, "a write beside a2 frozen while it plans: \(unlocked.status) \(unlocked.text)")
            optimisticRelease.signal()
            #expect(optimisticInside.wait(timeout: .now() + 10) == .success, "a2's write ends once woken")
            #expect(try await place.rows("SELECT CAST(is_available AS TEXT) FROM product WHERE id IN (3, 5) ORDER BY id")
                        .map { $0[0] } == ["true", "true"], "both writes committed, a2's after its conflict")

            // Dashboards have read before the freeze: their reads have an answer to fall back on.
            #expect(try await TestHTTP.get(running.url + "/administration/get-products").status == 200)
            #expect(try await TestHTTP.get(running.url + "/administration/link").status == 200)
            holder.start()
            #expect(inside.wait(timeout: .now() + 10) == .success)
            let frozenAt = Date()

            // A write waits for the lock no longer than the lock timeout, then says why.
            let write = Task { try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/1?isAvailable=true") }
            try await Task.sleep(for: .milliseconds(500))
            // Meanwhile reads answer (from the last answer), they do not queue behind the write.
            let readStart = Date()
            let products = try await TestHTTP.get(running.url + "/administration/get-products")
            let link = try await TestHTTP.get(running.url + "/administration/link")
            let readTook = Date().timeIntervalSince(readStart)
            #expect(products.status == 200 && link.status == 200)
            #expect(products.header("Age") != nil, "served from the last answer")
            #expect(readTook < 2.5, "reads took \(readTook) s while a write waited on the lock")
            let refused = try await write.value
            let writeTook = Date().timeIntervalSince(frozenAt)
            #expect(refused.status == 503, "\(refused.status): \(refused.text)")
            #expect(refused.header("Content-Type") == "application/problem+json")
            #expect(refused.text.contains("another instance holds the group's lock"), "\(refused.text)")
            #expect(writeTook < 8, "the write was answered after \(writeTook) s")
            #expect(await monitor.product(id: 1)?.isAvailable == false, "nothing changed")
            try await eventually("ready says 503 while the store takes no writes", within: 5) {
                (try? await TestHTTP.get(running.url + "/health/ready"))?.status == 503
            }

            // The server ends the frozen session (idle in transaction); the lock is free.
            try await eventually("writes work again", within: 20) {
                (try? await TestHTTP.request(.PUT, running.url + "/administration/switch-state/2?isAvailable=true"))?.status == 200
            }
            let recovered = Date().timeIntervalSince(frozenAt)
            try await eventually("ready again") { (try? await TestHTTP.get(running.url + "/health/ready"))?.status == 200 }
            let status = try await TestHTTP.get(running.url + "/administration/link").json() as! [String: Any]
            #expect((status["lastStoreOutageSeconds"] as? Double).map { $0 > 0 } == true)
            print("frozenMidWrite: write refused after \(String(format: "%.2f", writeTook)) s, reads \(String(format: "%.3f", readTook)) s, writes again after \(String(format: "%.2f", recovered)) s")
        }
        release.signal()
    }

    @Test("a push answered 503 during a PostgreSQL outage is asked for again once it is back")
    func pushRefusedDuringOutage() async throws {
        let port = try OrchestratorStandIn.freePort()
        let script = Self.script
        #expect(system("bash '\(script)' start \(port) >/dev/null 2>&1") == 0)
        defer { _ = system("bash '\(script)' stop \(port) >/dev/null 2>&1") }
        let server = "postgres://postgres@127.0.0.1:\(port)"
        try await TestPostgres.execute(server + "/postgres", "CREATE DATABASE outage")
        let url = try #require(try PostgresURL(server + "/outage"))
        let store = try PostgresStore(url: url, group: "test", instance: "a", logger: quietLogger)
        defer { store.close() }
        let monitor = try Monitor(store: store, group: "test", orchestrator: "http://127.0.0.1:1", logger: quietLogger)
        try await monitor.applyCatalog(testCatalog)
        let orchestrator = try OrchestratorStandIn()
        orchestrator.addOrder(customer: 1, title: tom1)
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        try await RunningMonitor.with(monitor, standIn: orchestrator) { running in
            try await eventually("the first queues") { await monitor.queues().queues.first?.customers == [1] }
            #expect(system("bash '\(script)' crash \(port) >/dev/null 2>&1") == 0)
            // The queues change; the Orchestrator's push finds the store down.
            orchestrator.addOrder(customer: 2, title: tom1)
            try await orchestrator.push()
            #expect(orchestrator.state.withLock { $0.failedPushes } >= 1, "the push was refused")
            #expect(await monitor.snapshotNow().refusals.counts[.store, default: 0] >= 1)
            #expect(system("bash '\(script)' revive \(port) >/dev/null 2>&1") == 0)
            // Nobody pushes again by hand: the monitor asks.
            try await eventually("the new queues without another push by hand", within: 30) {
                await monitor.queues().queues.first?.customers == [1, 2]
            }
        }
    }

    @Test("the sender frozen while idle loses the role within its lease; the other instance takes over and delivers in booking order; woken, the old sender sends nothing")
    func frozenSender() async throws {
        let pair = try await SharedProcessTests.Pair.launch(titles: 2, copies: 4, customers: 8)
        let (a, b, sink, db) = (pair.a, pair.b, pair.sink, pair.db)
        defer {
            kill(a.child.pid, SIGCONT)
            pair.stop()
        }
        kill(a.child.pid, SIGSTOP)
        let frozenAt = Date()
        for product in 1...4 {
            #expect(try await TestHTTP.request(.PUT, b.url + "/administration/switch-state/\(product)?isAvailable=true").status == 200)
        }
        try await eventually("b takes the sender role", within: 30) {
            (await SharedProcessTests.link(b))?["standby"] as? Bool == false
        }
        let takeover = Date().timeIntervalSince(frozenAt)
        #expect(takeover < 10, "b took over \(takeover) s after a froze")
        try await eventually("b delivers what was pending", within: 30) { sink.events.count == 4 }

        kill(a.child.pid, SIGCONT)
        try await eventually("a, woken, is on standby", within: 30) {
            (await SharedProcessTests.link(a))?["standby"] as? Bool == true
        }
        for product in 5...8 {
            #expect(try await TestHTTP.request(.PUT, a.url + "/administration/switch-state/\(product)?isAvailable=true").status == 200)
        }
        try await eventually("b delivers a's bookings too", within: 30) { sink.events.count == 8 }
        let rows = try await TestPostgres.execute(db.connectionString, "SELECT id FROM booking ORDER BY sequence")
        #expect(sink.events.map(\.key) == rows.map { $0[0]! }, "every booking delivered once, in booking order")
        #expect(sink.state.withLock { $0.duplicates } == 0, "a sent nothing under its expired lease")
        print("frozenSender: b took the role \(String(format: "%.2f", takeover)) s after a froze")
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path
    }
}
