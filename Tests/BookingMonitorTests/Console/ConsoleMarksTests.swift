import BookingConsole
import BookingCore
import Foundation
import Testing

/// Marks, bulk actions, stock arriving and undo: scripted keys against a real monitor on a
/// SQLite file, checked in the monitor, in the store's history and on the screen.
@Suite("Console marks, bulk actions and undo") struct ConsoleMarksTests {
    static let size = Size(width: 100, height: 30)

    @Test func mMarksAndMovesDownAndTheFooterCountsThem() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("m"), .character("m")])
        #expect(controller.state.marks == [1, 2])
        #expect(controller.state.cursor(.products).selected == 2, "m moves down")
        let frame = controller.frame()
        #expect(frame.lines[29].hasPrefix(" 2  marked (x clears) "), "\(frame.lines[29])")
        #expect(frame.lines[2].contains("1 Products 7 · 2 marked"))
        #expect(frame.lines[4].hasPrefix("│ ● 1 U"), "product 1 marked, not selected: \(frame.lines[4])")
        // m again on a marked product unmarks it.
        await controller.press([.up, .character("m")])
        #expect(controller.state.marks == [1])
        await controller.press(.character("x"))
        #expect(controller.state.marks.isEmpty)
        #expect(!controller.frame().lines[29].contains("marked"))
    }

    @Test func vMarksARangeAndStarMarksEveryProductTheFilterShows() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("j"), .character("m"), .character("j"), .character("j"), .character("V")])
        #expect(controller.state.marks == [2, 3, 4, 5], "from the last mark (2) to the selection (5)")
        await controller.press(.character("x"))
        await controller.press([.character("/")] + "мастер".map { Key.character($0) } + [.enter])
        await controller.press(.character("*"))
        #expect(controller.state.marks == [3, 4], "every product the filter shows, no more")
        await controller.press([.escape, .control("a")])
        #expect(controller.state.marks.count == 7)
    }

    @Test func aOnMarksIsOneBulkActionAndUUndoesIt() async throws {
        let workspace = try ConsoleKeymapTests.Workspace()
        let monitor = try await ConsoleFixture.monitor(.file(workspace.database))
        try await monitor.replaceQueues([CustomerQueue(title: "Мастер и Маргарита", customers: [7])])
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        // Products 3, 4 («Мастер и Маргарита»), 5: the first copy books customer 7.
        await controller.press([.down, .down, .character("m"), .character("m"), .character("m"), .character("a")])
        let statuses = await monitor.allProducts().map(\.status.rawValue)
        #expect(statuses == ["U", "U", "B", "A", "A", "U", "U"])
        #expect(controller.state.marks.isEmpty, "the marks are cleared once acted on")
        #expect(controller.state.message?.text == "3 products available, 1 booked at once (3 → customer 7) (U undoes)")
        // One history entry per product, in one transaction with the booking.
        let entries = try monitor.history(HistoryQuery(kind: .product, limit: 10))
        #expect(entries.count == 3)
        #expect(Set(entries.map(\.time)).count == 1)
        // The action booked product 3: undo would take it from customer 7.
        await controller.press(.character("U"))
        #expect(controller.state.message?.kind == .error)
        #expect(controller.state.message?.text
            == "cannot undo: product 3 was booked by customer 7 at 10:20:30 by that action; undo would take it from them (3 products marked dropped from undo)")
        #expect(await monitor.allProducts().map(\.status.rawValue) == statuses, "nothing undone")

        // u on two marked products, then Ctrl-Z: available again.
        await controller.press([.character("g"), .down, .down, .down, .character("m"), .character("m"), .character("u")])
        #expect(await monitor.allProducts().map(\.status.rawValue) == ["U", "U", "B", "U", "U", "U", "U"])
        await controller.press(.control("z"))
        #expect(controller.state.message?.text == "undone 2 products marked: 2 products put back")
        #expect(await monitor.allProducts().map(\.status.rawValue) == ["U", "U", "B", "A", "A", "U", "U"])
        let undone = try monitor.history(HistoryQuery(kind: .product, limit: 2))
        #expect(undone.map(\.source) == ["console undo", "console undo"])
        await controller.press(.character("U"))
        #expect(controller.state.message?.text == "nothing to undo")
    }

    @Test func releasingBookedProductsAsksFirstAndUndoGivesThemBack() async throws {
        let monitor = try await ConsoleFixture.midDemo()  // 1 → 3 and 3 → 7 booked
        try await monitor.replaceQueues([])  // nobody waits: released copies stay available
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("m"), .down, .character("m"), .character("a")])
        #expect(controller.state.confirmation?.question
            == "release 2 booked products from their customers (1 from customer 3, 3 from customer 7)? the next in each queue gets them; the Orchestrator is not told  y/N")
        #expect(controller.frame().lines[28].contains("release 2 booked products"))
        await controller.press(.character("n"))
        #expect(await monitor.product(id: 1)?.bookedBy == 3, "declined: nothing changed")
        #expect(controller.state.message?.text == "nothing changed: 2 booked products stay booked")
        await controller.press([.character("a"), .character("y")])
        #expect(await monitor.product(id: 1)?.status == .available)
        #expect(await monitor.product(id: 3)?.status == .available)
        await controller.press(.character("U"))
        #expect(controller.state.message?.text == "undone 2 products marked: 2 products put back, 2 given back to their customers")
        #expect(await monitor.product(id: 1)?.bookedBy == 3)
        #expect(await monitor.product(id: 3)?.bookedBy == 7)
        let history = try monitor.history(HistoryQuery(productId: 3, limit: 1))
        #expect(history.first?.summary == "console undo: product 3 given back to customer 7, unavailable")
    }

    @Test func aReleaseBookedAgainSinceCannotBeUndoneAndTheMessageSaysWhy() async throws {
        let monitor = try await ConsoleFixture.monitor()
        try await monitor.replaceQueues([CustomerQueue(title: "Anna Karenina", customers: [5])])
        try await monitor.setAvailability(productId: 7, isAvailable: true)  // → 5
        try await monitor.replaceQueues([])
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("G"), .character("a"), .character("y")])
        #expect(await monitor.product(id: 7)?.status == .available)
        // Customer 9 queues and gets it.
        try await monitor.replaceQueues([CustomerQueue(title: "Anna Karenina", customers: [9])])
        await controller.refresh()
        await controller.press(.character("U"))
        #expect(controller.state.message?.text
            == "cannot undo: product 7 was booked by customer 9 at 10:20:30 since; undo would take it from them (product 7 available dropped from undo)")
        #expect(await monitor.product(id: 7)?.bookedBy == 9)
    }

    @Test func plusMakesNCopiesOfTheSelectedTitleAvailableAndSaysWhenThereAreFewer() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("+"), .character("5")])
        #expect(controller.frame().lines[28].hasPrefix(" stock arrived for «Война и мир. Том 1», copies: 5"))
        await controller.press(.enter)
        #expect(await monitor.allProducts().map(\.status.rawValue) == ["A", "A", "U", "U", "U", "U", "U"])
        #expect(controller.state.message?.text
            == "only 2 of 5 copies of «Война и мир. Том 1» were unavailable and unbooked; 2 products available (U undoes)")
        await controller.press([.character("+"), .character("1"), .enter])
        #expect(controller.state.message?.text
            == "stock: no copy of «Война и мир. Том 1» is unavailable and unbooked; nothing to make available")
        await controller.press([.character("+"), .enter])
        #expect(controller.state.message?.kind == .error)
    }

    @Test func readonlyRefusesUndoStockAndStateChangingCommands() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size, readonly: true)
        for keys: [Key] in [[.character("U")], [.control("z")], [.character("+")],
                            [.character(":")] + "avail 1-3".map { Key.character($0) } + [.enter],
                            [.character(":")] + "pause".map { Key.character($0) } + [.enter]] {
            await controller.press(keys)
            #expect(controller.state.message?.text.hasPrefix("read-only:") == true, "\(keys)")
        }
        // Marks are view state: allowed, but a and u on them are refused.
        await controller.press([.character("m"), .character("a")])
        #expect(controller.state.message?.text.hasPrefix("read-only:") == true)
        #expect(await monitor.allProducts().allSatisfy { !$0.isAvailable })
        #expect(await monitor.isPaused == false)
    }
}
