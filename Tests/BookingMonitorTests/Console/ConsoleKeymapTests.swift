import BookingConsole
import BookingCore
import Foundation
import Synchronization
import Testing

/// Scripted keys against a real monitor on a real SQLite file: the keymap, the reducer and
/// the effects together, checked in the monitor, in the store, and on the screen.
@Suite("Console keymap and commands") struct ConsoleKeymapTests {
    static let size = Size(width: 100, height: 30)

    final class Workspace {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("bm-console-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        var database: String { path + "/monitor.sqlite" }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func spaceOnAQueuedTitleBooksItAndTheStoreKeepsIt() async throws {
        let workspace = try Workspace()
        let monitor = try await ConsoleFixture.monitor(.file(workspace.database))
        try await monitor.replaceQueues([CustomerQueue(title: "Мастер и Маргарита", customers: [7, 12])])
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        // Products 1, 2 are "Война и мир"; two rows down is product 3, "Мастер и Маргарита".
        #expect(await controller.press([.down, .character("j"), .space]))
        let product = try #require(await monitor.product(id: 3))
        #expect(product.status == .booked)
        #expect(product.bookedBy == 7)
        #expect(controller.state.message?.text == "product 3 «Мастер и Маргарита» booked for customer 7")
        let row = try #require(controller.frame().lines.first { $0.contains(" 3 B Мастер") })
        #expect(row.contains("→ 7"))
        // Reopening the store shows the booking: it was committed, not only drawn.
        let reopened = try Monitor(store: SQLiteStore(.file(workspace.database)), group: "east", orchestrator: "http://127.0.0.1:1",
                                   logger: ConsoleFixture.logger)
        #expect(await reopened.product(id: 3)?.bookedBy == 7)
        #expect(await reopened.pendingEvents().map(\.booking.customerId) == [7])
    }

