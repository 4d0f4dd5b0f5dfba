import Foundation
import Testing

/// The real binary's command-line contract: one-line errors and non-zero exits, and what a
/// running instance exposes.
@Suite("Command line of the real binary", .serialized)
struct CommandLineTests {
    func run(_ arguments: [String], in dir: TempDir) async throws -> (status: Int32?, output: String) {
        let child = try ChildProcess(arguments, logTo: dir.file("out-\(UUID().uuidString.prefix(6)).log"))
        let status = try await child.waitForExit(seconds: 30)
        return (status, child.log)
    }

    @Test("not a terminal and no --headless: one line, exit 2")
    func notATerminal() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, output) = try await run(["--db", dir.file("m.sqlite")], in: dir)
        #expect(status == 2)
        #expect(output.split(separator: "\n").count == 1)
        #expect(output.contains("--headless"))
    }

    @Test("a catalog error names file, entry and field, exits non-zero and starts nothing",
          arguments: [(#"[{"id":1,"title":"a"},{"id":2}]"#, "entry 1: field `title` is missing"),
                      (#"{"id":1}"#, "must be an array"),
                      (#"[{"id":1,"title":"a","isAvailable":"yes"}]"#, "entry 0: field `isAvailable`")])
    func catalogError(json: String, message: String) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let catalog = dir.file("catalog.json")
        try json.write(toFile: catalog, atomically: true, encoding: .utf8)
        let (status, output) = try await run(["--headless", "--port", "0", "--db", dir.file("m.sqlite"),
                                              "--catalog", catalog], in: dir)
        #expect(status != 0 && status != nil)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1, "\(output)")
        #expect(output.contains(catalog) && output.lowercased().contains(message.lowercased()), "\(output)")
    }

    @Test("bad flags: one line and a non-zero exit", arguments: [["--port", "70000"], ["--orchestrator", "ftp://x"],
                                                                ["--sweep-interval", "0"], ["--nope"]])
    func badFlags(arguments: [String]) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, output) = try await run(["--headless", "--db", dir.file("m.sqlite")] + arguments, in: dir)
        #expect(status != 0 && status != nil)
        #expect(output.contains("Error") || output.contains("error"), "\(output)")
    }

    @Test("a second instance on the same database refuses to start; the first keeps running")
    func oneInstancePerDatabase() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = dir.file("m.sqlite")
        let port = try OrchestratorStandIn.freePort()
        let first = try ChildProcess(["--headless", "--port", "\(port)", "--db", db], logTo: dir.file("first.log"))
        defer { _ = first.terminate() }
        try await eventually("first ready") { (try? await TestHTTP.get("http://127.0.0.1:\(port)/health/ready"))?.status == 200 }
        let (status, output) = try await run(["--headless", "--port", "0", "--db", db], in: dir)
        #expect(status == 1)
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.contains("in use by another booking-monitor"), "\(output)")
        #expect(first.isRunning)
    }

    @Test("a corrupt database file: one line naming it, exit 1")
    func corruptDatabase() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = dir.file("m.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: db))
        let (status, output) = try await run(["--headless", "--port", "0", "--db", db], in: dir)
        #expect(status == 1)
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.hasPrefix("booking-monitor: \(db)"), "\(output)")
    }

    @Test("SIGTERM shuts down gracefully with status 0; /metrics counts bookings and requests by route")
    func metricsAndShutdown() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let url = "http://127.0.0.1:\(port)"
        let child = try ChildProcess(["--headless", "--port", "\(port)", "--db", dir.file("m.sqlite"),
                                      "--orchestrator", "http://127.0.0.1:1", "--attempt-timeout", "0.2"],
                                     logTo: dir.file("m.log"))
        try await eventually("ready") { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }
        _ = try await TestHTTP.request(.POST, url + "/administration/set-queue",
                                       body: #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":5}]}]"#)
        _ = try await TestHTTP.request(.PUT, url + "/administration/switch-state/1?isAvailable=true")
        _ = try await TestHTTP.request(.PUT, url + "/administration/switch-state/999?isAvailable=true")
        try await eventually("a failed delivery counted") {
            (try? await TestHTTP.get(url + "/metrics"))?.text.contains("booking_monitor_delivery_failures_total") == true
        }
        let metrics = try await TestHTTP.get(url + "/metrics").text
        #expect(metrics.contains("booking_monitor_bookings_total 1"), "\(metrics)")
        #expect(metrics.contains("booking_monitor_outbox_pending 1"))
        #expect(metrics.contains("booking_monitor_delivery_latency_seconds") || metrics.contains("booking_monitor_breaker_state"))
        #expect(metrics.contains(#"http_route="/administration/switch-state/{id}""#))
        #expect(metrics.contains(#"http_response_status_code="404""#))
        kill(child.pid, SIGTERM)
        let status = try await child.waitForExit()
        #expect(status == 0)
        #expect(child.log.contains("stopped"))
    }
}
