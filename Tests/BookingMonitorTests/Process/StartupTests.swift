import Foundation
import Testing

/// A socket listening on a port, so the port is taken (released on deinit).
final class PortHolder: @unchecked Sendable {
    let fd: Int32
    let port: Int

    /// nil when the port cannot be had (someone else holds it: it is busy either way).
    init?(port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
        self.port = port
    }

    deinit { close(fd) }
}

/// Start-up failures of the real binary: one line that says what to do, exit 1, never a crash.
@Suite("Start-up of the real binary", .serialized)
struct StartupTests {
    func run(_ arguments: [String], in dir: TempDir, environment: [String: String] = [:]) async throws
        -> (status: Int32?, output: String) {
        let child = try ChildProcess(arguments, logTo: dir.file("out-\(UUID().uuidString.prefix(6)).log"),
                                     environment: environment)
        let status = try await child.waitForExit(seconds: 60)
        if status == nil { child.kill9() }
        return (status, child.log)
    }

    @Test("a port in use: one line naming the port and --port, exit 1, 20 runs without a crash")
    func portInUse() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let holder = try #require(PortHolder(port: port))
        for run in 1...20 {
            let (status, output) = try await self.run(["--headless", "--port", "\(port)", "--in-memory"], in: dir)
            #expect(status == 1, "run \(run): \(output)")
            let lines = output.split(separator: "\n")
            #expect(lines.count == 1, "run \(run): \(output)")
            #expect(output.contains("port \(port) is in use") && output.contains("--port 0"), "run \(run): \(output)")
        }
        _ = holder
    }

    @Test("orchestrator with a --port in use: the same one line, exit 1")
    func orchestratorPortInUse() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let holder = try #require(PortHolder(port: port))
        let (status, output) = try await self.run(["orchestrator", "--port", "\(port)"], in: dir)
        #expect(status == 1, "\(output)")
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.contains("port \(port) is in use") && output.contains("--port 0"), "\(output)")
        _ = holder
    }

    @Test("demo with a --port in use: the same one line, exit 1, no summary")
    func demoPortInUse() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let holder = try #require(PortHolder(port: port))
        for run in 1...5 {
            let (status, output) = try await self.run(["demo", "--headless", "--port", "\(port)", "--simulator-port", "0",
                                                       "--duration", "1"], in: dir)
            #expect(status == 1, "run \(run): \(output)")
            #expect(output.split(separator: "\n").count == 1, "run \(run): \(output)")
            #expect(output.contains("port \(port) is in use"), "run \(run): \(output)")
            #expect(!output.contains("summary"), "run \(run): \(output)")
        }
        _ = holder
    }

    @Test("demo with its default ports busy takes free ones, says which, and works")
    func demoFallsBack() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // Held here, or by someone else: busy either way.
        let holders = [PortHolder(port: 5039), PortHolder(port: 5012)]
        let (status, output) = try await run(["demo", "--headless", "--duration", "2", "--order-every", "0.2",
                                              "--stock-every", "0.2"], in: dir)
        #expect(status == 0, "\(output)")
        #expect(output.contains("port 5039 is in use; the monitor listens on port"), "\(output)")
        #expect(output.contains("port 5012 is in use; the Orchestrator simulator listens on port"), "\(output)")
        let summary = try #require(output.split(separator: "\n").last { $0.hasPrefix("summary:") }, "\(output)")
        #expect(!summary.contains("orders=0 "), "\(summary)")
        _ = holders
    }

    @Test("--token empty or with surrounding whitespace: one line, non-zero exit",
          arguments: [["--token", ""], ["--token", " s3cret"], ["--token", "s3cret\n"]])
    func badToken(arguments: [String]) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, output) = try await run(["--headless", "--port", "0", "--in-memory"] + arguments, in: dir)
        #expect(status != 0 && status != nil, "\(output)")
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.contains("--token"), "\(output)")
    }

    @Test("demo refuses --orchestrator (it runs its own), in one line")
    func demoRefusesOrchestrator() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, output) = try await run(["demo", "--headless", "--orchestrator", "http://127.0.0.1:5012",
                                              "--duration", "1"], in: dir)
        #expect(status != 0 && status != nil, "\(output)")
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.contains("--orchestrator"), "\(output)")
    }

    @Test("demo --help names the d key for the generators, not g")
    func demoHelp() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (status, output) = try await run(["demo", "--help"], in: dir)
        #expect(status == 0)
        let flat = output.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(flat.contains("console's d key"), "\(output)")
        #expect(!flat.contains("g key"), "\(output)")
    }

    @Test("operator actions reach the log: a switch-state, a pause over HTTP")
    func operatorActionsLogged() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let child = try ChildProcess(["--headless", "--port", "\(port)", "--in-memory", "--orchestrator", "http://127.0.0.1:1"],
                                     logTo: dir.file("monitor.log"))
        defer { _ = child.terminate() }
        let base = "http://127.0.0.1:\(port)"
        try await eventually("ready") { (try? await TestHTTP.get(base + "/health/ready"))?.status == 200 }
        #expect(try await TestHTTP.request(.PUT, base + "/administration/switch-state/2?isAvailable=true").status == 200)
        try await eventually("the flip in the log", context: { child.log }) {
            child.log.contains("operator action: api: product 2 available")
        }
    }
}

