import Foundation
import Testing

/// The mouse in a real terminal: tmux runs the binary, the test sends SGR 1006 mouse reports
/// (the bytes a terminal sends) with `send-keys -H`, and reads the screen.
@Suite("Console mouse end-to-end in tmux", .serialized) struct ConsoleTmuxMouseTests {
    /// `ESC [ < button ; column ; row M` (press) or `m` (release); column and row from 1.
    static func sgr(_ button: Int, x: Int, y: Int, release: Bool = false) -> String {
        "\u{1B}[<\(button);\(x + 1);\(y + 1)\(release ? "m" : "M")"
    }

    static func click(x: Int, y: Int) -> String { sgr(0, x: x, y: y) + sgr(0, x: x, y: y, release: true) }

    func send(_ pane: TmuxPane, _ report: String) throws {
        try pane.tmux(["send-keys", "-t", "console", "-H"] + report.utf8.map { String(format: "%02x", $0) })
    }

    @Test("click, wheel and double click through tmux, beyond column 223")
    func clickWheelAndDoubleClick() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        // 250 columns: the wide layout puts Queues at columns 150–249, past X10's 223.
        let pane = try TmuxPane(width: 250, height: 30)
        defer { pane.kill() }
        let port = try freePort()
        let base = "http://127.0.0.1:\(port)/administration"
        try pane.start("\(ConsoleTmuxTests.binary) --db \(pane.directory)/monitor.sqlite --port \(port) "
                       + "--orchestrator http://127.0.0.1:1")
        try await pane.waitFor("the dashboard") { $0.contains("▶  1 U Война и мир. Том 1") }
        // ncurses asked the terminal for SGR 1006 reports (TERM=xterm-256color: XM has 1006).
        let flags = try pane.tmux("display-message", "-p", "-t", "console", "#{mouse_sgr_flag} #{mouse_standard_flag}")
        #expect(flags.trimmingCharacters(in: .whitespacesAndNewlines) == "1 1", "SGR and button reports on: \(flags)")
        try await eventually("the HTTP endpoint", within: 30) { (try? await http("GET", "\(base)/get-products")) != nil }
        _ = try await http("POST", "\(base)/set-queue", body: #"[{"Title":"Мастер и Маргарита","Customers":[{"CustomerId":7}]},"#
                           + #"{"Title":"Идиот","Customers":[{"CustomerId":21}]}]"#)
        try await pane.waitFor("the queues") { $0.contains("Идиот") }

        // A click on the second queue (row 4, column 230) focuses Queues and selects it.
        try send(pane, Self.click(x: 230, y: 4))
        try await pane.waitFor("Идиот selected in Queues") { $0.contains("▶ Идиот") }

        // The wheel over Products focuses it and moves three rows.
        try send(pane, Self.sgr(65, x: 10, y: 6))
        try await pane.waitFor("the wheel moved to product 4") { $0.contains("▶  4 ") }
        try send(pane, Self.sgr(64, x: 10, y: 6))
        try await pane.waitFor("back up to product 1") { $0.contains("▶  1 U Война и мир. Том 1") }

        // A single click on product 7's row selects it; a double click opens its detail.
        try send(pane, Self.click(x: 20, y: 10))
        try await pane.waitFor("product 7 selected") { $0.contains("▶  7 U Мастер и Маргарита") }
        try send(pane, Self.click(x: 20, y: 9) + Self.click(x: 20, y: 9))
        try await pane.waitFor("product 6's detail") { $0.contains("Product 6 «") }
        try pane.keys("Escape")
        try await pane.waitFor("the dashboard again") { $0.contains("▶  6 ") }
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)
        let off = try pane.tmux("display-message", "-p", "-t", "console", "#{mouse_any_flag}#{mouse_standard_flag}")
        #expect(off.trimmingCharacters(in: .whitespacesAndNewlines) == "00", "mouse reporting is off after quitting: \(off)")
    }

    /// tmux-256color's terminfo names X10 reports (`kmous=\E[M`, no `XM`): ncurses 6.4 asks
    /// for those, and decodes them, up to column 223.
    @Test("under TERM=tmux-256color: X10 reports, and a click still selects")
    func x10UnderTmuxTerm() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        let pane = try TmuxPane(width: 100, height: 30)
        defer { pane.kill() }
        try pane.start("env TERM=tmux-256color \(ConsoleTmuxTests.binary) --db \(pane.directory)/monitor.sqlite "
                       + "--port \(try freePort()) --orchestrator http://127.0.0.1:1")
        try await pane.waitFor("the dashboard") { $0.contains("▶  1 U Война и мир. Том 1") }
        let flags = try pane.tmux("display-message", "-p", "-t", "console", "#{mouse_sgr_flag} #{mouse_standard_flag}")
        #expect(flags.trimmingCharacters(in: .whitespacesAndNewlines) == "0 1", "X10 button reports: \(flags)")
        // ESC [ M, then 32 + button (0 press, 3 release), 32 + column, 32 + row (from 1).
        func x10(_ button: Int, x: Int, y: Int) -> String {
            "\u{1B}[M" + String(UnicodeScalar(UInt8(32 + button))) + String(UnicodeScalar(UInt8(33 + x)))
                + String(UnicodeScalar(UInt8(33 + y)))
        }
        try send(pane, x10(0, x: 20, y: 7) + x10(3, x: 20, y: 7))
        try await pane.waitFor("product 4 selected by an X10 click") { $0.contains("▶  4 U") }
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)
    }

    @Test("--no-mouse leaves the mouse to the terminal")
    func noMouse() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        let pane = try TmuxPane(width: 100, height: 30)
        defer { pane.kill() }
        try pane.start("\(ConsoleTmuxTests.binary) --db \(pane.directory)/monitor.sqlite --port \(try freePort()) "
                       + "--orchestrator http://127.0.0.1:1 --no-mouse")
        try await pane.waitFor("the dashboard") { $0.contains("▶  1 U Война и мир. Том 1") }
        let flags = try pane.tmux("display-message", "-p", "-t", "console", "#{mouse_any_flag}#{mouse_standard_flag}#{mouse_sgr_flag}")
        #expect(flags.trimmingCharacters(in: .whitespacesAndNewlines) == "000", "no mouse mode asked for: \(flags)")
        try pane.keys("j")
        try await pane.waitFor("the keys still work") { $0.contains("▶  2 U") }
        try pane.keys("q")
        #expect(try await pane.waitForExit() == 0)
    }
}
