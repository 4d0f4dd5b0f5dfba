import BookingPostgres
import Foundation
import Testing

/// The console of an instance sharing a PostgreSQL store, in a real terminal (tmux), beside a
/// headless instance of the same group that sends.
@Suite("Shared PostgreSQL store: the console in tmux", .serialized)
struct SharedConsoleTests {
    @Test("the header shows the store, the live instances and standby; peer bookings appear; the role moves when the sender dies")
    func consoleOfAStandbyInstance() async throws {
        let db = try await TestPostgres.freshDatabase()
        let pane = try TmuxPane(width: 170, height: 30)
        defer {
            // Quit the console first: a monitor still running keeps the tmux server alive.
            try? pane.keys("q")
            pane.kill()
        }
        let portA = try OrchestratorStandIn.freePort(), portB = try OrchestratorStandIn.freePort()
        let a = try ChildProcess(["--headless", "--db", db.connectionString, "--port", "\(portA)", "--name", "a",
                                  "--orchestrator", "http://127.0.0.1:1"], logTo: pane.directory + "/a.log")
        defer { if a.isRunning { _ = a.terminate() } }
        let urlA = "http://127.0.0.1:\(portA)"
        try await eventually("a sends") {
            (try? await TestHTTP.get(urlA + "/administration/link").json() as? [String: Any])?["standby"] as? Bool == false
        }
        try pane.start("\(Binary.path) --db \(db.connectionString) --port \(portB) --name b "
                       + "--orchestrator http://127.0.0.1:1 --log-file \(pane.directory)/b.log")

        let header = try await pane.waitFor("b's header: standby, the store, both instances") { screen in
            screen.contains("link: standby, a sends") && screen.contains("instances a sends, b (this)")
                && screen.contains("store postgres 127.0.0.1:\(db.port)/\(db.database)")
        }
        #expect(!header.contains("link: ok"))

        // A push and a booking on a reach b's screen: the queue, the booked row, a peer line.
        _ = try await TestHTTP.request(.POST, urlA + "/administration/set-queue",
                                       body: #"[{"Title":"Мастер и Маргарита","Customers":[{"CustomerId":42}]}]"#)
        _ = try await TestHTTP.request(.PUT, urlA + "/administration/switch-state/7?isAvailable=true")
        let booked = try await pane.waitFor("a's booking on b's console") { screen in
            screen.contains("  7 B Мастер и Маргарита") && screen.contains("peer: product 7 → customer 42")
        }
        #expect(booked.contains("Мастер и Маргарита 1: 42"))

        // A key on b changes the shared state: `a` makes product 1 available, and a sees it.
        try pane.keys("a")
        try await pane.waitFor("product 1 available on b") { $0.contains("▶  1 A Война и мир. Том 1") }
        try await eventually("a sees b's change") {
            let products = try? await TestHTTP.get(urlA + "/administration/get-products").json() as? [[String: Any]]
            return products?.first { ($0["id"] as? Int) == 1 }?["isAvailable"] as? Bool == true
        }

        // The sender dies: b takes the role and says so, and that the Orchestrator (a port that
        // refuses) does not answer: never `ok` on hope.
        a.kill9()
        try await pane.waitFor("b sends now") { screen in
            screen.contains("link: unreachable since") && screen.contains("connection refused")
                && !screen.contains("link: standby") && screen.contains("instances b (this) sends")
                && screen.contains("instance a left the group")
        }
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)
    }
}
