import BookingConsole
import BookingCore
import Foundation
import Testing

/// Words on the screen: counts in the right number, no word cut in half, a legend that names
/// every mark, and a terminal without UTF-8 that still shows something for every character.
@Suite("Console wording") struct ConsoleWordingTests {
    @Test("one title, one customer, one push: singular")
    func singular() async throws {
        let monitor = try await ConsoleFixture.monitor()
        try await monitor.replaceQueues([CustomerQueue(title: "Идиот", customers: [21])])
        let grid = await ConsoleFixture.frame(monitor, size: Size(width: 200, height: 50))
        #expect(grid.text.contains("2 Queues 1 title, 1 queued "), "\(grid.text)")
        #expect(grid.text.contains("1 push"), "\(grid.text)")
        #expect(!grid.text.contains("1 pushes") && !grid.text.contains("1 titles") && !grid.text.contains("1 customers"))
        #expect(grid.text.contains("1 in 1 queue "), "\(grid.text)")
    }

    @Test("the header at 60 and 80 columns ends on a whole word", arguments: [60, 61, 67, 72, 80])
    func headerNotCutMidWord(width: Int) async throws {
        let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), size: Size(width: width, height: 24))
        for y in 0..<2 {
            let line = grid.line(y).trimmingCharacters(in: .whitespaces)
            // Whatever was cut ends with an ellipsis after a space; nothing ends inside a word of
            // the full header ("http://127.0.0.1:5012" cut to "http://12").
            let words = line.split(separator: " ")
            let full = ["booking-monitor", "group", "east", "│", "link:", "ok", "→", "http://127.0.0.1:5012", "outbox", "2",
                        "pending", "(oldest", "0s),", "0", "parked", "last", "push", "0s", "ago", "(#1):", "5", "in", "3",
                        "queues", "totals", "booked,", "delivered,", "1", "http", "127.0.0.1:5039", "store", "in-memory", "…"]
            for word in words {
                #expect(full.contains(String(word)), "line \(y) at \(width) columns: \"\(word)\" is a cut word: \(line)")
            }
        }
    }

    @Test("the help legend names every Activity mark, i included")
    func helpLegend() async throws {
        for width in [80, 120] {
            let grid = await ConsoleFixture.frame(try await ConsoleFixture.midDemo(), state: { $0.helpShown = true },
                                                  size: Size(width: width, height: 40))
            let text = grid.text
            for mark in ["B booking", "Q queue push", "D delivery", "! failure", "K operator action", "i info"] {
                #expect(text.contains(mark), "\(width) columns: \(mark) missing\n\(text)")
            }
        }
    }

    @Test("without a UTF-8 locale each non-ASCII character is a visible ?, one per column")
    func asciiReplacement() {
        var grid = Grid(width: 20, height: 1)
        _ = grid.write("1 Йод 三体 ok", x: 0, y: 0)
        let replaced = grid.replacingNonASCII()
        #expect(replaced.line(0) == "1 ??? ???? ok       ")
        #expect(DisplayWidth.of(replaced.line(0)) == 20)
    }
}
