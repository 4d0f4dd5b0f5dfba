import BookingConsole
import BookingCore
import Foundation
import Testing

/// Snapshot tests: the pure `render` as text (and styles) at several sizes and modes, from a
/// real monitor brought to a known state with a fixed clock.
@Suite("Console render snapshots") struct ConsoleRenderTests {
    static let small = Size(width: 80, height: 24)
    static let medium = Size(width: 120, height: 40)
    static let large = Size(width: 200, height: 50)

    /// Compares line by line so a failure names the first line that differs.
    func expectText(_ grid: Grid, _ golden: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = golden.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let actual = grid.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, (want, got)) in zip(expected, actual).enumerated() where want != got {
            Issue.record("line \(index) differs\n  want: \(want)\n  got:  \(got)\n--- full screen ---\n\(grid.text)",
                         sourceLocation: sourceLocation)
            return
        }
        #expect(actual.count == expected.count, "line count", sourceLocation: sourceLocation)
    }

    /// Every line has the grid's display width: wide characters did not push anything out.
    func expectEveryLineFills(_ grid: Grid, sourceLocation: SourceLocation = #_sourceLocation) {
        for y in 0..<grid.height {
            #expect(DisplayWidth.of(grid.line(y)) == grid.width, "line \(y): \(grid.line(y))", sourceLocation: sourceLocation)
        }
    }

    @Test func dashboardAt80x24() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.small)
        expectText(grid, Golden.dashboard80x24)
        expectEveryLineFills(grid)
    }

    @Test func dashboardAt120x40() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.medium)
        expectText(grid, Golden.dashboard120x40)
        expectEveryLineFills(grid)
    }

    @Test func dashboardAt200x50() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.large)
        expectEveryLineFills(grid)
        let lines = grid.lines
        // Wide layout: Products on the left (3/5), Queues over Activity on the right.
        #expect(grid.column(of: "┌─ 1 Products 7", y: 2) == 0)
        #expect(grid.column(of: "┌─ 2 Queues", y: 2) == 120)
        let activityTop = try #require(lines.firstIndex { $0.contains("3 Activity") })
        #expect(activityTop == 2 + 23)
        #expect(grid.column(of: "┌─ 3 Activity", y: activityTop) == 120)
        // The header has room for everything.
        #expect(lines[0].contains("link: ok → http://127.0.0.1:5012"))
        #expect(lines[1].contains("totals 2 booked, 0 delivered, 1 push │ http 127.0.0.1:5039"))
        #expect(lines[49].hasPrefix(" ↑↓  move "))
    }

    @Test func colourShowsStatusByColourAndLetter() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.small)
        let row = try #require(grid.lines.firstIndex { $0.contains("  5 A Евгений Онегин") })
        let status = try #require(grid.column(of: "A Евгений", y: row))
        #expect(grid[status, row].style.foreground == .green)
        let booked = try #require(grid.lines.firstIndex { $0.contains(" 3 B Мастер") })
        #expect(grid[try #require(grid.column(of: "B Мастер", y: booked)), booked].style.foreground == .cyan)
        // The selected row (product 1, focused pane) is a blue bar; its status keeps its colour.
        let selected = try #require(grid.lines.firstIndex { $0.contains("▶  1 B Война") })
        #expect(grid[10, selected].style.background == .blue)
        let letter = grid[try #require(grid.column(of: "B Война", y: selected)), selected].style
        #expect(letter.foreground == .cyan && letter.background == .blue)
    }

    @Test func monochromeUsesNoColourButKeepsEveryState() async throws {
        let colour = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.small)
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.small, color: false)
        #expect(grid.text == colour.text, "monochrome changes styles, not text")
        let coloured = grid.cells.filter { $0.style.foreground != .default || $0.style.background != .default }
        #expect(coloured.isEmpty, "\(coloured.count) coloured cells in monochrome")
        let lines = grid.lines
        let available = try #require(lines.firstIndex { $0.contains(" 5 A Евгений") })
        let booked = try #require(lines.firstIndex { $0.contains(" 3 B Мастер") })
        let unavailable = try #require(lines.firstIndex { $0.contains(" 4 U Мастер") })
        let a = grid[try #require(grid.column(of: "A Евгений", y: available)), available].style
        let b = grid[try #require(grid.column(of: "B Мастер", y: booked)), booked].style
        let u = grid[try #require(grid.column(of: "U Мастер", y: unavailable)), unavailable].style
        #expect(a.bold && b.bold && u.dim)
        let selected = try #require(lines.firstIndex { $0.contains("▶  1 B Война") })
        #expect(grid[10, selected].style.reverse)
        // The focused pane's title is marked by reverse video rather than colour.
        #expect(grid[try #require(grid.column(of: "1 Products", y: 2)), 2].style.reverse)
        #expect(!grid[try #require(grid.column(of: "2 Queues", y: 13)), 13].style.reverse)
    }

    @Test func asciiModeDrawsOnlyASCII() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.small, ascii: true)
        let lines = grid.lines
        #expect(lines[2].hasPrefix("+- 1 Products 7 ---"))
        #expect(lines[3].hasPrefix("|  ID S Title"))
        #expect(lines[4].hasPrefix("|>  1 B Война и мир. Том 1"))
        #expect(lines[4].contains("-> 3"))
        // Titles are data and stay in their script; everything the console draws is ASCII.
        for line in lines {
            let drawn = line.filter { !$0.isLetter }
            #expect(drawn.allSatisfy { $0.isASCII }, "\(line)")
        }
        #expect(lines.contains { $0.contains("B product 1 -> customer 3") })
        #expect(Theme(ascii: true, color: false).text("1 → 2 «Идиот» … — ok") == "1 -> 2 \"Идиот\" ... - ok")
        #expect(lines[23].hasPrefix(" j/k  move "))
    }

    @Test func helpOverlayListsEveryBinding() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), state: { $0.helpShown = true },
                                              size: Self.medium)
        let text = grid.text
        #expect(text.contains("Keys (any key closes)"))
        for binding in Keymap.standard.bindings {
            let label = binding.keyLabel(ascii: false)
            let row = grid.lines.firstIndex { $0.contains(binding.help) }
            #expect(row != nil, "help for \(label) missing")
            if let row { #expect(grid.lines[row].contains(label), "\(label) not on the line of \(binding.help)") }
        }
        #expect(text.contains("A available"))
        // The header and the panes' edges stay visible around the overlay (with issue 15's keys
        // it is 38 rows tall at 120×40; below that it goes to two columns).
        #expect(grid.lines[0].contains("booking-monitor"))
        #expect(grid.lines[4].hasPrefix("│▶  1 B"))
    }

    @Test func helpMarksRefusedKeysWhenReadonly() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), state: { $0.helpShown = true },
                                              size: Self.medium, readonly: true)
        let toggle = try #require(grid.lines.first { $0.contains("toggle the selected product's availability") })
        #expect(toggle.contains("(read-only)"))
        #expect(grid.lines[0].contains("READ-ONLY"))
        #expect(!grid.lines[39].contains("toggle"), "footer hides refused keys")
    }

    @Test func filterShowsMatchesAndThePrompt() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.small)
        await controller.press([.character("/")] + "мастер".map { Key.character($0) })
        let grid = controller.frame()
        let lines = grid.lines
        #expect(lines[2].hasPrefix("┌─ 1 Products · filter \"мастер\" 2 of 7 "))
        #expect(lines[4].hasPrefix("│▶  3 B Мастер и Маргарита"))
        #expect(lines[5].hasPrefix("│   4 U Мастер и Маргарита"))
        #expect(lines[6].hasPrefix("│     "))
        #expect(lines[22].hasPrefix(" filter: мастер▏"))
        // A numeric filter matches ids.
        await controller.press([.escape, .character("/"), .character("6"), .enter])
        #expect(controller.frame().lines[4].hasPrefix("│▶  6 U 三体"))
        #expect(controller.frame().lines[22].trimmingCharacters(in: .whitespaces).isEmpty)
    }

    @Test func tooSmallScreenReplacesTheLayout() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let grid = await ConsoleFixture.frame(monitor, size: Size(width: 50, height: 12))
        let blank = ""
        expectText(grid, [blank, blank, blank, blank,
                          String(repeating: " ", count: 16) + "terminal too small",
                          String(repeating: " ", count: 14) + "need 60×16, have 50×12",
                          String(repeating: " ", count: 18) + "q/Ctrl-C quits",
                          blank, blank, blank, blank, blank].joined(separator: "\n"))
        // At the minimum size the layout is back.
        let back = await ConsoleFixture.frame(monitor, size: Layout.minimum)
        #expect(back.lines[2].contains("1 Products"))
        expectEveryLineFills(back)
    }

    @Test func cyrillicAndCJKColumnsLineUp() async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Self.medium)
        let rows = (4...10).map { grid.line($0) }
        // The description column starts at the same display column on every product row,
        // whatever script the title is in.
        let descriptions = ["Роман-эпопея", "Роман-эпопея", "Роман", "Роман", "Роман в стихах", "科幻小说", "Novel"]
        let columns = zip(4...10, descriptions).map { grid.column(of: $1, y: $0) }
        #expect(Set(columns).count == 1, "description columns: \(columns)\n\(rows.joined(separator: "\n"))")
        #expect(columns.first == 33)
        // The right border is in the same column on every row.
        for y in 3...10 { #expect(grid[71, y].symbol == "│", "row \(y): \(grid.line(y))") }
    }

    @Test func headerShowsTheStoreTheGroupsInstancesAndStandby() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        await monitor.updatePeers([PeerInstance(name: "db1:5039", isSelf: false, isSender: true),
                                   PeerInstance(name: "db2:5039", isSelf: true, isSender: false)])
        await monitor.updateLink { $0.standby = true }
        let grid = await ConsoleFixture.frame(monitor, size: Size(width: 200, height: 40))
        #expect(grid.lines[0].contains("link: standby, db1:5039 sends → http://127.0.0.1:5012"))
        let header = grid.lines[0] + grid.lines[1]
        #expect(header.contains("store in-memory"))
        #expect(header.contains("instances db1:5039 sends, db2:5039 (this)"))
        #expect(await monitor.snapshotNow().activity.contains { $0.text == "instances of the group: db1:5039, db2:5039 (this)" })
        await monitor.updatePeers([PeerInstance(name: "db2:5039", isSelf: true, isSender: true)])
        #expect(await monitor.snapshotNow().activity.contains { $0.text == "instance db1:5039 left the group" })
    }

    @Test func headerShowsLinkStatePausedAndOutboxAge() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        // The Orchestrator answers but refuses two events: the link is up, the events step aside.
        await monitor.updateLink {
            $0.consecutiveFailures = 2
            $0.lastError = "HTTP 500: no order"
        }
        var grid = await ConsoleFixture.frame(monitor, size: Self.medium)
        #expect(grid.lines[0].contains("link: ok, 2 events refused (HTTP 500: no order), o shows → http://127.0.0.1:5012"))
        let refusedColumn = try #require(grid.column(of: "link: ok, 2 events", y: 0))
        #expect(grid[refusedColumn, 0].style.foreground == .yellow)
        // It does not answer: unreachable since when, the cause without the address again, red.
        await monitor.orchestratorUnanswered(cause: "cannot reach http://127.0.0.1:5012: connection refused",
                                            at: ConsoleFixture.fixedNow)
        grid = await ConsoleFixture.frame(monitor, size: Self.medium)
        #expect(grid.lines[0].contains("link: unreachable since 10:20:30 (connection refused) → http://127.0.0.1:5012"), "\(grid.lines[0])")
        let linkColumn = try #require(grid.column(of: "link: unreachable", y: 0))
        #expect(grid[linkColumn, 0].style.foreground == .red)
        _ = await monitor.orchestratorAnswered(at: ConsoleFixture.fixedNow)
        await monitor.updateLink { $0.breaker = .open(until: ConsoleFixture.fixedNow.addingTimeInterval(22.5)) }
        await monitor.setPaused(true)
        grid = await ConsoleFixture.frame(monitor, size: Self.medium)
        #expect(grid.lines[0].hasPrefix(" PAUSED   booking-monitor │ group east │ link: breaker open (HTTP 500: no order), retry in 23s"))
        #expect(grid[1, 0].style.background == .yellow)
        await monitor.updateLink { $0.breaker = .closed; $0.consecutiveFailures = 0; $0.lastError = nil }
        grid = await ConsoleFixture.frame(monitor, size: Self.medium)
        #expect(grid.lines[0].contains("link: ok"))
    }

    @Test func hundredThousandProductsRenderOnlyTheVisibleRows() async throws {
        let catalog = (1...100_000).map { Product(id: Int32($0), title: "Том \($0 % 977)", description: "", isAvailable: $0 % 3 == 0) }
        let monitor = try await ConsoleFixture.monitor(catalog: catalog)
        let controller = await ConsoleFixture.controller(monitor, size: Self.large)
        await controller.press(.end)
        let clock = ContinuousClock()
        var grid = controller.frame()
        let elapsed = clock.measure { for _ in 0..<10 { grid = controller.frame() } }
        print("render 200x50 with 100000 products: \(elapsed / 10) per frame")
        let last = try #require(grid.lines.firstIndex { $0.contains("▶ 100000 ") })
        #expect(last == 46, "the last product is on the last row of the pane")
        #expect(grid.lines[47].contains("100000/100000"))
        let filtering = await clock.measure {
            await controller.press([.character("/"), .character("т"), .character("о"), .character("м"), .character(" "),
                                    .character("9"), .character("7"), .character("6")])
        }
        print("filter typed over 100000 products: \(filtering / 8) per key")
        #expect(controller.model.productCount == 102, "«Том 976»: \(controller.model.productCount)")
        await controller.press(.escape)
        await controller.press(.end)
        await controller.press(.pageUp)
        // A page is the pane's 43 rows: from the 100,000th product to the 99,957th, now on top.
        #expect(controller.frame().lines[4].contains("▶  99957 A Том 303"))
    }
}
