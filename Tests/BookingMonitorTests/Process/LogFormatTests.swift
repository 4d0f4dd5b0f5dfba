import Foundation
import Testing

/// Logs for an operator's tools, from the real binary: JSON lines, and text for the journal.
@Suite("Log formats, real binary", .serialized)
struct LogFormatTests {
    /// Runs a headless monitor until one booking is logged, then stops it; the whole log.
    func logOfOneBooking(_ arguments: [String], dir: TempDir, environment: [String: String] = [:],
                         logFile: String? = nil) async throws -> String {
        let port = try OrchestratorStandIn.freePort()
        let url = "http://127.0.0.1:\(port)"
        let child = try ChildProcess(["run", "--headless", "--in-memory", "--port", "\(port)",
                                      "--orchestrator", "http://127.0.0.1:1", "--attempt-timeout", "0.2"] + arguments,
                                     logTo: logFile ?? dir.file("run.log"), environment: environment)
        try await eventually("ready", context: { child.log }) { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }
        _ = try await TestHTTP.request(.POST, url + "/administration/set-queue",
                                       body: #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":5}]}]"#)
        _ = try await TestHTTP.request(.PUT, url + "/administration/switch-state/1?isAvailable=true")
        try await eventually("the booking logged", context: { child.log }) { child.log.contains("booked product 1") }
        #expect(child.terminate() == 0)
        return child.log
    }

    @Test("--log-format json: every line one object with time, level and message; a booking carries its product, customer and id")
    func json() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let log = try await logOfOneBooking(["--log-format", "json"], dir: dir)
        let lines = log.split(separator: "\n")
        #expect(lines.count >= 3, "\(log)")
        var booking: [String: Any]?
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let object else {
                Issue.record("not a JSON object: \(line)")
                continue
            }
            #expect(object["time"] is String && object["level"] is String && object["message"] is String, "\(line)")
            if (object["message"] as? String)?.hasPrefix("booked product 1") == true { booking = object }
        }
        let fields = try #require(booking, "\(log)")
        #expect(fields["level"] as? String == "info")
        #expect(fields["product"] as? String == "1")
        #expect(fields["customer"] as? String == "5")
        #expect(fields["title"] as? String == "Война и мир. Том 1")
        #expect((fields["booking"] as? String)?.isEmpty == false)
        let time = try #require(fields["time"] as? String)
        #expect(try Date(time, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)).timeIntervalSinceNow > -60)
    }

    @Test("text on systemd's journal stream ($JOURNAL_STREAM is stderr): a <priority> prefix, no timestamp of its own")
    func journal() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // The log file exists before the child opens it (O_TRUNC keeps the inode), so its
        // device and inode are what systemd would put in $JOURNAL_STREAM.
        let path = dir.file("journal.log")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        var info = stat()
        #expect(stat(path, &info) == 0)
        let log = try await logOfOneBooking([], dir: dir, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"],
                                            logFile: path)
        let lines = log.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.wholeMatch(of: /<[0-7]>(trace|debug|info|notice|warning|error|critical) booking-monitor: .+/) != nil, "\(line)")
        }
        #expect(lines.contains { $0.hasPrefix("<6>info booking-monitor: booked product 1") && $0.contains("customer=5") }, "\(log)")
    }

    @Test("text elsewhere: today's lines, timestamp first (a $JOURNAL_STREAM that is not stderr changes nothing)")
    func textOffTheJournal() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let log = try await logOfOneBooking([], dir: dir, environment: ["JOURNAL_STREAM": "1:1"])
        let lines = log.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.prefixMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/) != nil, "\(line)")
        }
    }

    @Test("--log-format with an unknown value: an error naming the flag, non-zero exit")
    func unknownFormat() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let child = try ChildProcess(["run", "--headless", "--in-memory", "--log-format", "xml"], logTo: dir.file("out.log"))
        let status = try await child.waitForExit()
        #expect(status != 0 && status != nil)
        #expect(child.log.contains("--log-format"), "\(child.log)")
    }
}
