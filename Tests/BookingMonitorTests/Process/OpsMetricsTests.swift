import Foundation
import Testing

/// The alerts (ops/prometheus/alerts.yml) and the dashboard (ops/grafana/booking-monitor.json)
/// read only metrics the real binary exports.
@Suite("Alerts and dashboard against /metrics, real binary", .serialized)
struct OpsMetricsTests {
    /// Names of the series in Prometheus text: `name{labels} value` or `name value`.
    static func seriesNames(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let end = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return nil }
            return String(line[..<end])
        })
    }

    /// The booking-monitor metrics a rule file or dashboard names.
    static func referencedNames(_ text: String) -> Set<String> {
        Set(text.matches(of: /booking_monitor_[a-z0-9_]+/).map { String($0.output) })
    }

    @Test("every booking_monitor_* name in the alerts and the dashboard is exported, after one booking, one delivery and one refused push")
    func namesExist() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let orchestrator = try OrchestratorStandIn()
        orchestrator.state.withLock { $0.acceptAll = true }
        try await orchestrator.start()
        defer { Task { await orchestrator.stop() } }
        let port = try OrchestratorStandIn.freePort()
        let url = "http://127.0.0.1:\(port)"
        orchestrator.setMonitor(url)
        let child = try ChildProcess(["run", "--headless", "--in-memory", "--port", "\(port)", "--max-body", "1000",
                                      "--orchestrator", orchestrator.url], logTo: dir.file("run.log"))
        defer { _ = child.terminate() }
        try await eventually("ready", context: { child.log }) { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }

        // Registered at start: the counters alerts take a rate of, before anything happened.
        let atStart = Self.seriesNames(try await TestHTTP.get(url + "/metrics").text)
        for name in ["booking_monitor_bookings_total", "booking_monitor_queue_pushes_refused_total",
                     "booking_monitor_delivery_failures_total", "booking_monitor_store_up",
                     "booking_monitor_oldest_pending_timestamp_seconds", "booking_monitor_build_info"] {
            #expect(atStart.contains(name), "\(name) is not exported at start")
        }

        _ = try await TestHTTP.request(.POST, url + "/administration/set-queue",
                                       body: #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":5}]}]"#)
        _ = try await TestHTTP.request(.PUT, url + "/administration/switch-state/1?isAvailable=true")
        #expect(try await TestHTTP.request(.POST, url + "/administration/set-queue",
                                           body: String(repeating: " ", count: 1500) + "[]").status == 413)
        try await eventually("the booking delivered", context: { child.log }) { orchestrator.events.count == 1 }
        var metrics = ""
        try await eventually("the delivery in /metrics", context: { metrics }) {
            metrics = (try? await TestHTTP.get(url + "/metrics"))?.text ?? ""
            return metrics.contains("booking_monitor_deliveries_total 1")
        }
        let exported = Self.seriesNames(metrics)
        var referenced: Set<String> = []
        for file in ["ops/prometheus/alerts.yml", "ops/grafana/booking-monitor.json"] {
            let names = Self.referencedNames(try RepositoryFile.text(file))
            #expect(names.count >= 5, "\(file) names only \(names.sorted())")
            for name in names.sorted() where !exported.contains(name) {
                Issue.record("\(file) reads \(name), which /metrics does not export")
            }
            referenced.formUnion(names)
        }
        #expect(referenced.count >= 12, "\(referenced.sorted())")
        // The dashboard's group and instance come from build_info: it names this group.
        #expect(metrics.contains(#"group="default""#) && metrics.contains("booking_monitor_build_info{"), "\(metrics)")
    }

    @Test("the store gauge says what the store does: 1 after a commit, and the oldest pending booking's time while its event waits")
    func storeAndOldestPending() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let url = "http://127.0.0.1:\(port)"
        let child = try ChildProcess(["run", "--headless", "--db", dir.file("m.sqlite"), "--port", "\(port)",
                                      "--orchestrator", "http://127.0.0.1:1", "--attempt-timeout", "0.2"], logTo: dir.file("run.log"))
        defer { _ = child.terminate() }
        try await eventually("ready", context: { child.log }) { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }
        let before = Date().timeIntervalSince1970
        _ = try await TestHTTP.request(.POST, url + "/administration/set-queue",
                                       body: #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":5}]}]"#)
        _ = try await TestHTTP.request(.PUT, url + "/administration/switch-state/1?isAvailable=true")
        var metrics = ""
        try await eventually("pending in /metrics", context: { metrics }) {
            metrics = (try? await TestHTTP.get(url + "/metrics"))?.text ?? ""
            return metrics.contains("booking_monitor_outbox_pending 1")
        }
        #expect(metrics.contains("booking_monitor_store_up 1"), "\(metrics)")
        let line = try #require(metrics.split(separator: "\n").first { $0.hasPrefix("booking_monitor_oldest_pending_timestamp_seconds ") })
        let value = try #require(Double(line.split(separator: " ")[1]))
        #expect(value >= before - 1 && value <= Date().timeIntervalSince1970 + 1, "\(line)")
        let pushed = try #require(metrics.split(separator: "\n").first { $0.hasPrefix("booking_monitor_last_queue_push_timestamp_seconds ") })
        #expect(Double(pushed.split(separator: " ")[1]).map { $0 >= before - 1 } == true, "\(pushed)")
    }
}
