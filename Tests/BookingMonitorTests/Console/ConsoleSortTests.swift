import BookingConsole
import BookingCore
import Foundation
import Testing

/// Sorting the Products pane: keys, `Command.sortBy` (a heading click), the arrow, the
/// selection kept on its product, the heading's hit-test, and the cost at 100,000 products.
@Suite("Console sort") struct ConsoleSortTests {
    static let size = Size(width: 100, height: 30)

    func ids(_ controller: ConsoleController) -> [Int32] { controller.model.shownProducts.map(\.id) }

    @Test func sCyclesColumnsAndSReversesAndTheHeadingShowsTheDirection() async throws {
        let monitor = try await ConsoleFixture.midDemo()  // 1, 3 booked; 5 available
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press(.character("s"))
        #expect(controller.state.sort == ProductSort(.status))
        #expect(ids(controller) == [5, 1, 3, 2, 4, 6, 7], "A, then B, then U; ids within")
        #expect(controller.frame().lines[3].contains("ID S▲Title"))
        #expect(controller.state.message?.text == "sorted by status, ascending")
        await controller.press(.character("S"))
        #expect(ids(controller) == [7, 6, 4, 2, 3, 1, 5])
        #expect(controller.frame().lines[3].contains("S▼"))
        await controller.press(.character("s"))
        #expect(controller.state.sort == ProductSort(.title))
        let ascii = await ConsoleFixture.controller(monitor, size: Self.size, ascii: true)
        await ascii.press([.character("s"), .character("s"), .character("s"), .character("S")])
        #expect(ascii.state.sort == ProductSort(.customer, ascending: false))
        #expect(ascii.frame().lines[3].contains("Customerv"))
        #expect(ids(ascii) == [7, 6, 5, 4, 2, 3, 1], "not booked last ascending, so first descending; 7 before 3")
    }

    @Test func sortByAColumnTwiceReversesItAsAHeadingClickWould() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        var state = controller.state
        let model = controller.model
        _ = state.apply(.sortBy(.queue), model: model, now: ConsoleFixture.fixedNow)
        #expect(state.sort == ProductSort(.queue, ascending: true))
        _ = state.apply(.sortBy(.queue), model: model, now: ConsoleFixture.fixedNow)
        #expect(state.sort == ProductSort(.queue, ascending: false))
        _ = state.apply(.sortBy(.id), model: model, now: ConsoleFixture.fixedNow)
        #expect(state.sort == nil, "id ascending is the natural order: no arrow")
    }

    @Test func theSelectionStaysOnItsProductThroughASortAndAPush() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        await controller.press([.character("G")])  // product 7, Anna Karenina
        await controller.press([.character(":")] + "sort title".map { Key.character($0) } + [.enter])
        #expect(ids(controller) == [7, 1, 2, 5, 3, 4, 6], "folded: Anna, Война, Евгений, Мастер, 三体")
        #expect(controller.model.product(at: controller.state.cursor(.products).selected)?.id == 7)
        // Sorted by status, a booking moves product 7's row: the selection follows it.
        await controller.press([.character(":")] + "sort status".map { Key.character($0) } + [.enter])
        try await monitor.setAvailability(productId: 5, isAvailable: true)
        await controller.refresh()
        #expect(ids(controller).first == 5)
        try await monitor.replaceQueues([CustomerQueue(title: "Anna Karenina", customers: [9])])
        try await monitor.setAvailability(productId: 7, isAvailable: true)
        await controller.refresh()
        #expect(ids(controller) == [5, 7, 1, 2, 3, 4, 6])
        #expect(controller.model.product(at: controller.state.cursor(.products).selected)?.id == 7)
        #expect(controller.frame().lines.contains { $0.hasPrefix("│▶  7 B Anna Karenina") })
    }

    @Test func theHeadingsHitTestNamesTheColumnUnderAClick() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let model = ConsoleModel(snapshot: await monitor.snapshotNow())
        for size in [Size(width: 80, height: 24), Size(width: 120, height: 40)] {
            let frame = await ConsoleFixture.frame(monitor, size: size)
            let heading = Array(frame.lines[3])
            func x(of word: String) -> Int {
                let text = String(heading)
                return text.distance(from: text.startIndex, to: text.range(of: word)!.lowerBound)
            }
            #expect(productColumn(atScreenX: x(of: "ID"), y: 3, size: size, model: model) == .id, "\(size)")
            #expect(productColumn(atScreenX: x(of: " S ") + 1, y: 3, size: size, model: model) == .status)
            #expect(productColumn(atScreenX: x(of: "Title") + 2, y: 3, size: size, model: model) == .title)
            #expect(productColumn(atScreenX: x(of: "Description"), y: 3, size: size, model: model) == nil)
            #expect(productColumn(atScreenX: x(of: "Customer") + 7, y: 3, size: size, model: model) == .customer)
            #expect(productColumn(atScreenX: x(of: "Booked"), y: 3, size: size, model: model) == .booked)
            #expect(productColumn(atScreenX: x(of: "Q│"), y: 3, size: size, model: model) == .queue)
            #expect(productColumn(atScreenX: x(of: "Title"), y: 4, size: size, model: model) == nil, "a row, not the heading")
            #expect(productColumn(atScreenX: 0, y: 3, size: size, model: model) == nil, "the border")
        }
    }

    @Test func at100000ProductsTheRowsAreSortedOncePerChangeNotPerFrame() async throws {
        let products = (1...100_000).map { id in
            Product(id: Int32(id), title: "Книга № \(id % 5000) «Война и мир»", description: "", isAvailable: id % 3 == 0)
        }
        var snapshot = MonitorSnapshot(group: "big", products: products, queues: .empty)
        snapshot.productsVersion = 1
        let clock = ContinuousClock()
        var model = ConsoleModel(snapshot: snapshot)
        let sortTime = clock.measure { model.setSort(ProductSort(.title)) }
        #expect(model.sortCount == 1)
        #expect(sortTime < .seconds(5), "\(sortTime)")
        #expect(model.product(at: 0)?.title == "Книга № 0 «Война и мир»")
        // The same products again (a frame, a change elsewhere): not sorted again.
        let frameTime = clock.measure {
            for _ in 0..<30 { model.update(snapshot) }
        }
        #expect(model.sortCount == 1)
        #expect(frameTime < sortTime * 30, "\(frameTime) for 30 updates vs one sort \(sortTime)")
        snapshot.productsVersion = 2
        model.update(snapshot)
        #expect(model.sortCount == 2, "a change of the products sorts again")
        let grid = render(model, ConsoleState(size: Size(width: 120, height: 40)), size: Size(width: 120, height: 40),
                          settings: ConsoleFixture.settings(), now: ConsoleFixture.fixedNow)
        #expect(grid.lines[4].contains("5000 U Книга № 0 «Война"), "\(grid.lines[4])")
    }
}
