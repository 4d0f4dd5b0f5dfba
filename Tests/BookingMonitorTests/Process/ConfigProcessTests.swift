import Foundation
import Testing

/// config.toml through the real binary: a mistake is one line and exit 2 before anything
/// starts; `config --print` writes a file that reads back the same; the file's [run] values
/// are defaults that a flag beats.
@Suite("Config file of the real binary", .serialized)
struct ConfigProcessTests {
    func run(_ arguments: [String], in dir: TempDir, environment: [String: String] = [:]) async throws -> (status: Int32?, output: String) {
        let child = try ChildProcess(arguments, logTo: dir.file("out-\(UUID().uuidString.prefix(6)).log"), environment: environment)
        let status = try await child.waitForExit(seconds: 30)
        return (status, child.log)
    }

    @Test("a key bound twice: one line naming file and line, exit 2, nothing started")
    func badConfig() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let file = dir.file("config.toml")
        try "theme = \"light\"\n\n[keys]\nopen = [\"Enter\"]\ntoggle-availability = [\"Space\", \"j\"]\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await run(["--headless", "--port", "0", "--db", dir.file("m.sqlite"), "--config", file], in: dir)
        #expect(status == 2)
        #expect(output == "booking-monitor: \(file):5: key \"j\" is bound to both move-down and toggle-availability\n", "\(output)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("m.sqlite")), "no store was opened")
        // The same file found in $XDG_CONFIG_HOME, and by `config --check`.
        try FileManager.default.createDirectory(atPath: dir.file("xdg/booking-monitor"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file, toPath: dir.file("xdg/booking-monitor/config.toml"))
        let (xdgStatus, xdgOutput) = try await run(["--headless", "--port", "0", "--db", dir.file("m.sqlite")], in: dir,
                                                   environment: ["XDG_CONFIG_HOME": dir.file("xdg")])
        #expect(xdgStatus == 2)
        #expect(xdgOutput.contains("xdg/booking-monitor/config.toml:5: key \"j\""), "\(xdgOutput)")
        let (checkStatus, checkOutput) = try await run(["config", "--check", file], in: dir)
        #expect(checkStatus == 2)
        #expect(checkOutput.split(separator: "\n").count == 1 && checkOutput.contains(":5: key \"j\""), "\(checkOutput)")
        // A missing --config is an error; a bad --theme too.
        let (missing, missingOutput) = try await run(["--headless", "--config", dir.file("none.toml")], in: dir)
        #expect(missing == 2 && missingOutput.contains("none.toml: no such file"), "\(missingOutput)")
        let (theme, themeOutput) = try await run(["--headless", "--theme", "solarized"], in: dir)
        #expect(theme != 0 && themeOutput.contains("--theme must be one of dark, light, colourblind"), "\(themeOutput)")
    }

    @Test("config --print round-trips: printed, checked, printed again the same")
    func printRoundTrips() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let file = dir.file("config.toml")
        try "theme = \"colourblind\"\n[keys]\nmove-down = [\"n\", \"Down\"]\n[run]\nport = 5098\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (status, printed) = try await run(["config", "--print", file], in: dir)
        #expect(status == 0, "\(printed)")
        #expect(printed.contains("theme = 'colourblind'") || printed.contains("theme = \"colourblind\""), "\(printed)")
        #expect(printed.contains("move-down = [ 'n', 'Down' ]") || printed.contains("move-down = [ \"n\", \"Down\" ]"), "\(printed)")
        #expect(printed.contains("port = 5098"))
        #expect(printed.contains("toggle-availability"), "every command is listed")
        let copy = dir.file("printed.toml")
        try printed.write(toFile: copy, atomically: true, encoding: .utf8)
        let (checked, checkOutput) = try await run(["config", "--check", copy], in: dir)
        #expect(checked == 0 && checkOutput.contains(": ok"), "\(checkOutput)")
        let (again, reprinted) = try await run(["config", "--print", copy], in: dir)
        #expect(again == 0)
        #expect(reprinted == printed)
    }

    @Test("the file's [run] port is used; --port beats it")
    func fileDefaultsAndFlags() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let filePort = try OrchestratorStandIn.freePort()
        let file = dir.file("config.toml")
        try "[run]\nport = \(filePort)\norchestrator = \"http://127.0.0.1:1\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let first = try ChildProcess(["--headless", "--db", dir.file("a.sqlite"), "--config", file], logTo: dir.file("a.log"))
        try await eventually("ready on the file's port") {
            (try? await TestHTTP.get("http://127.0.0.1:\(filePort)/health/ready"))?.status == 200
        }
        #expect(first.terminate() == 0)
        let flagPort = try OrchestratorStandIn.freePort()
        let second = try ChildProcess(["--headless", "--db", dir.file("b.sqlite"), "--config", file, "--port", "\(flagPort)"],
                                      logTo: dir.file("b.log"))
        try await eventually("ready on the flag's port") {
            (try? await TestHTTP.get("http://127.0.0.1:\(flagPort)/health/ready"))?.status == 200
        }
        #expect((try? await TestHTTP.get("http://127.0.0.1:\(filePort)/health/ready")) == nil)
        #expect(second.terminate() == 0)
    }
}
