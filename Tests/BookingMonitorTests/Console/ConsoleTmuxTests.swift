import AsyncHTTPClient
import Foundation
import GRDB
import NIOCore
import Testing

/// The real binary in a real terminal: tmux runs `booking-monitor` in a pane, the test reads
/// the screen with `capture-pane`, talks to the same process over HTTP, and types keys.
@Suite("Console end-to-end in tmux", .serialized) struct ConsoleTmuxTests {
    /// `.build/debug/booking-monitor`, from this file's place in the repository.
    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/booking-monitor").path
    }

    @Test func operatorBooksFromTheConsoleWhileHTTPPushesQueues() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "build the binary first (swift build): \(Self.binary)")
        let pane = try TmuxPane(width: 100, height: 30)
        defer { pane.kill() }
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)/administration"
        try pane.start("\(Self.binary) --db \(pane.directory)/monitor.sqlite --port \(port) "
                       + "--orchestrator http://127.0.0.1:1 --group e2e")

        // The demo catalog in Cyrillic is on screen, laid out in columns.
        let first = try await pane.waitFor("the Products pane with Cyrillic titles") { $0.contains("▶  1 U Война и мир. Том 1") }
        // Colour reaches the terminal: the blue selection bar, the red U.
        let styled = try pane.tmux("capture-pane", "-p", "-e", "-t", "console")
        #expect(styled.contains("44m"), "blue background of the selection bar")
        #expect(styled.contains("31m"), "red U")
        #expect(first.contains("  7 U Мастер и Маргарита"))
        try await eventually("the HTTP endpoint", within: 30) { (try? await http("GET", "\(base)/get-products")) != nil }

        // A key reaches the monitor, and the HTTP API sees it: `a` on product 1 (no queue).
        try pane.keys("a")
        try await pane.waitFor("product 1 available") { $0.contains("▶  1 A Война и мир. Том 1") }
        let afterA = try await products(base)
        #expect(afterA.first { $0.id == 1 }?.isAvailable == true)

        // A queue pushed over HTTP shows up at once.
        _ = try await http("POST", "\(base)/set-queue",
                           body: #"[{"Title":"Мастер и Маргарита","Customers":[{"CustomerId":7}]}]"#)
        try await pane.waitFor("the pushed queue in the Queues pane") { $0.contains("Мастер и Маргарита 1: 7") }

        // Products 7–9 are "Мастер и Маргарита": move to 7 and press Space.
        try pane.keys("j", "j", "j", "j", "j", "j")
        try await pane.waitFor("product 7 selected") { $0.contains("▶  7 U Мастер и Маргарита") }
        try pane.keys("Space")
        let booked = try await pane.waitFor("the booking on screen") { $0.contains("▶  7 B Мастер и Маргарита") }
        #expect(booked.contains("→ 7"))
        #expect(booked.contains("booked for customer 7"))
        let afterSpace = try await products(base)
        #expect(afterSpace.first { $0.id == 7 }?.isAvailable == false)
        let outbox = try JSONSerialization.jsonObject(with: try await http("GET", "\(base)/outbox")) as? [[String: Any]]
        #expect(outbox?.contains { ($0["productId"] as? Int) == 7 && ($0["customerId"] as? Int) == 7 } == true,
                "\(String(describing: outbox))")

        // Resize: smaller re-lays out (narrow layout), back to the original size again.
        try pane.resize(width: 60, height: 20)
        let narrow = try await pane.waitFor("the 60x20 layout") { screen in
            let lines = screenLines(screen)
            return lines.count == 20 && lines.contains { $0.hasPrefix("┌─ 1 Products 14") && $0.hasSuffix("┐") && $0.count == 60 }
        }
        #expect(narrow.contains("▶  7 B Мастер"))
        try pane.resize(width: 40, height: 10)
        try await pane.waitFor("the too-small screen") { $0.contains("terminal too small") }
        try pane.resize(width: 100, height: 30)
        try await pane.waitFor("the 100x30 layout again") { screen in
            screenLines(screen).count == 30 && screenLines(screen)
                .contains { $0.hasPrefix("┌─ 1 Products 14") && $0.count == 100 }
        }

        // Function keys come through curses' keypad decoding (and the Home/End tmux sends).
        try pane.keys("Home")
        try await pane.waitFor("Home: the first row") { $0.contains("▶  1 A Война и мир. Том 1") }
        try pane.keys("Down")
        try await pane.waitFor("Down: the second row") { $0.contains("▶  2 U Война и мир. Том 1") }
        try pane.keys("End")
        try await pane.waitFor("End: the last row") { $0.contains("▶ 14 U Отцы и дети") }
        try pane.keys("Tab")
        try await pane.waitFor("Tab: Queues focused") { $0.contains("▶ Мастер и Маргарита 1: 7") }

        // q quits the whole process with status 0 and gives the terminal back.
        #expect(try pane.flags() == .init(alternateScreen: true, cursorVisible: false))
        try pane.keys("q")
        let status = try await pane.waitForExit()
        #expect(status == 0)
        #expect(try pane.flags() == .init(alternateScreen: false, cursorVisible: true))
    }

    @Test("Enter, c and Esc drive the views; after a restart Activity starts from the history")
    func viewsAndRestart() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let pane = try TmuxPane(width: 120, height: 32)
        defer { pane.kill() }
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)/administration"
        let command = "\(Self.binary) --db \(pane.directory)/monitor.sqlite --port \(port) --orchestrator http://127.0.0.1:1"
        try pane.start(command)
        try await pane.waitFor("the dashboard") { $0.contains("▶  1 U Война и мир. Том 1") }
        try await eventually("the HTTP endpoint", within: 30) { (try? await http("GET", "\(base)/get-products")) != nil }
        _ = try await http("POST", "\(base)/set-queue",
                           body: #"[{"Title":"Мастер и Маргарита","Customers":[{"CustomerId":7},{"CustomerId":8}]}]"#)
        try await pane.waitFor("the queue") { $0.contains("Мастер и Маргарита 2: 7 8") }
        try pane.keys("j", "j", "j", "j", "j", "j")
        try await pane.waitFor("product 7 selected") { $0.contains("▶  7 U Мастер и Маргарита") }
        try pane.keys("Space")
        try await pane.waitFor("booked") { $0.contains("▶  7 B Мастер и Маргарита") }

        try pane.keys("Enter")
        let detail = try await pane.waitFor("the product's detail") { $0.contains("Product 7 «Мастер и Маргарита»") }
        #expect(detail.contains("for customer 7"))
        #expect(detail.contains("History, newest first"))
        #expect(detail.contains("product 7 → customer 7"))
        #expect(detail.contains("console: product 7 available"))
        try pane.keys("Escape")
        try await pane.waitFor("back on the dashboard") { $0.contains("1 Products 14") }

        try pane.keys("2", "Enter")
        let queue = try await pane.waitFor("the whole queue") { $0.contains("Queue «Мастер и Маргарита»: 2 customers") }
        #expect(queue.contains("customer 7  booked"))
        #expect(queue.contains("customer 8"))
        try pane.keys("Enter")
        try await pane.waitFor("customer 7 from the queue") { $0.contains("Customer 7") && $0.contains("Queues of push #1") }
        try pane.keys("Escape", "Escape")
        try await pane.waitFor("back on the dashboard") { $0.contains("1 Products 14") }

        try pane.keys("c", "8")
        try await pane.waitFor("the prompt") { $0.contains("customer id: 8") }
        try pane.keys("Enter")
        let customer = try await pane.waitFor("customer 8") { $0.contains("Customer 8") && $0.contains("Why, per title") }
        #expect(customer.contains("«Мастер и Маргарита»  2 of 2"))
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)

        // The same database again: Activity comes back from the history.
        let again = try TmuxPane(width: 120, height: 32)
        defer { again.kill() }
        try again.start(command.replacingOccurrences(of: "--db \(again.directory)", with: "--db \(pane.directory)"))
        let restarted = try await again.waitFor("Activity after the restart") { $0.contains("3 Activity") }
        #expect(restarted.contains("product 7 → customer 7"), "\(restarted)")
        #expect(restarted.contains("console: product 7 available"))
        try again.keys("q")
        _ = try await again.waitForExit()
    }

    @Test("marks and a bulk action, undo, the command line with its history, and sort, in a real terminal")
    func marksBulkUndoCommandLineAndSort() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let pane = try TmuxPane(width: 120, height: 32)
        defer { pane.kill() }
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)/administration"
        let database = "\(pane.directory)/monitor.sqlite"
        try pane.start("env XDG_STATE_HOME=\(pane.directory)/state \(Self.binary) --db \(database) --port \(port) "
                       + "--orchestrator http://127.0.0.1:1")
        try await pane.waitFor("the dashboard") { $0.contains("▶  1 U Война и мир. Том 1") }
        try await eventually("the HTTP endpoint", within: 30) { (try? await http("GET", "\(base)/get-products")) != nil }
        _ = try await http("POST", "\(base)/set-queue",
                           body: #"[{"Title":"Мастер и Маргарита","Customers":[{"CustomerId":7}]}]"#)
        try await pane.waitFor("the queue") { $0.contains("Мастер и Маргарита 1: 7") }

        // m, m: two marks, counted in the footer; a: one bulk action on both.
        try pane.keys("m", "m")
        let marked = try await pane.waitFor("two marks") { $0.contains(" 2  marked (x clears)") }
        #expect(marked.contains("│ ● 1 U Война и мир. Том 1"), "\(marked)")
        try pane.keys("a")
        try await pane.waitFor("the bulk action") { $0.contains("2 products available (U undoes)") }
        #expect(try await products(base).filter(\.isAvailable).map(\.id) == [1, 2])

        // U: both unavailable again, as a whole.
        try pane.keys("U")
        try await pane.waitFor("the undo") { $0.contains("undone 2 products marked: 2 products put back") }
        #expect(try await products(base).filter(\.isAvailable).isEmpty)

        // The command line: avail 7-9 books product 7 for customer 7 at once.
        try pane.keys(":")
        try await pane.waitFor("the prompt") { $0.contains(" :▏") }
        try pane.keys("avail 7-9", "Enter")
        try await pane.waitFor("the command's bulk action") { $0.contains("3 products available, 1 booked at once (7 → customer 7)") }
        // Its undo would take product 7 from customer 7: refused, and the line says why.
        try pane.keys("C-z")
        try await pane.waitFor("the refusal") {
            $0.contains("cannot undo: product 7 was booked by customer 7 at") && $0.contains("by that action")
        }
        #expect(try await products(base).filter(\.isAvailable).map(\.id) == [8, 9])

        // Sort by status, descending, from the command line with Tab completion.
        try pane.keys(":", "sort st", "Tab", "de", "Tab", "Enter")
        let sorted = try await pane.waitFor("sorted by status, descending") { $0.contains("S▼") }
        let lines = screenLines(sorted)
        let heading = try #require(lines.firstIndex { $0.contains("S▼") })
        #expect(lines[heading + 1].contains("14 U Отцы и дети"), "U first when descending, highest id first: \(sorted)")
        try pane.keys("s")
        try await pane.waitFor("s: the next column") { $0.contains("Title▲") }

        // The history: ↑ brings the last command back.
        try pane.keys(":", "Up")
        try await pane.waitFor("the history") { $0.contains(" :sort status desc") }
        try pane.keys("Escape", "q")
        #expect(try await pane.waitForExit() == 0)
        let saved = try String(contentsOfFile: "\(pane.directory)/state/booking-monitor/command-history", encoding: .utf8)
        #expect(saved == "avail 7-9\nsort status desc\n")

        // The real SQLite state: one history entry per product and action, the undo's among them.
        let history = try await DatabaseQueue(path: database).read { db in
            try Row.fetchAll(db, sql: "SELECT source, product_id, kind FROM history WHERE kind IN ('product', 'booking') ORDER BY sequence")
                .map { "\($0["source"] as String? ?? "") \($0["product_id"] as Int? ?? 0) \($0["kind"] as String)" }
        }
        #expect(history == ["console 1 product", "console 2 product", "console undo 1 product", "console undo 2 product",
                            "console 7 product", "console 8 product", "console 9 product", "checker 7 booking"], "\(history)")
    }

    @Test("SIGTERM and SIGINT restore the terminal", arguments: [SIGTERM, SIGINT])
    func signalRestoresTheTerminal(_ signal: Int32) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let pane = try TmuxPane(width: 90, height: 25)
        defer { pane.kill() }
        try pane.start("env NO_COLOR=1 \(Self.binary) --db \(pane.directory)/monitor.sqlite --port \(try freePort()) "
                       + "--orchestrator http://127.0.0.1:1")
        try await pane.waitFor("the dashboard") { $0.contains("1 Products 14") }
        #expect(try pane.flags() == .init(alternateScreen: true, cursorVisible: false))
        // NO_COLOR: attributes only, no colour in any SGR sequence on the screen.
        let styled = try pane.tmux("capture-pane", "-p", "-e", "-t", "console")
        #expect(styled.contains("\u{1B}[7m"), "reverse video for the selection and the focused title")
        #expect(styled.range(of: #"\x1B\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m"#, options: .regularExpression) == nil)
        let shell = try #require(Int32(try pane.tmux("display-message", "-p", "-t", "console", "#{pane_pid}")
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let monitor = try #require(childProcess(of: shell), "the monitor process under the pane's shell")
        #expect(kill(monitor, signal) == 0)
        #expect(try await pane.waitForExit() == 0)
        #expect(try pane.flags() == .init(alternateScreen: false, cursorVisible: true))
        #expect(!(try pane.capture()).contains("Products"), "the dashboard is gone from the screen")
    }

    /// A burst of queue pushes is drawn in far fewer frames than changes: redraws are
    /// coalesced to about 30 a second. The console logs its frame count when it stops.
    @Test func aBurstOfChangesIsCoalesced() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let pane = try TmuxPane(width: 100, height: 30)
        defer { pane.kill() }
        let port = try freePort()
        try pane.start("\(Self.binary) --db \(pane.directory)/monitor.sqlite --port \(port) --orchestrator http://127.0.0.1:1 "
                       + "--no-color")
        try await pane.waitFor("the dashboard") { $0.contains("1 Products 14") }
        let styled = try pane.tmux("capture-pane", "-p", "-e", "-t", "console")
        #expect(styled.contains("\u{1B}[7m") && !styled.contains("44m"), "--no-color: reverse video, no blue bar")
        let url = "http://127.0.0.1:\(port)/administration/set-queue"
        try await eventually("the HTTP endpoint", within: 30) { (try? await http("GET", "http://127.0.0.1:\(port)/administration/get-products")) != nil }
        let pushes = 400
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<pushes / 8 {
                        _ = try await http("POST", url, body: #"[{"Title":"Идиот","Customers":[{"CustomerId":"#
                                           + "\(worker * 1000 + index)" + "}]}]")
                    }
                }
            }
            try await group.waitForAll()
        }
        try await pane.waitFor("the last push on screen") { $0.contains("(#\(pushes)): 1 in 1 queue") }
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)
        let log = try String(contentsOfFile: pane.directory + "/monitor.log", encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.contains("console drew") }, "\(log)")
        let numbers = line.split(whereSeparator: { !$0.isNumber && $0 != "." }).compactMap { Double($0) }
        // "console drew F frames for C changes in S seconds" (the timestamp's digits come first).
        let tail = Array(numbers.suffix(3))
        try #require(tail.count == 3, "\(line)")
        let (frames, changes, seconds) = (tail[0], tail[1], tail[2])
        print("coalescing: \(line)")
        #expect(changes >= Double(pushes), "\(line)")
        #expect(frames <= 30 * seconds + 10, "at most ~30 frames a second: \(line)")
        #expect(frames < changes / 2, "\(line)")
    }

    /// LANG=C: ncursesw in a single-byte locale drew every non-ASCII title blank. The console
    /// takes a UTF-8 character type for curses when one is installed (C.UTF-8 here).
    @Test func aNonUTF8LocaleStillShowsTheTitles() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let pane = try TmuxPane(width: 100, height: 30)
        defer { pane.kill() }
        try pane.start("env LANG=C LC_ALL=C \(Self.binary) --db \(pane.directory)/monitor.sqlite --port \(try freePort()) "
                       + "--orchestrator http://127.0.0.1:1")
        let screen = try await pane.waitFor("the Cyrillic titles in the Products pane") { $0.contains("1 U Война и мир. Том 1") }
        // ASCII borders still (the locale is not UTF-8), the titles as they are.
        #expect(screen.contains("+- 1 Products 14"), "\(screen)")
        #expect(screen.contains("7 U Мастер и Маргарита"), "\(screen)")
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)
    }

    /// TERM=vt100 has no colours: the colour theme's blue selection bar vanished. A background
    /// becomes reverse video on such a terminal.
    @Test func theSelectionShowsOnATerminalWithoutColours() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary))
        let pane = try TmuxPane(width: 100, height: 30)
        defer { pane.kill() }
        try pane.start("env TERM=vt100 \(Self.binary) --db \(pane.directory)/monitor.sqlite --port \(try freePort()) "
                       + "--orchestrator http://127.0.0.1:1")
        try await pane.waitFor("the dashboard") { $0.contains("1 U Война и мир. Том 1") }
        let styled = try pane.tmux("capture-pane", "-p", "-e", "-t", "console")
        let selected = try #require(styled.split(separator: "\n").first { $0.contains("Война и мир. Том 1") && $0.contains("▶") },
                                    "\(styled)")
        #expect(selected.contains("\u{1B}[7m") || selected.range(of: #"\x1B\[[0-9;]*;7[;m]"#, options: .regularExpression) != nil,
                "reverse video on the selected row: \(selected.debugDescription)")
        let other = try #require(styled.split(separator: "\n").first { $0.contains("2 U Война и мир. Том 1") })
        #expect(!other.contains("\u{1B}[7m"), "only the selected row: \(other.debugDescription)")
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)
    }

    /// The first child of `parent`, from /proc.
    func childProcess(of parent: Int32) -> Int32? {
        let path = "/proc/\(parent)/task/\(parent)/children"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: " ").first.flatMap { Int32($0) }
    }

    struct ProductBody: Decodable { var id: Int; var isAvailable: Bool }

    func products(_ base: String) async throws -> [ProductBody] {
        try JSONDecoder().decode([ProductBody].self, from: try await http("GET", "\(base)/get-products"))
    }
}

