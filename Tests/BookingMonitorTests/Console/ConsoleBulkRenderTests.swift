import BookingConsole
import BookingCore
import Foundation
import Testing

/// Render snapshots of issue 15's screens: marks and their count, the sort arrow, the `:`
/// prompt with Tab's candidates, the stock prompt, and the two-column help at 80×24.
@Suite("Console render snapshots: marks, sort, prompts") struct ConsoleBulkRenderTests {
    static let small = Size(width: 80, height: 24)
    static let medium = Size(width: 120, height: 40)

    /// Products 2 and 4 marked, sorted by status descending, selection on product 5, the
    /// command line open with `u` typed after Tab.
    static func frame(_ size: Size, ascii: Bool = false, prompt: Bool = true) async throws -> Grid {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(ascii: ascii),
                                                 size: size, clock: FixedClock(ConsoleFixture.fixedNow))
        await controller.press([.character(":")] + "sort status desc".map { Key.character($0) } + [.enter])
        await controller.press([.character("g"), .character("m"), .down, .character("m")])
        if prompt { await controller.press([.character(":"), .character("u"), .tab]) }
        return controller.frame()
    }

    static func show(_ grid: Grid) -> String {
        if let dir = ProcessInfo.processInfo.environment["BM_GOLDEN_OUT"] {
            try? grid.text.write(toFile: dir + "/\(grid.width)x\(grid.height)-\(grid.text.hashValue).txt", atomically: true, encoding: .utf8)
        }
        return "\n" + grid.text
    }

    @Test func marksSortAndPromptAt80x24() async throws {
        let grid = try await Self.frame(Self.small)
        #expect(Self.show(grid) == "\n" + Golden.marks80x24, "\(Self.show(grid))")
    }

    @Test func marksSortAndPromptAt120x40() async throws {
        let grid = try await Self.frame(Self.medium)
        #expect(Self.show(grid) == "\n" + Golden.marks120x40, "\(Self.show(grid))")
    }

    @Test func asciiShowsTheMarksAndTheArrowInASCII() async throws {
        let grid = try await Self.frame(Self.small, ascii: true, prompt: false)
        let lines = grid.lines
        #expect(lines[3].contains("ID SvTitle"), "\(lines[3])")
        #expect(lines.contains { $0.hasPrefix("| * 4 U Мастер") }, "\(grid.text)")
        #expect(lines[23].hasPrefix(" 2  marked (x clears)  j/k  move"))
        #expect(lines.allSatisfy { $0.allSatisfy(\.isASCII) || $0.contains(where: { !$0.isASCII && $0.isLetter }) })
    }

    @Test func theStockPromptAndTheTwoColumnHelp() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.small,
                                                 clock: FixedClock(ConsoleFixture.fixedNow))
        await controller.press([.down, .character("+"), .character("3")])
        #expect(controller.frame().lines[22].trimmingCharacters(in: .whitespaces)
            == "stock arrived for «Война и мир. Том 1», copies: 3▏   Enter go  Esc cancel")
        await controller.press([.escape, .character("?")])
        let help = controller.frame()
        #expect(Self.show(help) == "\n" + Golden.help80x24, "\(Self.show(help))")
    }
}

extension Golden {
    static let marks80x24 = """
     booking-monitor │ group east │ link: ok → http://127.0.0.1:5012
     outbox 2 pending (oldest 0s), 0 parked │ last push 0s ago (#1): 5 in 3 queues
    ┌─ 1 Products 7 · 2 marked ────────────────────────────────────────────────────┐
    │  ID S▼Title                         Description         Customer Booked     Q│
    │ ● 7 U Anna Karenina                 Novel                                    │
    │   6 U 三体                          科幻小说                                 │
    │ ● 4 U Мастер и Маргарита            Роман                                   2│
    │▶  2 U Война и мир. Том 1            Роман-эпопея                            1│
    │   3 B Мастер и Маргарита            Роман               → 7      10:20:30   2│
    │   1 B Война и мир. Том 1            Роман-эпопея        → 3      10:20:30   1│
    │   5 A Евгений Онегин                Роман в стихах                           │
    │                                                                              │
    └──────────────────────────────────────────────────────────────────────── 4/7 ─┘
    ┌─ 2 Queues 3 titles, 5 queued ────────┐┌─ 3 Activity ─────────────────────────┐
    │  Мастер и Марга… 2: 7 12             ││  10:20:30 K api: product 5 available │
    │  Война и мир. Т… 1: 3                ││  10:20:30 B product 1 → customer 3 «…│
    │  Идиот           2: 21 22            ││  10:20:30 K api: product 1 available │
    │                                      ││  10:20:30 B product 3 → customer 7 «…│
    │                                      ││  10:20:30 K api: product 3 available │
    │                                      ││  10:20:30 Q queue push #1: 3 titles,…│
    │                                      ││                                      │
    └──────────────────────────────── 1/3 ─┘└──────────────────────────────── 1/6 ─┘
     :un▏   unavail undo
     2  marked (x clears)  ↑↓  move  Tab  pane  Space  toggle  /  filter  p  pause
    """