/// Descriptors: the soft open-file limit is raised to the hard one at start, and the
/// connection cap stays below what is left, so idle clients cannot starve health and the link.
@Suite("Descriptors of the real binary", .serialized)
struct DescriptorTests {
    /// A request on a new connection (a pooled client would reuse one opened before the idle
    /// ones, and prove nothing); nil when no answer comes within the bound.
    func freshRequest(_ request: String, port: Int) async -> Int? {
        guard let socket = try? await RawSocket.connect(port: port, timeout: 20) else { return nil }
        socket.send(request)
        return RawResponse(await socket.readResponse().text)?.status
    }

    func openIdle(_ count: Int, port: Int) async -> [RawSocket] {
        var sockets: [RawSocket] = []
        for _ in 0..<count { if let socket = try? await RawSocket.connect(port: port, timeout: 5) { sockets.append(socket) } }
        return sockets
    }

    @Test("soft limit 1024: 1,100 idle connections, and /health/live still answers")
    func softLimitRaised() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let child = try ChildProcess(["--headless", "--port", "\(port)", "--in-memory", "--orchestrator", "http://127.0.0.1:1"],
                                     logTo: dir.file("monitor.log"), shell: "ulimit -Sn 1024")
        defer { _ = child.terminate() }
        let base = "http://127.0.0.1:\(port)"
        try await eventually("ready", context: { child.log }) { (try? await TestHTTP.get(base + "/health/ready"))?.status == 200 }
        let idle = await openIdle(1100, port: port)
        #expect(idle.count == 1100)
        #expect(await freshRequest("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n", port: port) == 200)
        #expect(child.isRunning)
        let limits = try String(contentsOfFile: "/proc/\(child.pid)/limits", encoding: .utf8)
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let numbers = line.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] == numbers[1], "soft raised to hard: \(line)")
    }

    @Test("hard limit 1024: the cap is lowered to fit; 1,100 idle connections, health and switch-state answer")
    func hardLimitCap() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let child = try ChildProcess(["--headless", "--port", "\(port)", "--in-memory", "--orchestrator", "http://127.0.0.1:1"],
                                     logTo: dir.file("monitor.log"), shell: "ulimit -n 1024")
        defer { _ = child.terminate() }
        let base = "http://127.0.0.1:\(port)"
        try await eventually("ready", context: { child.log }) { (try? await TestHTTP.get(base + "/health/ready"))?.status == 200 }
        #expect(child.log.contains("at most 960 client connections"), "\(child.log)")
        let idle = await openIdle(1100, port: port)
        #expect(idle.count == 1100)
        #expect(await freshRequest("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n", port: port) == 200)
        #expect(await freshRequest("PUT /administration/switch-state/1?isAvailable=true HTTP/1.1\r\nHost: x\r\n\r\n",
                                   port: port) == 200)
        #expect(!child.log.contains("Too many open files"), "\(child.log)")
    }
}
