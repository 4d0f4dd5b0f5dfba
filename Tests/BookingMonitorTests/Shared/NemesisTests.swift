import BookingPostgres
import Foundation
import Synchronization
import Testing

/// The nemesis: two real instances of one group on one real PostgreSQL, a booking storm raced
/// across both, and in each trial one fault. After each trial, from the database and from what
/// the Orchestrator's stand-in received: no acknowledged booking lost, no product booked twice,
/// queue order kept, every event delivered (repeats only with the same key), and how long the
/// healthy instance stalled. `NEMESIS_TRIALS` trials per fault (2 by default, as in `.ci/run`;
/// `scripts/nemesis.sh` runs 20 and prints the table for RELIABILITY.md).
@Suite("Nemesis: faults under a booking storm", .serialized)
struct NemesisTests {
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case killSender = "SIGKILL the sender"
        case killStandby = "SIGKILL the standby"
        case freezeSender = "SIGSTOP the sender 15 s"
        case freezeStandby = "SIGSTOP the standby 15 s"
        case crashPostgres = "kill -9 PostgreSQL, restart"
        var testDescription: String { rawValue }
    }

    static let trials = Int(ProcessInfo.processInfo.environment["NEMESIS_TRIALS"] ?? "") ?? 2

    struct Outcome {
        var lost = 0, doubled = 0, outOfOrder = 0, undelivered = 0, duplicatesByKey = 0
        var longestStall = 0.0
    }

    @Test("a fault under a booking storm: nothing lost, nothing doubled, queue order kept, every event delivered", arguments: Fault.allCases)
    func trial(fault: Fault) async throws {
        var rows: [String] = []
        for number in 1...Self.trials {
            let outcome = try await Self.run(fault)
            #expect(outcome.lost == 0, "trial \(number): acknowledged bookings lost")
            #expect(outcome.doubled == 0, "trial \(number): products booked twice")
            #expect(outcome.outOfOrder == 0, "trial \(number): queues out of order")
            #expect(outcome.undelivered == 0, "trial \(number): events not delivered")
            rows.append(String(format: "%.2f", outcome.longestStall))
            print("nemesis: \(fault.rawValue) trial \(number): lost \(outcome.lost), doubled \(outcome.doubled), "
                  + "out of order \(outcome.outOfOrder), undelivered \(outcome.undelivered), "
                  + "repeats by key \(outcome.duplicatesByKey), longest stall \(String(format: "%.2f", outcome.longestStall)) s")
        }
    }

    static func run(_ fault: Fault) async throws -> Outcome {
        let titles = 4, copies = 30
        var server: (port: Int, url: PostgresURL)?
        if fault == .crashPostgres {
            let port = try OrchestratorStandIn.freePort()
            #expect(system("bash '\(SharedFaultTests.script)' start \(port) >/dev/null 2>&1") == 0)
            let base = "postgres://postgres@127.0.0.1:\(port)"
            try await TestPostgres.execute(base + "/postgres", "CREATE DATABASE nemesis")
            server = (port, try PostgresURL(base + "/nemesis")!)
        }
        defer { if let server { _ = system("bash '\(SharedFaultTests.script)' stop \(server.port) >/dev/null 2>&1") } }
        let pair = try await SharedProcessTests.Pair.launch(titles: titles, copies: copies, customers: copies + 10,
                                                            sinkDelay: 0.005, database: server?.url)
        let (a, b, sink, db) = (pair.a, pair.b, pair.sink, pair.db)
        defer {
            kill(a.child.pid, SIGCONT)
            kill(b.child.pid, SIGCONT)
            pair.stop()
        }
        let victim: SharedProcessTests.Instance? = switch fault {
        case .killSender, .freezeSender: a
        case .killStandby, .freezeStandby: b
        case .crashPostgres: nil
        }
        let healthy = victim.map { $0.url == a.url ? b : a }
        // The storm: every product made available once, by 8 clients, to a random live instance.
        let log = StormLog()
        let work = WorkList(Array(1...titles * copies).shuffled())
        let storm = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        while let product = work.next() {
                            // Sent again, like a client, until answered 200 (a 503 while the store
                            // is out, no answer from a killed or frozen instance): to a live one.
                            for _ in 0..<120 {
                                let target = log.victimDown ? (healthy ?? a) : [a, b].randomElement()!
                                let started = Date()
                                let reply = try? await TestHTTP.request(
                                    .PUT, target.url + "/administration/switch-state/\(product)?isAvailable=true", timeout: .seconds(20))
                                if target.url == healthy?.url || healthy == nil { log.took(Date().timeIntervalSince(started)) }
                                if reply?.status == 200 {
                                    log.acknowledge(product)
                                    break
                                }
                                try? await Task.sleep(for: .milliseconds(250))
                            }
                        }
                    }
                }
            }
        }
        try await eventually("the storm under way", within: 60) { sink.events.count >= 10 }
        switch fault {
        case .killSender, .killStandby:
            log.victimDown = true
            victim!.child.kill9()
        case .freezeSender, .freezeStandby:
            log.victimDown = true
            kill(victim!.child.pid, SIGSTOP)
            try await Task.sleep(for: .seconds(15))
            kill(victim!.child.pid, SIGCONT)
        case .crashPostgres:
            #expect(system("bash '\(SharedFaultTests.script)' crash \(server!.port) >/dev/null 2>&1") == 0)
            try await Task.sleep(for: .seconds(2))
            #expect(system("bash '\(SharedFaultTests.script)' revive \(server!.port) >/dev/null 2>&1") == 0)
        }
        await storm.value
        try await eventually("every event delivered", within: 120) {
            let rows = try? await TestPostgres.execute(db.connectionString, "SELECT CAST(count(*) AS TEXT) FROM outbox WHERE state <> 'delivered'")
            return rows == [["0"]]
        }
        let bookings = try await TestPostgres.execute(db.connectionString, """
            SELECT CAST(product_id AS TEXT), CAST(customer_id AS TEXT), title, id FROM booking ORDER BY sequence
            """)
        var outcome = Outcome()
        let booked = Set(bookings.map { Int($0[0]!)! })
        outcome.lost = log.acknowledged.subtracting(booked).count
        outcome.doubled = bookings.count - booked.count
        for (title, customers) in pair.order {
            let got = bookings.filter { $0[2] == title }.map { Int32($0[1]!)! }
            if got != Array(customers.prefix(got.count)) { outcome.outOfOrder += 1 }
        }
        let received = Set(sink.events.map(\.key))
        outcome.undelivered = bookings.filter { !received.contains($0[3]!) }.count
        outcome.duplicatesByKey = sink.state.withLock { $0.duplicates }
        outcome.longestStall = log.longest
        return outcome
    }
}

/// What the storm's clients saw, shared between them.
final class StormLog: Sendable {
    private let state = Mutex((acknowledged: Set<Int>(), longest: 0.0, down: false))
    var acknowledged: Set<Int> { state.withLock { $0.acknowledged } }
    var longest: Double { state.withLock { $0.longest } }
    var victimDown: Bool {
        get { state.withLock { $0.down } }
        set { state.withLock { $0.down = newValue } }
    }
    func acknowledge(_ product: Int) { state.withLock { _ = $0.acknowledged.insert(product) } }
    func took(_ seconds: Double) { state.withLock { $0.longest = max($0.longest, seconds) } }
}
