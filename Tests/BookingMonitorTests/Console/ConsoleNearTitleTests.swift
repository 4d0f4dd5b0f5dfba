import BookingConsole
import BookingCore
import Foundation
import Testing

/// A queued title that no product carries byte for byte, but one nearly: the Queues pane says
/// why it is not booked instead of only dimming it.
@Suite("Console: near titles in the Queues pane")
struct ConsoleNearTitleTests {
    static let catalog = [
        Product(id: 1, title: Titles.nfc, description: "Раствор", isAvailable: false),
        Product(id: 2, title: Titles.idiot, description: "Роман", isAvailable: false),
    ]

    static func monitor() async throws -> Monitor {
        let monitor = try await ConsoleFixture.monitor(catalog: catalog)
        try await monitor.replaceQueues([
            CustomerQueue(title: Titles.nfd, customers: [21]),
            CustomerQueue(title: Titles.idiotSpace, customers: [22, 23]),
            CustomerQueue(title: "Не наш", customers: [24]),
            CustomerQueue(title: Titles.idiot, customers: [25]),
        ])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        return monitor
    }

    func row(_ grid: Grid, _ text: String) throws -> Int {
        try #require(grid.lines.firstIndex { $0.contains(text) }, "no line with \(text):\n\(grid.text)")
    }

    @Test("the reason is on the queue's row, in colour; other rows have none; nothing is booked for it")
    func reasonShown() async throws {
        let monitor = try await Self.monitor()
        let grid = await ConsoleFixture.frame(monitor, size: Size(width: 200, height: 50))
        let form = try row(grid, "not carried here — near «\(Titles.nfc)» (differs in Unicode form) · 1: 21")
        let space = try row(grid, "not carried here — near «\(Titles.idiot)» (differs in spacing) · 2: 22 23")
        #expect(form != space)
        let reason = try #require(grid.column(of: "not carried here", y: form))
        #expect(grid[reason, form].style.foreground == .yellow)
        let notOurs = try row(grid, "Не наш")
        #expect(!grid.lines[notOurs].contains("not carried here"), "nothing near: dimmed only, as before")
        #expect(grid[try #require(grid.column(of: "Не наш", y: notOurs)), notOurs].style.dim)
        #expect(grid.lines.filter { $0.contains("not carried here") }.count == 2)
        #expect(await monitor.product(id: 1)?.status == .available, "still not booked")
    }

    @Test("a narrow Queues pane gets the short form, with the customers after it")
    func shortReason() async throws {
        let grid = await ConsoleFixture.frame(try await Self.monitor(), size: Size(width: 120, height: 40))
        _ = try row(grid, "near «\(Titles.nfc)» (Unicode form) · 1: 21")
        _ = try row(grid, "near «\(Titles.idiot)» (spacing) · 2: 22 23")
        #expect(!grid.text.contains("not carried here"))
    }

    @Test("ASCII: the reason in ASCII, the title as it is")
    func reasonInASCII() async throws {
        let grid = await ConsoleFixture.frame(try await Self.monitor(), size: Size(width: 200, height: 50), ascii: true)
        _ = try row(grid, "not carried here - near \"\(Titles.nfc)\" (differs in Unicode form) - 1: 21")
    }
}

@Suite("Console --once: near titles")
struct ConsoleOnceNearTitleTests {
    @Test("--once prints why a queue that looks carried is not booked")
    func onceSaysWhy() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ConsoleTmuxTests.binary))
        let dir = try TempDir()
        defer { dir.remove() }
        do {
            let monitor = try await makeMonitor(.file(dir.file("m.sqlite")), catalog: ConsoleNearTitleTests.catalog)
            try await monitor.replaceQueues([CustomerQueue(title: Titles.nfd, customers: [21]),
                                             CustomerQueue(title: Titles.idiotUpper, customers: [22])])
        }
        let result = try ConsoleOnceTests().run(["--once", "--size", "200x50", "--db", dir.file("m.sqlite")])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("not carried here — near «\(Titles.nfc)» (differs in Unicode form) · 1: 21"), "\(result.output)")
        #expect(result.output.contains("not carried here — near «\(Titles.idiot)» (differs in case) · 1: 22"), "\(result.output)")
    }
}