/// `capture-pane -p` output as lines, without the newline after the last one.
private func screenLines(_ screen: String) -> [Substring] {
    var lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// A tmux server of its own (its own socket), one pane of a fixed size; `kill` ends it all.
struct TmuxPane {
    let socket = "bm-e2e-\(UUID().uuidString.prefix(8))"
    let directory: String

    init(width: Int, height: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.width = width
        self.height = height
    }

    let width: Int
    let height: Int

    /// Runs `command` in a new session; its exit status lands in `exit` in `directory`.
    func start(_ command: String) throws {
        // NO_COLOR is cleared: the test runner may set it, and each test chooses its mode by flag.
        let script = "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \(command); echo $? > \(directory)/exit; sleep 60"
        // The server this forks inherits the client's stdout: give it /dev/null rather than
        // a capture file.
        try tmux(["new-session", "-d", "-s", "console", "-x", "\(width)", "-y", "\(height)", script], detached: true)
    }

    func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", "console"] + keys) }

    func resize(width: Int, height: Int) throws {
        try tmux("resize-window", "-t", "console", "-x", "\(width)", "-y", "\(height)")
    }

    func capture() throws -> String { try tmux("capture-pane", "-p", "-t", "console") }

    struct Flags: Equatable {
        var alternateScreen: Bool
        var cursorVisible: Bool
    }

    /// What curses changed in the terminal: the alternate screen and the hidden cursor.
    func flags() throws -> Flags {
        let text = try tmux("display-message", "-p", "-t", "console", "#{alternate_on} #{cursor_flag}")
        let values = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return Flags(alternateScreen: values.first == "1", cursorVisible: values.last == "1")
    }

    @discardableResult
    func waitFor(_ what: String, _ condition: (String) -> Bool) async throws -> String {
        var screen = ""
        try await eventually(what, within: 30, context: { "screen:\n" + screen }) {
            screen = (try? capture()) ?? ""
            return condition(screen)
        }
        return screen
    }

    func waitForExit() async throws -> Int? {
        let file = directory + "/exit"
        try await eventually("the process to exit", within: 30, context: { "screen:\n" + ((try? capture()) ?? "") }) {
            FileManager.default.fileExists(atPath: file)
        }
        return try Int(String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func kill() {
        _ = try? tmux("kill-server")
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    func tmux(_ arguments: String...) throws -> String { try tmux(arguments) }

    /// Runs tmux and waits for it. Not `Foundation.Process`: on Linux it waits for every
    /// process holding the child's end of its status pipe, and the tmux server that
    /// `new-session` forks keeps it for as long as it runs.
    @discardableResult
    func tmux(_ arguments: [String], detached: Bool = false) throws -> String {
        let outputPath = directory + "/tmux-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, detached ? "/dev/null" : outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw TmuxError(description: "cannot run tmux: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")): status \(status): \(text)")
        }
        return text
    }

    struct TmuxError: Error, CustomStringConvertible { var description: String }
}

func http(_ method: String, _ url: String, body: String? = nil) async throws -> Data {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 16 << 20)
    guard (200..<300).contains(Int(response.status.code)) else {
        throw URLError(.badServerResponse, userInfo: [NSLocalizedDescriptionKey: "\(method) \(url): \(response.status)"])
    }
    return Data(bytes.readableBytesView)
}

/// A port nothing listens on right now.
func freePort() throws -> Int { try OrchestratorStandIn.freePort() }
