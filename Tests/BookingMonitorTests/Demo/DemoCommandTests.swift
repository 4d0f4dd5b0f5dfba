import Foundation
import Testing

/// `booking-monitor demo --headless --duration N` on the real binary: the whole loop with no
/// other service, ending with a summary a script can check.
@Suite("Demo on the real binary", .serialized)
struct DemoCommandTests {
    /// `summary: orders=3 bookings=2 …` → ["orders": 3, "bookings": 2, …]
    static func summary(_ log: String) -> [String: Int]? {
        guard let line = log.split(separator: "\n").last(where: { $0.hasPrefix("summary: ") }) else { return nil }
        var fields: [String: Int] = [:]
        for pair in line.dropFirst("summary: ".count).split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { return nil }
            fields[String(parts[0])] = value
        }
        return fields
    }

    static func runDemo(_ dir: TempDir, extra: [String] = []) async throws -> (status: Int32?, log: String) {
        let arguments = ["demo", "--headless", "--duration", "5", "--port", "\(try OrchestratorStandIn.freePort())",
                         "--simulator-port", "\(try OrchestratorStandIn.freePort())",
                         "--order-every", "0.1", "--stock-every", "0.2"] + extra
        let demo = try ChildProcess(arguments, logTo: dir.file("demo.log"))
        let status = try await demo.waitForExit(seconds: 90)
        if status == nil { _ = demo.terminate() }
        return (status, demo.log)
    }

    @Test("exits 0; bookings happened, every one delivered and received once, none booked twice")
    func headlessRun() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, log) = try await Self.runDemo(dir)
        #expect(status == 0, "\(log.suffix(2000))")
        let summary = try #require(Self.summary(log), "no summary line in:\n\(log.suffix(2000))")
        #expect(summary["orders"] ?? 0 > 0)
        #expect(summary["stock"] ?? 0 > 0)
        #expect(summary["bookings"] ?? 0 > 0, "\(log.suffix(3000))")
        #expect(summary["delivered"] == summary["bookings"])
        #expect(summary["received"] == summary["bookings"], "the simulator got each booking once")
        #expect(summary["pending"] == 0)
        #expect(summary["parked"] == 0)
        #expect(summary["double-booked"] == 0)
        #expect(summary["queued"] == summary["orders"], "orders are never removed from the queues")
        #expect(log.contains("demo summary after"))
    }

    @Test("--db keeps the demo's state in that file")
    func withDatabase() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = dir.file("demo.sqlite")
        let (status, log) = try await Self.runDemo(dir, extra: ["--db", db])
        #expect(status == 0, "\(log.suffix(2000))")
        #expect(Self.summary(log)?["double-booked"] == 0)
        let size = (try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0
        #expect(size > 0, "the database file was written")
    }
}
