import Foundation
import Testing

/// A unix datagram socket standing in for systemd's `$NOTIFY_SOCKET`: what the real binary
/// tells a service manager, read as systemd would.
final class NotifySocket: @unchecked Sendable {
    /// As `$NOTIFY_SOCKET` names it: a path, or `@name` in the abstract namespace.
    let address: String
    private let fd: Int32

    init(address: String) throws {
        self.address = address
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(address.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { close(fd); throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Every datagram that has arrived, without waiting.
    func received() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { return messages }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
    }

    deinit {
        close(fd)
        if !address.hasPrefix("@") { unlink(address) }
    }
}

@Suite("systemd notify, real binary", .serialized)
struct SystemdNotifyTests {
    @Test("READY=1 once /health/ready answers, WATCHDOG=1 at half of $WATCHDOG_USEC, STOPPING=1 on SIGTERM",
          arguments: ["path", "abstract"])
    func readyWatchdogStopping(kind: String) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let address = kind == "path" ? dir.file("notify.sock") : "@booking-monitor-test-\(UUID().uuidString.prefix(8))"
        let socket = try NotifySocket(address: address)
        let port = try OrchestratorStandIn.freePort()
        let url = "http://127.0.0.1:\(port)"
        let child = try ChildProcess(["run", "--headless", "--in-memory", "--port", "\(port)",
                                      "--orchestrator", "http://127.0.0.1:1"],
                                     logTo: dir.file("run.log"),
                                     environment: ["NOTIFY_SOCKET": address, "WATCHDOG_USEC": "200000"])
        var messages: [String] = []
        try await eventually("READY=1", context: { child.log }) {
            messages += socket.received()
            return messages.contains { $0.split(separator: "\n").contains("READY=1") }
        }
        // Ready means ready: the server answers the moment systemd is told.
        #expect(try await TestHTTP.get(url + "/health/ready").status == 200)
        #expect(messages.first?.hasPrefix("READY=1") == true, "\(messages)")
        #expect(messages.first?.contains("STATUS=listening on port \(port)") == true, "\(messages)")
        // 200 ms of watchdog: a ping every 100 ms.
        try await eventually("three WATCHDOG=1", context: { "\(messages)" }) {
            messages += socket.received()
            return messages.filter { $0 == "WATCHDOG=1" }.count >= 3
        }
        kill(child.pid, SIGTERM)
        #expect(try await child.waitForExit() == 0, "\(child.log)")
        messages += socket.received()
        #expect(messages.contains("STOPPING=1"), "\(messages)")
        #expect(messages.filter { $0.contains("READY=1") }.count == 1, "\(messages)")
    }

    @Test("no watchdog pings when $WATCHDOG_PID names another process; READY=1 all the same")
    func watchdogForAnotherProcess() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let socket = try NotifySocket(address: dir.file("notify.sock"))
        let child = try ChildProcess(["run", "--headless", "--in-memory", "--port", "0", "--orchestrator", "http://127.0.0.1:1"],
                                     logTo: dir.file("run.log"),
                                     environment: ["NOTIFY_SOCKET": dir.file("notify.sock"), "WATCHDOG_USEC": "100000",
                                                   "WATCHDOG_PID": "1"])
        var messages: [String] = []
        try await eventually("READY=1", context: { child.log }) {
            messages += socket.received()
            return messages.contains { $0.hasPrefix("READY=1") }
        }
        try await Task.sleep(for: .milliseconds(400))
        messages += socket.received()
        #expect(!messages.contains("WATCHDOG=1"), "\(messages)")
        #expect(child.terminate() == 0)
    }

    @Test("without $NOTIFY_SOCKET nothing changes: the binary runs and stops as before")
    func noNotifySocket() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let child = try ChildProcess(["run", "--headless", "--in-memory", "--port", "\(port)", "--orchestrator", "http://127.0.0.1:1"],
                                     logTo: dir.file("run.log"), environment: ["NOTIFY_SOCKET": ""])
        try await eventually("ready", context: { child.log }) {
            (try? await TestHTTP.get("http://127.0.0.1:\(port)/health/ready"))?.status == 200
        }
        #expect(child.terminate() == 0)
    }
}
