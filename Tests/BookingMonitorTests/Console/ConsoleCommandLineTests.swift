import BookingConsole
import BookingCore
import Foundation
import Testing

/// The `:` command line: parsing, completion, history (in memory and in its file), and each
/// command carried out against a real monitor.
@Suite("Console command line") struct ConsoleCommandLineTests {
    static let size = Size(width: 100, height: 30)

    static func keys(_ text: String) -> [Key] { text.map { Key.character($0) } }

    @Test func idRangesParseAndBadOnesAreSentences() throws {
        #expect(try CommandLineSyntax.ids("1-3,5,2", command: "avail").get() == [1, 2, 3, 5])
        #expect(CommandLineSyntax.parse("unavail 1-x") == .failure(.init("unavail: 1-x: not an id range")))
        #expect(CommandLineSyntax.parse("avail 5-2") == .failure(.init("avail: 5-2: the range runs backwards")))
        #expect(CommandLineSyntax.parse("avail 1-2000000") == .failure(.init("avail: more than 100000 ids at once")))
        #expect(CommandLineSyntax.parse("avail") == .failure(.init("avail: give product ids, e.g. 1-20,25")))
        #expect(CommandLineSyntax.parse("sort title desc") == .success(.sort(.title, ascending: false)))
        #expect(CommandLineSyntax.parse("sort queue") == .success(.sort(.queue, ascending: nil)))
        #expect(CommandLineSyntax.parse("sort colour") == .failure(
            .init("sort: colour: not a column (id, status, title, customer, booked, queue)")))
        #expect(CommandLineSyntax.parse("export csv /tmp/x.csv") == .success(.exportProducts(path: "/tmp/x.csv")))
        #expect(CommandLineSyntax.parse("export history csv h.csv") == .success(.exportHistory(path: "h.csv")))
        #expect(CommandLineSyntax.parse("filter Война и мир") == .success(.filter("Война и мир")))
        #expect(CommandLineSyntax.parse("goto twelve") == .failure(.init("goto: twelve: not an id")))
        if case .failure(let failure) = CommandLineSyntax.parse("frobnicate") {
            #expect(failure.description.hasPrefix("frobnicate: not a command (avail, unavail, goto"))
        } else {
            Issue.record("frobnicate parsed")
        }
    }

    @Test func tabCompletesNamesColumnsAndDirections() {
        #expect(CommandLineSyntax.complete("so") == ("sort ", []))
        #expect(CommandLineSyntax.complete("sort ti") == ("sort title ", []))
        #expect(CommandLineSyntax.complete("sort title d") == ("sort title desc ", []))
        #expect(CommandLineSyntax.complete("sort c").0 == "sort customer ")
        let ambiguous = CommandLineSyntax.complete("u")
        #expect(ambiguous.text == "un")
        #expect(ambiguous.candidates == ["unavail", "undo"])
        #expect(CommandLineSyntax.complete("una") == ("unavail ", []))
        #expect(CommandLineSyntax.complete("").1.count == CommandLineSyntax.commands.count)
        #expect(CommandLineSyntax.complete("export h") == ("export history ", []))
        #expect(CommandLineSyntax.complete("xyz") == ("xyz", []))
    }

    @Test func tabCompletesExportPathsFromTheFileSystem() async throws {
        let listing: (String) -> [String] = { directory in
            directory == "/tmp/x/" ? ["products.csv", "prices.csv", "sub/"] : directory == "." ? ["here.csv"] : []
        }
        #expect(CommandLineSyntax.completePath("export csv /tmp/x/pr", listing: listing)?.text == "export csv /tmp/x/pr")
        #expect(CommandLineSyntax.completePath("export csv /tmp/x/pr", listing: listing)?.candidates
            == ["prices.csv", "products.csv"])
        #expect(CommandLineSyntax.completePath("export history csv /tmp/x/s", listing: listing)?.text
            == "export history csv /tmp/x/sub/")
        #expect(CommandLineSyntax.completePath("export csv ", listing: listing)?.text == "export csv here.csv")
        #expect(CommandLineSyntax.completePath("sort ti", listing: listing) == nil, "not at a path")
        // Through the controller, on the real file system.
        let workspace = try ConsoleKeymapTests.Workspace()
        try "".write(toFile: workspace.path + "/report-2026.csv", atomically: true, encoding: .utf8)
        let controller = await ConsoleFixture.controller(try await ConsoleFixture.monitor(), size: Self.size)
        await controller.press([.character(":")] + Self.keys("export csv \(workspace.path)/rep") + [.tab])
        #expect(controller.state.commandLine?.text == "export csv \(workspace.path)/report-2026.csv")
    }

    @Test func historyGoesUpAndDownAndSurvivesARestart() async throws {
        let workspace = try ConsoleKeymapTests.Workspace()
        let file = CommandHistoryFile(path: workspace.path + "/state/booking-monitor/command-history")
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.size,
                                                 historyFile: file)
        await controller.press([.character(":")] + Self.keys("goto 3") + [.enter])
        await controller.press([.character(":")] + Self.keys("sort title") + [.enter])
        #expect(file.load() == ["goto 3", "sort title"])
        await controller.press([.character(":"), .up])
        #expect(controller.state.commandLine?.text == "sort title")
        await controller.press(.up)
        #expect(controller.state.commandLine?.text == "goto 3")
        await controller.press(.down)
        #expect(controller.state.commandLine?.text == "sort title")
        await controller.press(.down)
        #expect(controller.state.commandLine?.text == "")
        await controller.press(.escape)
        #expect(controller.state.commandLine == nil)
        // Another run reads the same file.
        let again = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.size,
                                            historyFile: file)
        await again.press([.character(":"), .up])
        #expect(again.state.commandLine?.text == "sort title")
        #expect(again.frame().lines[28].hasPrefix(" :sort title▏"))
    }

    @Test func aHistoryFileThatCannotBeWrittenIsAMessage() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleController(monitor: monitor, settings: ConsoleFixture.settings(), size: Self.size,
                                                 historyFile: CommandHistoryFile(path: "/proc/no/such/command-history"))
        await controller.press([.character(":")] + Self.keys("help") + [.enter])
        #expect(controller.state.message?.kind == .error)
        #expect(controller.state.message?.text.hasPrefix("command history not saved to /proc/no/such/command-history") == true)
    }

    @Test func availUnavailGotoCustomerFilterPauseResumeAndErrors() async throws {
        let monitor = try await ConsoleFixture.monitor()
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        func run(_ text: String) async { await controller.press([.character(":")] + Self.keys(text) + [.enter]) }
        await run("avail 1-3,6")
        #expect(await monitor.allProducts().map(\.status.rawValue) == ["A", "A", "A", "U", "U", "A", "U"])
        await run("unavail 2-3")
        #expect(await monitor.allProducts().map(\.status.rawValue) == ["A", "U", "U", "U", "U", "A", "U"])
        await run("unavail 1-x")
        #expect(controller.state.message?.text == "unavail: 1-x: not an id range")
        #expect(controller.state.message?.kind == .error)
        await run("avail 6-8")
        #expect(controller.state.message?.text == "avail: no product 8 in this group; nothing was changed")
        #expect(await monitor.product(id: 7)?.isAvailable == false, "a bad id changes nothing")
        await run("goto 5")
        #expect(controller.model.product(at: controller.state.cursor(.products).selected)?.id == 5)
        await run("goto 99")
        #expect(controller.state.message?.text == "goto: no product 99 in this group")
        await run("filter мастер")
        #expect(controller.state.filter == "мастер")
        #expect(controller.model.productCount == 2)
        await run("goto 1")
        #expect(controller.state.filter == "", "goto clears a filter that hides the product")
        #expect(controller.model.product(at: controller.state.cursor(.products).selected)?.id == 1)
        await run("customer 7")
        #expect(controller.state.view == .customer(7))
        await controller.press(.escape)
        await run("pause")
        #expect(await monitor.isPaused)
        await run("resume")
        #expect(await monitor.isPaused == false)
        await run("help")
        #expect(controller.state.message?.text.hasPrefix("commands: avail IDS, unavail IDS, goto ID, customer ID") == true)
        #expect(controller.state.message?.text.hasSuffix("(:help NAME for one; ? for the keys)") == true)
        await run("help sort")
        #expect(controller.state.message?.text.hasPrefix(":sort COLUMN [asc|desc]") == true)
        await run("help nope")
        #expect(controller.state.message?.text.hasPrefix("help: nope: not a command") == true)
        await run("undo")
        #expect(controller.state.message?.text == "undone :unavail 2 products: 2 products put back")
        #expect(await monitor.product(id: 2)?.isAvailable == true)
    }

    @Test func exportWritesTheProductsAsShownAndTheHistoryWithFormulasDefused() async throws {
        let workspace = try ConsoleKeymapTests.Workspace()
        let catalog = ConsoleFixture.catalog + [Product(id: 8, title: "=HYPERLINK(\"x\")", description: "a, \"b\"",
                                                        isAvailable: false)]
        let monitor = try await ConsoleFixture.monitor(.file(workspace.database), catalog: catalog)
        let controller = await ConsoleFixture.controller(monitor, size: Self.size)
        func run(_ text: String) async { await controller.press([.character(":")] + Self.keys(text) + [.enter]) }
        await run("avail 8")
        await run("sort id desc")
        await run("filter 8")
        await run("export csv \(workspace.path)/products.csv")
        #expect(controller.state.message?.text == "exported 1 products to \(workspace.path)/products.csv")
        let products = try String(contentsOfFile: workspace.path + "/products.csv", encoding: .utf8)
        #expect(products == "id,status,title,description,customer,booked_at,queue\r\n"
            + "8,A,\"'=HYPERLINK(\"\"x\"\")\",\"a, \"\"b\"\"\",,,0\r\n")
        await run("filter")
        await run("export csv \(workspace.path)/all.csv")
        let all = try String(contentsOfFile: workspace.path + "/all.csv", encoding: .utf8).split(separator: "\r\n")
        #expect(all.dropFirst().map { $0.prefix(2) } == ["8,", "7,", "6,", "5,", "4,", "3,", "2,", "1,"], "sorted as shown")
        await run("export history csv \(workspace.path)/history.csv")
        let history = try String(contentsOfFile: workspace.path + "/history.csv", encoding: .utf8)
        #expect(history.hasPrefix("sequence,time,kind,source,instance,productId,customerId,title,bookingId,summary,detail\r\n"))
        #expect(history.contains(",product,console,,8,,\"'=HYPERLINK"))
        await run("export csv /proc/nope/x.csv")
        #expect(controller.state.message?.kind == .error)
        #expect(controller.state.message?.text.hasPrefix("export: /proc/nope/x.csv not written") == true)
        #expect(CSVExport.cell("-1") == "'-1")
        #expect(CSVExport.cell("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVExport.cell("+7 900") == "'+7 900")
        #expect(CSVExport.cell("line\nbreak") == "\"line\nbreak\"")
    }
}