    @Test func aAndUSetAvailabilityOfTheFilteredProduct() async throws {
        let workspace = try Workspace()
        let monitor = try await ConsoleFixture.monitor(.file(workspace.database))
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("/")] + "онегин".map { Key.character($0) } + [.enter, .character("a")])
        #expect(await monitor.product(id: 5)?.isAvailable == true)
        #expect(controller.state.filter == "онегин", "Enter keeps the filter")
        await controller.press(.character("u"))
        #expect(await monitor.product(id: 5)?.status == .unavailable)
        await controller.press(.space)
        #expect(await monitor.product(id: 5)?.isAvailable == true)
        await controller.press(.escape)
        #expect(controller.state.filter == "")
        #expect(controller.model.productCount == 7)
        let activity = await monitor.snapshotNow().activity.map(\.text)
        #expect(activity.prefix(3) == ["console: product 5 available", "console: product 5 unavailable",
                                       "console: product 5 available"])
    }

    @Test func pHoldsBookingsUntilResumed() async throws {
        let workspace = try Workspace()
        let monitor = try await ConsoleFixture.monitor(.file(workspace.database))
        try await monitor.replaceQueues([CustomerQueue(title: "Anna Karenina", customers: [40])])
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("p"), .character("G"), .character("a")])
        #expect(await monitor.isPaused)
        #expect(await monitor.product(id: 7)?.status == .available, "paused: made available but not booked")
        #expect(controller.frame().lines[0].contains("PAUSED"))
        await controller.press(.character("p"))
        #expect(await monitor.isPaused == false)
        #expect(await monitor.product(id: 7)?.bookedBy == 40)
        #expect(!controller.frame().lines[0].contains("PAUSED"))
    }

    @Test func readonlyRefusesEveryKeyThatChangesState() async throws {
        let workspace = try Workspace()
        let monitor = try await ConsoleFixture.monitor(.file(workspace.database))
        let retries = Mutex(0)
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(readonly: true),
                                                 size: Self.size, retryLink: { retries.withLock { $0 += 1 } })
        for key in [Key.space, .character("a"), .character("u"), .character("p"), .character("r")] {
            await controller.press(key)
            #expect(controller.state.message?.kind == .error, "\(key)")
            #expect(controller.state.message?.text.hasPrefix("read-only:") == true)
        }
        let snapshot = await monitor.snapshotNow()
        #expect(snapshot.products.allSatisfy { !$0.isAvailable })
        #expect(!snapshot.paused)
        #expect(retries.withLock { $0 } == 0)
        // Moving still works.
        await controller.press(.down)
        #expect(controller.state.cursor(.products).selected == 1)
    }

    @Test func rRequeuesParkedEventsAndWakesTheLink() async throws {
        let workspace = try Workspace()
        let monitor = try await ConsoleFixture.monitor(.file(workspace.database))
        try await monitor.replaceQueues([CustomerQueue(title: "三体", customers: [9])])
        try await monitor.setAvailability(productId: 6, isAvailable: true)
        let event = try #require(await monitor.pendingEvents().first)
        try await monitor.recordFailure(sequence: event.booking.sequence, error: "HTTP 404", park: true)
        #expect(await monitor.snapshotNow().parkedCount == 1)
        let retries = Mutex(0)
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.size,
                                                 retryLink: { retries.withLock { $0 += 1 } })
        #expect(controller.frame().lines[1].contains("0 pending, 1 parked"))
        await controller.press(.character("r"))
        #expect(retries.withLock { $0 } == 1)
        let snapshot = await monitor.snapshotNow()
        #expect(snapshot.parkedCount == 0)
        #expect(snapshot.pendingCount == 1)
        #expect(controller.state.message?.text == "resending now: 1 parked event(s) requeued")
        #expect(controller.frame().lines[1].contains("1 pending (oldest 0s), 0 parked"))
    }

    @Test func focusMovesBetweenPanesAndOnlyProductsChangeAvailability() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press(.tab)
        #expect(controller.state.focus == .queues)
        await controller.press(.space)
        #expect(controller.state.message?.kind == .error)
        #expect(await monitor.product(id: 1)?.status == .booked, "Space in Queues changes nothing")
        await controller.press([.character("3"), .character("j")])
        #expect(controller.state.focus == .activity)
        #expect(controller.state.cursor(.activity).selected == 1)
        await controller.press(.backTab)
        #expect(controller.state.focus == .queues)
        await controller.press(.character("1"))
        #expect(controller.state.focus == .products)
        // The focused pane's title is drawn in the focus style, the others not.
        let grid = controller.frame()
        #expect(grid[try #require(grid.column(of: "1 Products", y: 2)), 2].style.background == .cyan)
    }

    @Test func selectingAProductHighlightsItsTitleInQueues() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size, color: false)
        await controller.press([.down, .down]) // product 3, Мастер и Маргарита
        let grid = controller.frame()
        let row = try #require(grid.lines.firstIndex { $0.contains("Мастер и Марга") && $0.contains("2: 7 12") })
        let x = try #require(grid.column(of: "Мастер", y: row))
        #expect(grid[x, row].style.bold && grid[x, row].style.underline)
        // "Идиот" is not carried by this group: dimmed.
        let idiot = try #require(grid.lines.firstIndex { $0.contains("Идиот") })
        #expect(grid[try #require(grid.column(of: "Идиот", y: idiot)), idiot].style.dim)
    }

    @Test func quitKeysAndTheHelpOverlay() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        #expect(await controller.press(.character("?")))
        #expect(controller.state.helpShown)
        #expect(await controller.press(.character("j")), "any key closes help")
        #expect(!controller.state.helpShown)
        #expect(controller.state.cursor(.products).selected == 0, "the closing key does nothing else")
        #expect(await controller.press(.character("q")) == false)
        #expect(await controller.press(.control("c")) == false)
        await controller.press(.character("/"))
        #expect(await controller.press(.character("q")), "q is text while typing a filter")
        #expect(controller.state.filter == "q")
    }

    @Test func theTooSmallScreenIgnoresEveryKeyButQuit() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Size(width: 40, height: 10))
        #expect(await controller.press([.down, .space, .character("p"), .character("?")]))
        #expect(await monitor.product(id: 2)?.status == .unavailable)
        #expect(await monitor.isPaused == false)
        #expect(controller.state.cursor(.products).selected == 0)
        #expect(!controller.state.helpShown)
        #expect(controller.frame().text.contains("terminal too small"))
        #expect(await controller.press(.character("q")) == false)
        // Growing brings the layout back with the selection where it was.
        controller.resize(Size(width: 80, height: 24))
        #expect(controller.frame().lines[4].hasPrefix("│▶  1 B Война"))
    }

    @Test func theFilterIgnoresCaseAndDiacriticsAndMatchesIdPrefixes() async throws {
        let catalog = ConsoleFixture.catalog + [
            Product(id: 70, title: "Мёртвые души", description: "Поэма", isAvailable: false),
            Product(id: 71, title: "Café Society", description: "", isAvailable: false),
        ]
        let monitor = try await ConsoleFixture.monitor(catalog: catalog)
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        func filter(_ text: String) async -> [Int32] {
            await controller.press([.escape, .character("/")] + text.map { Key.character($0) } + [.enter])
            return (0..<controller.model.productCount).compactMap { controller.model.product(at: $0)?.id }
        }
        #expect(await filter("МЕРТВ") == [70])
        #expect(await filter("cafe") == [71])
        #expect(await filter("7") == [7, 70, 71])
        #expect(await filter("маргарита") == [3, 4])
        #expect(await filter("nothing like it").isEmpty)
        #expect(controller.frame().text.contains("no product matches \"nothing like it\""))
        // A change in the monitor is filtered too: a renamed title leaves the filter.
        try await monitor.applyCatalog([Product(id: 4, title: "Другое", description: "", isAvailable: false)])
        _ = await filter("маргарита")
        await controller.refresh()
        #expect(controller.model.productCount == 1)
    }

    @Test func messagesExpire() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let clock = ManualClock(at: ConsoleFixture.fixedNow)
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.size,
                                                 clock: clock)
        await controller.press(.character("p"))
        #expect(controller.frame().lines[28].contains("checker paused"))
        let expiry = try #require(controller.nextClockChange())
        #expect(expiry <= ConsoleFixture.fixedNow.addingTimeInterval(ConsoleState.messageLifetime))
        clock.advance(by: ConsoleState.messageLifetime + 0.1)
        #expect(controller.expireMessage())
        #expect(!controller.frame().lines[28].contains("checker paused"))
    }

    /// An idle console schedules nothing; a countdown or an age on screen ticks each second.
    @Test func theClockWakesTheConsoleOnlyWhenTheScreenDependsOnIt() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        #expect(controller.nextClockChange() == nil, "idle: no timer at all")
        await monitor.updateLink { $0.breaker = .open(until: ConsoleFixture.fixedNow.addingTimeInterval(30)) }
        await controller.refresh()
        let next = try #require(controller.nextClockChange())
        #expect(next > ConsoleFixture.fixedNow && next <= ConsoleFixture.fixedNow.addingTimeInterval(1))
        await monitor.updateLink { $0.breaker = .closed }
        try await monitor.replaceQueues([CustomerQueue(title: "三体", customers: [1])])
        try await monitor.setAvailability(productId: 6, isAvailable: true)
        await controller.refresh()
        #expect(controller.nextClockChange() != nil, "a pending event's age is on screen")
    }

    @Test func footerHintsComeFromTheKeymap() {
        let hints = Keymap.standard.hints(readonly: false, ascii: false).map(\.text)
        // The working day's keys last: a narrow footer keeps quit and help.
        #expect(hints == ["move", "pane", "toggle", "filter", "pause", "resend", "help", "quit", "detail", "customer",
                          "mark", "stock", "undo", "sort", "command"])
        let readonly = Keymap.standard.hints(readonly: true, ascii: false).map(\.text)
        #expect(readonly == ["move", "pane", "filter", "help", "quit", "detail", "customer", "mark", "sort", "command"])
    }
}
