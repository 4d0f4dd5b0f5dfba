import BookingConsole
import BookingCore
import Foundation
import Testing

/// What an operator's and an attacker's hour with the console found (2026-12-02), each a test
/// that failed before its fix: Ctrl-C in a prompt stopped the whole instance (whatever the
/// config bound quit to), `quit = []` left no way out, a prompt took keys blind below the
/// minimum size, a long `[keys]` table named the wrong line, and an Orchestrator's error body
/// pushed the countdown off the header.
@Suite("Console: what an operator's trial found")
struct ConsoleTrialTests {
    static let size = Size(width: 100, height: 30)

    @Test func ctrlCInAPromptCancelsItAndDoesNotQuit() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        // The filter, the customer prompt, the command line and the stock prompt.
        for opening: [Key] in [[.character("/"), .character("x")], [.character("c"), .character("7")],
                               [.character(":"), .character("s")], [.character("+"), .character("2")]] {
            #expect(await controller.press(opening))
            #expect(await controller.press(.control("c")), "Ctrl-C after \(opening) quit")
            #expect(controller.state.filter.isEmpty && !controller.state.editingFilter)
            #expect(controller.state.customerPrompt == nil && controller.state.commandLine == nil
                    && controller.state.stockPrompt == nil, "\(opening)")
        }
        // On the dashboard it still quits, as bound.
        #expect(await controller.press(.control("c")) == false)
    }

    @Test func withQuitReboundCtrlCInAFilterNeitherQuitsNorTypes() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let keymap = Keymap.standard.rebinding([.quit: [.control("q")], .moveDown: [.control("c")]])
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.size,
                                                 keymap: keymap)
        #expect(await controller.press([.character("/"), .character("x"), .control("c")]))
        #expect(controller.state.filter.isEmpty && !controller.state.editingFilter)
        #expect(await controller.press(.control("c")), "bound to move-down now")
        #expect(controller.state.cursor(.products).selected == 1)
        #expect(await controller.press(.control("q")) == false)
    }

    @Test func aConfigThatLeavesQuitWithoutAKeyIsRefusedNamingTheLine() throws {
        let text = "theme = \"dark\"\n[keys]\nmove-down = [\"n\"]\nquit = []\n"
        #expect(throws: ConfigError.self) { try ConsoleConfig.parse(text, path: "c.toml") }
        do {
            _ = try ConsoleConfig.parse(text, path: "c.toml")
        } catch {
            #expect(error.description == "c.toml:4: quit needs at least one key: without one the console cannot be left")
        }
        // Another command may be left without keys.
        #expect(try ConsoleConfig.parse("[keys]\nresend = []\n", path: "c.toml").bindings[.resend] == [])
    }

    @Test func aLongKeysTableNamesTheLineOfItsMistake() throws {
        var text = "# bindings\n[keys]\n"
        let names = Command.names.map(\.name).filter { $0 != "quit" && $0 != "toggle-generators" }
        let letters = Array("abcefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")  // d and q: the unbound demo and quit keys
        for (index, name) in names.enumerated() { text += "\(name) = [\"F\(index % 12 + 1)\", \"\(letters[index])\"]\n" }
        // F-keys repeat after twelve: the thirteenth binding's F1 clashes with the first's.
        do {
            _ = try ConsoleConfig.parse(text, path: "k.toml")
            Issue.record("a key bound twice was accepted")
        } catch {
            #expect(error.description.hasPrefix("k.toml:15: key \"F1\" is bound to both \(names[0]) and \(names[12])"),
                    "\(error.description)")
        }
        text = "[keys]\n" + (0..<3000).map { "\"unknown-\($0)\" = [\"x\"]" }.joined(separator: "\n")
        do {
            _ = try ConsoleConfig.parse(text, path: "k.toml")
        } catch {
            #expect(error.description.hasPrefix("k.toml:2: unknown command \"unknown-0\""), "\(error.description)")
        }
    }

    @Test func belowTheMinimumSizeAPromptTakesNoKeysAndTheQuitKeyShownIsTheBoundOne() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let keymap = Keymap.standard.rebinding([.quit: [.control("q")]])
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.size,
                                                 keymap: keymap)
        await controller.press([.character("/"), .character("м")])
        controller.resize(Size(width: 40, height: 10))
        #expect(controller.frame().text.contains("Ctrl-Q quits"), "\(controller.frame().text)")
        #expect(await controller.press([.character("q"), .character("и")]))
        controller.resize(Self.size)
        #expect(controller.state.filter == "м")
        controller.resize(Size(width: 40, height: 10))
        #expect(await controller.press(.control("q")) == false)
    }

    @Test func theQueueViewSaysWhatExplainSaysForEveryCustomer() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        // A customer twice, one with a booking from this push, and more than copies.
        try await monitor.replaceQueues([CustomerQueue(title: "Мастер и Маргарита", customers: [7, 12, 7, 30, 31, 32])])
        let snapshot = await monitor.snapshotNow()
        let model = ConsoleModel(snapshot: snapshot)
        let content = model.content(for: .queue("Мастер и Маргарита"), timeZone: .gmt, width: 400)
        #expect(content.count == 6)
        for index in 0..<content.count {
            let customer = try #require(content.customer(index))
            let answer = snapshot.explain(customer: customer, title: "Мастер и Маргарита")
            #expect(content.line(index).text.contains(answer.reason.rawValue), "\(content.line(index).text)")
            #expect(content.line(index).text.hasSuffix(answer.detail), "\(content.line(index).text)")
        }
    }

    @Test func theOrchestratorsErrorBodyDoesNotPushTheCountdownOffTheHeader() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let body = #"HTTP 500: {"type":"about:blank","title":"Internal Server Error","status":500,"detail":"no order for customer 7 and title «Мастер и Маргарита»\n at Orchestrator.Handle() in /src/Order.cs:line 42"}"#
        await monitor.updateLink {
            $0.breaker = .open(until: ConsoleFixture.fixedNow.addingTimeInterval(22.5))
            $0.lastError = body
            $0.consecutiveFailures = 5
        }
        let grid = await ConsoleFixture.frame(monitor, size: Size(width: 160, height: 30))
        #expect(grid.lines[0].contains(#"link: breaker open (HTTP 500: {"type":"about:blank","title"…), retry in 23s → http://127.0.0.1:5012"#),
                "\(grid.lines[0])")
        let ascii = await ConsoleFixture.frame(monitor, size: Size(width: 160, height: 30), ascii: true)
        #expect(ascii.lines[0].contains(#"(HTTP 500: {"type":"about:blank","title"~), retry in 23s"#), "\(ascii.lines[0])")
    }

    @Test func configCheckRefusesAnOrchestratorForTheDemo() {
        do {
            _ = try ConsoleConfig.parse("[run]\nport = 5098\n[demo]\nport = 5099\norchestrator = \"http://x\"\n", path: "d.toml")
            Issue.record("[demo] orchestrator was accepted")
        } catch {
            #expect(error.description == "d.toml:5: [demo] has no orchestrator: the demo sends events to its own simulator")
        }
    }

    @Test(arguments: [Palette.light, .colourblind])
    func theSelectionBarIsReadableInTheLightAndColourblindThemes(_ palette: Palette) async throws {
        let monitor = try await ConsoleFixture.midDemo()  // product 3 booked for customer 7
        let model = ConsoleModel(snapshot: await monitor.snapshotNow())
        var state = ConsoleState(size: Self.size)
        state.cursors[.products] = Cursor(selected: 2, offset: 0)
        var settings = ConsoleFixture.settings()
        settings.palette = palette
        let grid = render(model, state, size: Self.size, settings: settings, now: ConsoleFixture.fixedNow)
        let row = try #require(grid.lines.firstIndex { $0.contains("▶  3 B") })
        let bar = Theme(ascii: false, color: true, palette: palette).selectedRow
        for x in 1..<80 {
            let cell = grid[x, row]
            #expect(cell.style.background == bar.background, "column \(x)")
            #expect(cell.style.foreground != bar.background && !cell.style.dim, "column \(x): \(cell.style) on the bar")
        }
    }
}
