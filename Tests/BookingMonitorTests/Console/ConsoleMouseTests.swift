import BookingConsole
import BookingCore
import Foundation
import Testing

/// The mouse without a terminal: which cell is what (`HitTest`, pure), and what a click, a
/// double click and the wheel do to the console's state, against a real monitor.
@Suite("Console mouse: hit-testing and clicks") struct ConsoleMouseTests {
    /// 100x30 is the narrow layout: Products on rows 2–15 (heading on 3, rows from 4), Queues
    /// below on the left from row 16, Activity beside it from column 50.
    static let size = Size(width: 100, height: 30)
    static let counts: [Pane: Int] = [.products: 7, .queues: 3, .activity: 6]

    func target(_ x: Int, _ y: Int, _ state: ConsoleState = ConsoleState(size: size),
                counts: [Pane: Int] = counts) -> HitTarget {
        HitTest.target(x: x, y: y, state: state, counts: counts)
    }

    @Test func eachPartOfTheDashboardIsItsTarget() {
        #expect(target(5, 4) == .row(.products, 0))
        #expect(target(60, 10) == .row(.products, 6))
        #expect(target(5, 11) == .pane(.products), "below the last of 7 products")
        #expect(target(5, 2) == .pane(.products), "the border and title")
        #expect(target(11, 3) == .productsHeading(x: 10, width: 98))
        #expect(target(5, 17) == .row(.queues, 0))
        #expect(target(5, 19) == .row(.queues, 2))
        #expect(target(5, 20) == .pane(.queues))
        #expect(target(49, 17) == .pane(.queues), "the right border of Queues")
        #expect(target(60, 17) == .row(.activity, 0))
        #expect(target(60, 22) == .row(.activity, 5))
        #expect(target(5, 0) == .nothing, "header")
        #expect(target(5, 28) == .nothing, "message line")
        #expect(target(5, 29) == .nothing, "footer")
        #expect(target(200, 4) == .nothing, "outside the screen")
    }

    @Test func aScrolledListCountsFromItsFirstVisibleRow() {
        var state = ConsoleState(size: Self.size)
        // 40 products, the 30th selected: the pane shows 11 rows ending at it.
        state.cursors[.products] = Cursor(selected: 29, offset: 25)
        let counts: [Pane: Int] = [.products: 40, .queues: 0, .activity: 0]
        #expect(target(5, 4, state, counts: counts) == .row(.products, 25))
        #expect(target(5, 14, state, counts: counts) == .row(.products, 35))
        // An offset past the end (the list shrank) is drawn clamped, and so is read back.
        state.cursors[.products] = Cursor(selected: 0, offset: 0)
        state.cursors[.queues] = Cursor(selected: 0, offset: 9)
        #expect(target(5, 17, state, counts: [.products: 1, .queues: 3, .activity: 0]) == .row(.queues, 0))
    }

    @Test func theWideLayoutAndAViewAndATooSmallScreen() {
        let wide = ConsoleState(size: Size(width: 120, height: 40))
        // Products on the left 72 columns, Queues over Activity on the right.
        #expect(target(5, 4, wide) == .row(.products, 0))
        #expect(target(80, 3, wide) == .row(.queues, 0))
        var view = ConsoleState(size: Self.size)
        view.views = [.queue("Идиот")]
        #expect(HitTest.target(x: 5, y: 3, state: view, counts: Self.counts, viewLines: 4, viewSelectable: true) == .viewLine(0))
        #expect(HitTest.target(x: 5, y: 7, state: view, counts: Self.counts, viewLines: 4, viewSelectable: true) == .nothing)
        #expect(target(5, 4, ConsoleState(size: Size(width: 40, height: 10))) == .nothing)
    }

