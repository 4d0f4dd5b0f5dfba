@testable import BookingConsole
import CNcursesw
import Foundation
import Testing

/// The curses backend: after each paint, curses' screen holds exactly the grid (symbols,
/// attributes, colours), whether the painter copied every cell or only the rows and spans
/// that changed since the grid before.
@Suite("Console painter: curses holds the grid", .serialized)
struct ConsolePainterTests {
    @Test func everyPaintLeavesTheGridInCurses() throws {
        try withUTF8Locale {
            guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else {
                Issue.record("cannot open /dev/null")
                return
            }
            defer { fclose(output); fclose(input) }
            use_env(false) // the size comes from resizeterm, not from LINES and COLUMNS
            let screen = try #require(newterm("xterm-256color", output, input))
            defer { delscreen(screen) }
            defer { endwin() }
            start_color()
            use_default_colors()

            var random = SeededRandom(seed: 7)
            var painter = CursesPainter(color: true)
            var size = (width: 30, height: 6)
            resizeterm(Int32(size.height), Int32(size.width))
            var grid = Grid(width: size.width, height: size.height)
            for step in 0..<200 {
                if step % 50 == 25 {
                    // A resize, as CursesTerminal sees it: curses' screen is reallocated.
                    size = size.width == 30 ? (41, 7) : (30, 6)
                    resizeterm(Int32(size.height), Int32(size.width))
                    painter.invalidate()
                    grid = Grid(width: size.width, height: size.height)
                }
                // Several changes per frame: writes (wide characters, combining marks,
                // controls), restyles and fills, in few rows or many.
                for _ in 0..<Int.random(in: 0...4, using: &random) {
                    let y = Int.random(in: 0..<size.height, using: &random)
                    let x = Int.random(in: 0..<size.width, using: &random)
                    let style = ConsoleGridSimplePathTests.styles.randomElement(using: &random)!
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0: grid.restyle(x: x, y: y, width: Int.random(in: 1...8, using: &random)) { $0.bold.toggle() }
                    case 1: grid.fill(x: x, y: y, width: 5, height: 2, style: style)
                    default:
                        // Not flags, emoji sequences or C1 controls: curses cannot hold those in
                        // one cell (setcchar refuses two spacing characters; a C1 control is
                        // shown as several), with this painter or the one before it.
                        let text = ConsoleGridSimplePathTests.randomText(&random, simpleOnly: false)
                            .unicodeScalars.filter { !["🇷", "🇺", "\u{200D}", "\u{85}"].contains($0) }
                        grid.write(String(String.UnicodeScalarView(text)), x: x, y: y, style: style)
                    }
                }
                painter.paint(grid)
                expectScreen(holds: grid, step: step)
            }
        }
    }

    private func expectScreen(holds grid: Grid, step: Int) {
        var mismatches: [String] = []
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if cell.isContinuation { continue }
                var stored = cchar_t()
                _ = mvwin_wch(bm_stdscr(), Int32(y), Int32(x), &stored)
                var chars = [wchar_t](repeating: 0, count: 8)
                var attributes: attr_t = 0
                var pair: Int16 = 0
                _ = getcchar(&stored, &chars, &attributes, &pair, nil)
                let symbol = String(String.UnicodeScalarView(chars.prefix { $0 != 0 }.compactMap {
                    Unicode.Scalar(UInt32(bitPattern: $0))
                }))
                var expected = cell.symbol.isEmpty ? " " : cell.symbol
                if cell.width == 2, x == grid.width - 1 { expected = " " } // a wide character cut by the edge
                var foreground: Int16 = -1, background: Int16 = -1
                if pair != 0 { _ = pair_content(pair, &foreground, &background) }
                let style = cell.style
                let ok = Array(symbol.unicodeScalars) == Array(expected.unicodeScalars)
                    && (attributes & bm_a_bold() != 0) == style.bold
                    && (attributes & bm_a_dim() != 0) == style.dim
                    && (attributes & bm_a_reverse() != 0) == style.reverse
                    && (attributes & bm_a_underline() != 0) == style.underline
                    && Int(foreground) == style.foreground.rawValue && Int(background) == style.background.rawValue
                if !ok {
                    mismatches.append("(\(x),\(y)) curses \(symbol.debugDescription) fg \(foreground) bg \(background) "
                                      + "attrs \(String(attributes, radix: 16)), grid \(expected.debugDescription) \(style)")
                }
            }
        }
        #expect(mismatches.isEmpty, "step \(step): \(mismatches.prefix(5))")
    }
}
