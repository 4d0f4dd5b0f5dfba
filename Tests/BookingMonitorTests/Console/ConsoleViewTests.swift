import BookingConsole
import BookingCore
import Foundation
import Testing

/// The views over the panes: a product's detail (`Enter` in Products), a whole queue (`Enter`
/// in Queues), a customer (`c`, an id, `Enter`); `Esc` goes back. Rendered from a real monitor
/// and its SQLite store (the history is read from it), with a fixed clock.
@Suite("Console views: product, queue, customer")
struct ConsoleViewTests {
    @Test("Enter on a product: every field, its booking and event with the last answer, why, its history newest first")
    func productDetail() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let event = try #require(await monitor.snapshotNow().outbox.first { $0.booking.productId == 1 })
        try await monitor.recordFailure(sequence: event.booking.sequence, error: "500: no order for customer 3", park: false)
        let console = await ConsoleFixture.controller(monitor, size: Size(width: 80, height: 24))
        await console.press(.enter)
        let text = console.frame().text
        #expect(text == Golden.product80x24)
        await console.press(.escape)
        #expect(console.frame().lines[2].contains("1 Products"), "Esc goes back to the dashboard")
    }

    @Test("Enter on a queue: the whole queue, each customer with its state and reason; no … after nine")
    func wholeQueue() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let customers = Array(Int32(100)...Int32(129))
        try await monitor.replaceQueues([CustomerQueue(title: "Мастер и Маргарита", customers: customers)])
        try await monitor.setAvailability(productId: 3, isAvailable: true)  // → 100
        let console = await ConsoleFixture.controller(monitor, size: Size(width: 80, height: 24))
        await console.press([.character("2"), .enter])
        let first = console.frame().text
        #expect(first == Golden.queue80x24)
        await console.press(.end)
        let last = console.frame().lines
        #expect(last.contains { $0.contains("30  customer 129") }, "the last of 30 customers is reachable")
        #expect(last.contains { $0.contains("1 of 30") || $0.contains("/30") })
        // Enter on a customer of the queue opens that customer; Esc comes back to the queue.
        await console.press(.enter)
        #expect(console.frame().lines[2].contains("Customer 129"))
        await console.press(.escape)
        #expect(console.frame().lines[2].contains("Queue «Мастер и Маргарита»"))
    }

    @Test("c, an id, Enter: the customer's place in every queue, what they got, pending events, why not per title, history")
    func customerView() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        try await monitor.replaceQueues([
            CustomerQueue(title: "Мастер и Маргарита", customers: [7, 12]),
            CustomerQueue(title: "Война и мир. Том 1", customers: [3, 7]),
        ])
        let console = await ConsoleFixture.controller(monitor, size: Size(width: 120, height: 30))
        await console.press([.character("c"), .character("7")])
        #expect(console.frame().lines[28].contains("customer id: 7"))
        await console.press(.enter)
        let text = console.frame().text
        #expect(text == Golden.customer120x30)
    }

    @Test("a customer id that is not a number is a message, not a crash; Esc cancels the prompt")
    func badCustomerId() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        let console = await ConsoleFixture.controller(monitor, size: Size(width: 80, height: 24))
        await console.press([.character("c"), .character("x"), .enter])
        #expect(console.state.view == nil)
        #expect(console.state.message?.text == #"a customer id is a whole number, got """#)
        await console.press([.character("c"), .character("9"), .escape])
        #expect(console.state.view == nil && console.state.customerPrompt == nil)
        await console.press([.character("c"), .character("9"), .character("9"), .character("9"), .character("9"),
                             .character("9"), .character("9"), .character("9"), .character("9"), .character("9"),
                             .character("9"), .character("9"), .enter])
        #expect(console.state.view == nil, "beyond 32 bits")
        #expect(console.state.message?.kind == .error)
    }

    @Test("a view renders at every size without a crash, in monochrome and ASCII", arguments: [
        Size(width: 60, height: 16), Size(width: 80, height: 24), Size(width: 200, height: 50)])
    func sizes(_ size: Size) async throws {
        let monitor = try await ConsoleFixture.midDemo()
        for keys: [Key] in [[.enter], [.character("2"), .enter], [.character("c"), .character("3"), .enter]] {
            let console = await ConsoleFixture.controller(monitor, size: size, color: false, ascii: true)
            await console.press(keys)
            let lines = console.frame().lines
            #expect(lines.count == size.height)
            #expect(lines[size.height - 1].contains("Esc") && lines[size.height - 1].contains("back"))
            #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) || $0.contains("Мастер") || $0.contains("Война") || $0.contains("Роман") || $0.contains("Евгений") || $0.contains("三体") })
        }
    }
}
