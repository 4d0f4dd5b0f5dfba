import Foundation
import Testing

/// A file of this repository (packaging/, ops/), found from this source file.
enum RepositoryFile {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }
}

/// What the package ships beside the binary is held to the binary: `--version`, the shell
/// completions and the man page (packaging/, written by scripts/gen-manual.sh).
@Suite("Packaging, real binary", .serialized)
struct PackagingTests {
    func run(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
        let dir = try TempDir()
        defer { dir.remove() }
        let child = try ChildProcess(arguments, logTo: dir.file("out.log"))
        let status = try await child.waitForExit(seconds: 30)
        return (status, child.log)
    }

    @Test("--version: the version and the commit (or 'unknown commit'), one line, exit 0")
    func version() async throws {
        let (status, output) = try await run(["--version"])
        #expect(status == 0)
        let line = output.trimmingCharacters(in: .newlines)
        #expect(line.wholeMatch(of: /\d+\.\d+\.\d+ \((commit [0-9a-f]{7,40}(-dirty)?|unknown commit)\)/) != nil, "\(output)")
        // CI names the commit it packaged: the installed binary must say it.
        if let commit = ProcessInfo.processInfo.environment["BOOKING_MONITOR_EXPECT_COMMIT"], !commit.isEmpty {
            #expect(line.contains("(commit \(commit)"), "\(line)")
        }
    }

    @Test("the committed shell completions are what the binary generates", arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) async throws {
        let (status, output) = try await run(["--generate-completion-script", shell])
        #expect(status == 0)
        let committed = try RepositoryFile.text("packaging/completions/booking-monitor.\(shell)")
        #expect(output == committed, "packaging/completions/booking-monitor.\(shell) is stale: run scripts/gen-manual.sh")
    }

    @Test("the committed man page lists every command, flag and help line the binary has, and no other flag")
    func manPage() async throws {
        let (status, output) = try await run(["--experimental-dump-help"])
        #expect(status == 0)
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let manual = try RepositoryFile.text("packaging/man/booking-monitor.1")
        let stale = "packaging/man/booking-monitor.1 is stale: run scripts/gen-manual.sh"
        var flags: Set<String> = []
        func check(_ command: [String: Any], path: String) {
            let name = command["commandName"] as? String ?? "?"
            if let abstract = command["abstract"] as? String, !abstract.isEmpty {
                #expect(manual.contains(abstract), "\(path): \"\(abstract)\" missing; \(stale)")
            }
            if path != "booking-monitor" { #expect(manual.contains(".It Em \(name)\n"), "command \(path) missing; \(stale)") }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool != false {
                for long in (argument["names"] as? [[String: Any]] ?? []).filter({ $0["kind"] as? String == "long" }) {
                    let flag = long["name"] as? String ?? ""
                    flags.insert(flag)
                    #expect(manual.contains("Fl -\(flag)"), "\(path) --\(flag) missing; \(stale)")
                }
                // generate-manual drops what is not ASCII ("ids 1…N" becomes "ids 1N").
                if let abstract = (argument["abstract"] as? String).map({ String($0.filter(\.isASCII)) }), !abstract.isEmpty {
                    #expect(manual.contains(abstract), "\(path): help \"\(abstract)\" missing; \(stale)")
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                check(sub, path: path + " " + (sub["commandName"] as? String ?? "?"))
            }
        }
        check(try #require(dump["command"] as? [String: Any]), path: "booking-monitor")
        #expect(flags.count > 30, "\(flags.sorted())")
        for match in manual.matches(of: /Fl (?:[a-z] , )?-([a-z][a-z0-9-]*)/) where !flags.contains(String(match.output.1)) {
            Issue.record("the man page documents --\(match.output.1), which the binary does not have; \(stale)")
        }
    }
}
