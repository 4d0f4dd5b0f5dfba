import Foundation
import Testing

/// Storage faults on real filesystems: a small tmpfs stands for a full disk, the same tmpfs
/// remounted read-only for a read-only disk (a directory without write permission would not
/// do: these tests mount, so they run as root, and root writes there anyway). Mounting needs
/// root (CAP_SYS_ADMIN); where that is missing the suite is disabled, not passed.
/// The corrupt database and the second instance on one database are in CommandLineTests.
@Suite("Storage faults: read-only and full disks", .serialized, .enabled(if: TmpFS.canMount, "needs root to mount a tmpfs"))
struct StorageFaultTests {
    @Test("a read-only disk: one line naming the database at start-up, exit 1", arguments: [false, true])
    func readOnly(existingDatabase: Bool) async throws {
        let fs = try TmpFS(size: "4m")
        defer { fs.unmount() }
        let db = fs.file("m.sqlite")
        if existingDatabase {
            let first = try ChildProcess(["--headless", "--port", "0", "--db", db], logTo: NSTemporaryDirectory() + "bm-storage-first-\(UUID().uuidString.prefix(8)).log")
            try await eventually("database created") { FileManager.default.fileExists(atPath: db + "-wal") }
            // SIGTERM only once the service group runs (it logs when the server listens): sent
            // earlier, before the signal handlers exist, it kills the process with status 15.
            try await eventually("serving") { first.log.contains("listening on") }
            #expect(first.terminate() == 0)
        }
        try fs.remount(readOnly: true)
        let log = NSTemporaryDirectory() + "ro-\(UUID()).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(["--headless", "--port", "0", "--db", db], logTo: log)
        let status = try await process.waitForExit()
        #expect(status == 1, "\(process.log)")
        let lines = process.log.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(process.log)")
        #expect(lines.first?.contains(db) == true)
        #expect(lines.first?.localizedCaseInsensitiveContains("read") == true || lines.first?.contains("readonly") == true,
                "names the cause: \(process.log)")
    }

    @Test("a full disk: one line naming the database at start-up, exit 1")
    func fullAtStartUp() async throws {
        let fs = try TmpFS(size: "256k")
        defer { fs.unmount() }
        try fs.fill()
        let log = NSTemporaryDirectory() + "full-\(UUID()).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let db = fs.file("m.sqlite")
        let process = try ChildProcess(["--headless", "--port", "0", "--db", db], logTo: log)
        let status = try await process.waitForExit()
        #expect(status == 1, "\(process.log)")
        let lines = process.log.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(process.log)")
        #expect(lines.first?.contains(db) == true && lines.first?.contains("full") == true, "\(process.log)")
    }

    @Test("the disk fills at run time: the change is refused with 500 problem+json, nothing committed is lost")
    func fullAtRunTime() async throws {
        let fs = try TmpFS(size: "1m")
        defer { fs.unmount() }
        let dir = try TempDir()
        defer { dir.remove() }
        let db = fs.file("m.sqlite")
        let port = try OrchestratorStandIn.freePort()
        let url = "http://127.0.0.1:\(port)"
        // Port 9 refuses: the booking event stays pending and must survive the fault.
        let arguments = ["--headless", "--port", "\(port)", "--db", db, "--orchestrator", "http://127.0.0.1:9"]
        let first = try ChildProcess(arguments, logTo: dir.file("first.log"))
        try await eventually("ready") { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }
        let queue = #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":1},{"CustomerId":2}]}]"#
        #expect(try await TestHTTP.request(.POST, url + "/administration/set-queue", body: queue).status == 200)
        #expect(try await TestHTTP.request(.PUT, url + "/administration/switch-state/1?isAvailable=true").status == 200)
        let before = try await Self.state(url)
        #expect(before.outbox.count == 1, "one booking, its event pending")

        try fs.fill()
        let big = "[" + (0..<300).map { title in
            #"{"Title":"t\#(title)","Customers":["# + (0..<50).map { #"{"CustomerId":\#($0)}"# }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
        let refusedPush = try await TestHTTP.request(.POST, url + "/administration/set-queue", body: big)
        let refusedSwitch = try await TestHTTP.request(.PUT, url + "/administration/switch-state/2?isAvailable=true")
        for reply in [refusedPush, refusedSwitch] {
            #expect(reply.status == 500, "\(reply.text)")
            #expect(reply.header("content-type") == "application/problem+json")
        }
        #expect(try await Self.state(url) == before, "a refused change changes nothing")
        #expect(first.log.contains("database or disk is full"), "the log names the cause")
        _ = first.terminate()

        // Space again, and a restart: everything committed before the fault is there.
        try fs.unfill()
        let second = try ChildProcess(arguments, logTo: dir.file("second.log"))
        defer { _ = second.terminate() }
        try await eventually("restarted") { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }
        #expect(try await Self.state(url) == before)
        #expect(try await TestHTTP.request(.PUT, url + "/administration/switch-state/2?isAvailable=true").status == 200,
                "writes work again once there is space")
    }

    struct State: Equatable {
        var products: String
        var queues: String
        var outbox: [String]
    }

    static func state(_ url: String) async throws -> State {
        let outbox = try await TestHTTP.get(url + "/administration/outbox").json() as? [[String: Any]] ?? []
        return State(products: try await TestHTTP.get(url + "/administration/get-products").text,
                     queues: try await TestHTTP.get(url + "/administration/get-queues-list").text,
                     outbox: outbox.compactMap { $0["bookingId"] as? String })
    }
}

/// A tmpfs mounted on a fresh directory for one test.
struct TmpFS {
    let path: String

    static let canMount: Bool = {
        guard getuid() == 0, let fs = try? TmpFS(size: "64k") else { return false }
        fs.unmount()
        return true
    }()

    init(size: String) throws {
        path = NSTemporaryDirectory() + "bm-tmpfs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run("/bin/mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remount(readOnly: Bool) throws {
        try Self.run("/bin/mount", "-o", "remount,\(readOnly ? "ro" : "rw")", path)
    }

    /// Fills the filesystem to the last block.
    func fill() throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: {
            FileManager.default.createFile(atPath: file("fill"), contents: nil)
            return file("fill")
        }()))
        defer { try? handle.close() }
        let block = Data(count: 4096)
        while (try? handle.write(contentsOf: block)) != nil {}
        let small = Data(count: 512)
        while (try? handle.write(contentsOf: small)) != nil {}
    }

    func unfill() throws { try FileManager.default.removeItem(atPath: file("fill")) }

    func unmount() {
        try? Self.run("/bin/umount", "-l", path)
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func run(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: arguments.joined(separator: " ")])
        }
    }
}