    static let marks120x40 = """
     booking-monitor │ group east │ link: ok → http://127.0.0.1:5012 │ totals 2 booked, 0 delivered, 1 push
     outbox 2 pending (oldest 0s), 0 parked │ last push 0s ago (#1): 5 in 3 queues │ last hour            █ 2 booked
    ┌─ 1 Products 7 · 2 marked ────────────────────────────────────────────┐┌─ 2 Queues 3 titles, 5 queued ────────────────┐
    │  ID S▼Title                    Description      Customer Booked     Q││  Мастер и Маргарита 2: 7 12                  │
    │ ● 7 U Anna Karenina            Novel                                 ││  Война и мир. Том 1 1: 3                     │
    │   6 U 三体                     科幻小说                              ││  Идиот              2: 21 22                 │
    │ ● 4 U Мастер и Маргарита       Роман                                2││                                              │
    │▶  2 U Война и мир. Том 1       Роман-эпопея                         1││                                              │
    │   3 B Мастер и Маргарита       Роман            → 7      10:20:30   2││                                              │
    │   1 B Война и мир. Том 1       Роман-эпопея     → 3      10:20:30   1││                                              │
    │   5 A Евгений Онегин           Роман в стихах                        ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      │└──────────────────────────────────────── 1/3 ─┘
    │                                                                      │┌─ 3 Activity ─────────────────────────────────┐
    │                                                                      ││  10:20:30 K api: product 5 available         │
    │                                                                      ││  10:20:30 B product 1 → customer 3 «Война и …│
    │                                                                      ││  10:20:30 K api: product 1 available         │
    │                                                                      ││  10:20:30 B product 3 → customer 7 «Мастер и…│
    │                                                                      ││  10:20:30 K api: product 3 available         │
    │                                                                      ││  10:20:30 Q queue push #1: 3 titles, 5 custo…│
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    │                                                                      ││                                              │
    └──────────────────────────────────────────────────────────────── 4/7 ─┘└──────────────────────────────────────── 1/6 ─┘
     :un▏   unavail undo
     2  marked (x clears)  ↑↓  move  Tab  pane  Space  toggle  /  filter  p  pause  r  resend  ?  help  q  quit
    """

    static let help80x24 = """
     booking-monitor │ group east │ link: ok → http://127.0.0.1:5012
     ┌─ Keys (any key closes) ────────────────────────────────────────────────────┐
    ┌│ ↑/k          move up                  */Ctrl-A     mark every product show…│┐
    ││ ↓/j          move down                x            clear the marks (a and …││
    ││ PgUp/Ctrl-B  page up                  +            stock arrived: make N c…││
    ││ PgDn/Ctrl-F  page down                U/Ctrl-Z     undo the last change wh…││
    ││ g/Home       first row                s            sort products by the ne…││
    ││ G/End        last row                 S            reverse the sort        ││
    ││ Tab          focus the next pane      :            command line (:help lis…││
    ││ S-Tab        focus the previous pane  /            filter products by titl…││
    ││ 1            focus Products           Esc          go back from a view, cl…││
    ││ 2            focus Queues             p            pause or resume the boo…││
    └│ 3            focus Activity           r            resend pending and park…│┘
    ┌│ Space        toggle the selected pro… o            show undelivered events…│┐
    ││ a            make the selected (or m… ?            show or hide this help  ││
    ││ u            make the selected (or m… q/Ctrl-C     quit (stops the monitor)││
    ││ m            mark or unmark the sele… Enter        open the selected produ…││
    ││ V            mark from the last mark… c            show a customer: type t…││
    ││                                                                            ││
    ││ Status: A available  B booked  U unavailable                               ││
    ││ Activity: B booking Q queue push D delivery ! failure K operator action    ││
    └│           i info                                                           │┘
     └────────────────────────────────────────────────────────────────────────────┘
     ↑↓  move  Tab  pane  Space  toggle  /  filter  p  pause  r  resend  ?  help
    """
}
