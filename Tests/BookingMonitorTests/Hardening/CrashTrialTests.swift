import BookingCore
import Foundation
import Synchronization
import Testing

/// Crash trials: the real binary, a booking storm with the Orchestrator stand-in, SIGKILL at a
/// random moment, restart on the same database, drain. `CRASH_TRIALS` sets how many
/// (default 3; scripts/crash-trials.sh runs 20). Each trial checks, from the database and
/// from what the stand-in received:
/// - no event lost: every booking in the store reached the Orchestrator, and every
///   acknowledged switch-state ended in a booking;
/// - none applied twice: the stand-in applied each idempotency key once (repeats after a
///   kill are at-least-once delivery; they are counted and dropped by key);
/// - no product booked for two customers;
/// - no customer booked twice for a title from one queue snapshot.
@Suite("Crash trials: SIGKILL mid-storm, restart, drain", .serialized)
struct CrashTrialTests {
    static let trials = Int(ProcessInfo.processInfo.environment["CRASH_TRIALS"] ?? "") ?? 3
    static let titles = ["Война и мир. Том 1", "Мастер и Маргарита", "Анна Каренина", "Книга"]
    static let copiesPerTitle = 10
    static let customersPerTitle: Int32 = 14

    @Test("trial", arguments: 1...trials)
    func trial(_ number: Int) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = dir.file("m.sqlite")
        let catalog = dir.file("catalog.json")
        try writeCatalog(Self.titles.enumerated().flatMap { index, title in
            (1...Self.copiesPerTitle).map { (id: index * 100 + $0, title: title) }
        }, to: catalog)
        let ids = Self.titles.indices.flatMap { index in (1...Self.copiesPerTitle).map { Int32(index * 100 + $0) } }

        let orchestrator = try OrchestratorStandIn()
        for title in Self.titles { for customer in 1...Self.customersPerTitle { orchestrator.addOrder(customer: customer, title: title) } }
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let port = try OrchestratorStandIn.freePort()
        let monitorURL = "http://127.0.0.1:\(port)"
        orchestrator.setMonitor(monitorURL)
        let arguments = ["--headless", "--port", "\(port)", "--db", db, "--catalog", catalog,
                         "--orchestrator", orchestrator.url, "--attempt-timeout", "2"]
        // Slow answers keep deliveries in flight when the kill comes.
        orchestrator.setFault(.slow(0.005))

        let first = try ChildProcess(arguments, logTo: dir.file("first.log"))
        do {
            try await eventually("first run ready") { (try? await TestHTTP.get(monitorURL + "/health/ready"))?.status == 200 }
            try await eventually("queues pushed at start-up") {
                ((try? await TestHTTP.get(monitorURL + "/administration/get-queues-list").json() as? [Any])?.count) == Self.titles.count
            }
        } catch {
            print("trial \(number): the monitor did not come up with its queues; its log:\n\(first.log.suffix(3000))")
            throw error
        }

        // The storm: every product made available in a random order by four clients at once,
        // while the Orchestrator also pushes its queues again and again.
        let acknowledged = IdSet()
        let shuffled = ids.shuffled()
        let storm = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for id in shuffled.enumerated().filter({ $0.offset % 4 == worker }).map(\.element) {
                            let reply = try? await TestHTTP.request(.PUT, monitorURL + "/administration/switch-state/\(id)?isAvailable=true")
                            if reply?.status == 200 { acknowledged.insert(id) }
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<20 { try? await orchestrator.push() }
                }
            }
        }
        let killAfter = Double.random(in: 0.0..<0.6)
        try await Task.sleep(for: .seconds(killAfter))
        first.kill9()
        // Requests caught by the kill can wait for the client's timeout: stop them.
        storm.cancel()
        _ = await storm.value
        let acknowledgedBeforeKill = acknowledged.values
        let deliveredBeforeKill = orchestrator.events.count

        // Restart on the same database; the Orchestrator answers at full speed; drain.
        orchestrator.setFault(.none)
        let second = try ChildProcess(arguments, logTo: dir.file("second.log"))
        let started = Date()
        try await eventually("restarted") { (try? await TestHTTP.get(monitorURL + "/health/ready"))?.status == 200 }
        try await eventually("drained: nothing pending or parked, every acknowledged product booked", within: 60) {
            guard let link = try? await TestHTTP.get(monitorURL + "/administration/link").json() as? [String: Any],
                  link["pending"] as? Int == 0, link["parked"] as? Int == 0,
                  let list = try? await TestHTTP.get(monitorURL + "/administration/get-products").json() as? [[String: Any]]
            else { return false }
            let available = Set(list.filter { $0["isAvailable"] as? Bool == true }.compactMap { ($0["id"] as? Int).map(Int32.init) })
            return available.isDisjoint(with: acknowledgedBeforeKill)
        }
        let drainSeconds = Date().timeIntervalSince(started)
        #expect(second.terminate() == 0)

        // What the store holds, read after the process is gone.
        let store = try SQLiteStore(.file(db))
        let events = try store.events(limit: 1_000_000)
        let bookings = events.map(\.booking)
        let received = orchestrator.events
        let repeats = orchestrator.state.withLock { $0.duplicates }

        #expect(events.allSatisfy { $0.state == .delivered }, "every event delivered")
        #expect(Set(bookings.map(\.id)) == Set(received.map(\.key)), "no event lost: the store's bookings are the events received")
        #expect(received.count == Set(received.map(\.key)).count, "each idempotency key applied once")
        #expect(bookings.count == Set(bookings.map(\.productId)).count, "no product booked for two customers")
        let fromSnapshot = Dictionary(grouping: bookings) { "\($0.snapshotSequence) \($0.customerId) \($0.title)" }
        #expect(fromSnapshot.values.allSatisfy { $0.count == 1 }, "no customer booked twice for a title from one snapshot")
        #expect(acknowledgedBeforeKill.isSubset(of: Set(bookings.map(\.productId))), "every acknowledged switch-state ended in a booking")

        let line = "crash trial \(number): kill after \(String(format: "%.3f", killAfter)) s, "
            + "\(acknowledgedBeforeKill.count)/\(ids.count) switch-states acknowledged, "
            + "\(deliveredBeforeKill) events delivered before the kill, \(bookings.count) bookings in all, "
            + "\(repeats) repeats dropped by key, drained in \(String(format: "%.2f", drainSeconds)) s"
        print(line)
        if let report = ProcessInfo.processInfo.environment["CRASH_TRIALS_REPORT"] {
            let handle = FileHandle(forWritingAtPath: report) ?? {
                FileManager.default.createFile(atPath: report, contents: nil)
                return FileHandle(forWritingAtPath: report)!
            }()
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try handle.close()
        }
    }
}

/// Product ids acknowledged by concurrent clients.
private final class IdSet: Sendable {
    private let state = Mutex<Set<Int32>>([])
    func insert(_ id: Int32) { state.withLock { _ = $0.insert(id) } }
    var values: Set<Int32> { state.withLock { $0 } }
}
