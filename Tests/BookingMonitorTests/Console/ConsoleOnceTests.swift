import Foundation
import Testing

/// `--once`: the dashboard as text from the store alone, with no terminal and no server.
@Suite("Console --once and modes") struct ConsoleOnceTests {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs the binary with stdin, stdout and stderr not terminals.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ConsoleTmuxTests.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]) { $1 }
            .merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                   errors: String(decoding: err, as: UTF8.self))
    }

    func temporaryDatabase() throws -> (String, () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bm-once-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (directory + "/monitor.sqlite", { try? FileManager.default.removeItem(atPath: directory) })
    }

    @Test func oncePrintsTheDashboardWithoutATerminal() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        let (database, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let result = try run(["--once", "--size", "80x24", "--db", database, "--port", "1"])
        #expect(result.status == 0, "\(result.errors)")
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 24)
        #expect(lines[0].contains("link: not running (--once)"), "no link runs: it must not say ok")
        #expect(lines[2].hasPrefix("┌─ 1 Products 14 "))
        #expect(lines[4].hasPrefix("│▶  1 U Война и мир. Том 1"))
        #expect(!result.output.contains("\u{1B}"), "plain text, no escape sequences")
        #expect(!result.errors.contains("listening"), "the HTTP server is not started")
        #expect(!result.output.contains("http 127.0.0.1"), "no address: no server runs")
    }

    @Test("--once names the group the store was run for, not the default")
    func onceShowsTheStoredGroup() async throws {
        let (database, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let port = try OrchestratorStandIn.freePort()
        let monitor = try ChildProcess(["--headless", "--port", "\(port)", "--db", database, "--group", "a",
                                        "--orchestrator", "http://127.0.0.1:1"], logTo: database + ".out")
        try await eventually("serving", context: { monitor.log }) { monitor.log.contains("listening on") }
        #expect(monitor.terminate() == 0)
        let result = try run(["--once", "--size", "120x30", "--db", database])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("group a "), "\(result.output)")
        let given = try run(["--once", "--size", "120x30", "--db", database, "--group", "b"])
        #expect(given.output.contains("group b "), "--group still wins: \(given.output)")
    }

    @Test func onceInASCIIAndTooSmall() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        let (database, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let ascii = try run(["--once", "--ascii", "--size", "100x20", "--db", database])
        #expect(ascii.status == 0)
        #expect(ascii.output.split(separator: "\n")[2].hasPrefix("+- 1 Products 14 ---"))
        let small = try run(["--once", "--size", "40x10", "--db", database])
        #expect(small.output.contains("need 60x16, have 40x10") || small.output.contains("need 60×16, have 40×10"))
        let bad = try run(["--once", "--size", "wide", "--db", database])
        #expect(bad.status != 0)
        #expect(bad.errors.contains("--size must be WIDTHxHEIGHT"))
    }

    @Test func aLocaleThatIsNotUTF8TurnsOnASCII() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        let (database, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let result = try run(["--once", "--size", "100x20", "--db", database], environment: ["LANG": "C", "LC_ALL": "C"])
        #expect(result.status == 0)
        #expect(result.output.split(separator: "\n")[2].hasPrefix("+- 1 Products 14 ---"))
    }

    @Test func noTerminalWithoutHeadlessExitsTwo() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        let (database, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let result = try run(["--db", database])
        #expect(result.status == 2)
        #expect(result.errors.contains("not a terminal"))
    }
}