    @Test func aClickSelectsTheRowAndFocusesItsPane() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        #expect(await controller.mouse(MouseEvent(.click, x: 5, y: 18)))
        #expect(controller.state.focus == .queues)
        #expect(controller.state.cursor(.queues).selected == 1)
        #expect(controller.frame().lines.contains { $0.contains("▶ Война и мир. Т") })
        await controller.mouse(MouseEvent(.click, x: 5, y: 7))
        #expect(controller.state.focus == .products)
        #expect(controller.state.cursor(.products).selected == 3)
        #expect(controller.frame().lines.contains { $0.contains("▶  4 U Мастер и Маргарита") })
        // A click on a heading focuses Products and sorts by its column; again reverses it.
        // The selection stays on product 4.
        await controller.press(.tab)
        await controller.mouse(MouseEvent(.click, x: 20, y: 3))
        #expect(controller.state.focus == .products)
        #expect(controller.state.sort == ProductSort(.title))
        #expect(controller.frame().lines[3].contains("Title▲"))
        #expect(controller.frame().lines.contains { $0.contains("▶  4 U Мастер и Маргарита") })
        await controller.mouse(MouseEvent(.click, x: 20, y: 3))
        #expect(controller.state.sort == ProductSort(.title, ascending: false))
        #expect(controller.frame().lines[3].contains("Title▼"))
        #expect(controller.frame().lines.contains { $0.contains("▶  4 U Мастер и Маргарита") })
        // On the description's heading (no sort by it) nothing changes.
        let heading = controller.frame().lines[3]
        let description = try #require(heading.range(of: "Description"))
        await controller.mouse(MouseEvent(.click, x: heading.distance(from: heading.startIndex, to: description.lowerBound) + 2, y: 3))
        #expect(controller.state.sort == ProductSort(.title, ascending: false))
    }

    @Test func aDoubleClickOpensTheDetailAsEnterDoes() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.mouse(MouseEvent(.doubleClick, x: 5, y: 6))
        #expect(controller.state.view == .product(3))
        #expect(controller.frame().lines.contains { $0.contains("Product 3 «Мастер и Маргарита»") })
        await controller.press(.escape)
        // In a queue's view, a double click on a customer opens that customer.
        await controller.mouse(MouseEvent(.doubleClick, x: 5, y: 17))
        #expect(controller.state.view == .queue("Мастер и Маргарита"))
        await controller.mouse(MouseEvent(.doubleClick, x: 5, y: 4))
        #expect(controller.state.view == .customer(12))
    }

    @Test func theWheelScrollsThePaneUnderThePointer() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.mouse(MouseEvent(.wheelDown, x: 5, y: 6))
        #expect(controller.state.cursor(.products).selected == MouseEvent.wheelRows)
        await controller.mouse(MouseEvent(.wheelDown, x: 5, y: 6))
        await controller.mouse(MouseEvent(.wheelDown, x: 5, y: 6))
        #expect(controller.state.cursor(.products).selected == 6, "stops at the last product")
        await controller.mouse(MouseEvent(.wheelUp, x: 60, y: 20))
        #expect(controller.state.focus == .activity)
        #expect(controller.state.cursor(.products).selected == 6, "the other pane keeps its place")
    }

    @Test func overlaysAndPromptsAreNotClickedThrough() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press(.character("?"))
        await controller.mouse(MouseEvent(.doubleClick, x: 5, y: 6))
        #expect(!controller.state.helpShown, "a click closes the help")
        #expect(controller.state.view == nil, "and does not open what was under it")
        await controller.press(.character("/"))
        await controller.mouse(MouseEvent(.click, x: 5, y: 17))
        #expect(controller.state.editingFilter)
        #expect(controller.state.focus == .products)
    }

    @Test func cursesMouseStatesDecode() {
        // The masks ncurses reports (NCURSES_MOUSE_VERSION 2: five bits a button).
        #expect(CursesMouse.decode(bstate: 0o4, x: 1, y: 2) == MouseEvent(.click, x: 1, y: 2))
        #expect(CursesMouse.decode(bstate: 0o10, x: 1, y: 2) == MouseEvent(.doubleClick, x: 1, y: 2))
        #expect(CursesMouse.decode(bstate: 0o2 << 15, x: 1, y: 2) == MouseEvent(.wheelUp, x: 1, y: 2))
        #expect(CursesMouse.decode(bstate: 0o2 << 20, x: 1, y: 2) == MouseEvent(.wheelDown, x: 1, y: 2))
        #expect(CursesMouse.decode(bstate: 0o2, x: 1, y: 2) == nil, "a press alone")
    }
}
