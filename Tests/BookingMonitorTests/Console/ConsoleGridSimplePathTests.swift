@testable import BookingConsole
import Testing

/// The grid writes "simple" text (one scalar per column, see `SimpleText`) one scalar at a
/// time, and everything else one `Character` at a time. These tests hold the first to the
/// second, and `Text` to the Character-by-Character definitions it had before.
@Suite("Console grid: the simple-text path gives the same cells as the general one")
struct ConsoleGridSimplePathTests {
    /// Every simple scalar is a grapheme cluster whatever is next to it, and one column wide.
    /// (The grapheme rules that join two scalars each need an Extend, ZWJ, SpacingMark,
    /// Prepend, regional indicator, Hangul jamo or CR on one side; pairing each scalar with a
    /// plain letter, a line feed and itself catches every one of those.)
    @Test func simpleScalarsStandAlone() {
        var failures: [String] = []
        for value in UInt32(0)...0x2FFFF where SimpleText.isSimple(value) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let s = String(scalar)
            let alone = ["a" + s, s + "a", s + s, s + "\n", "\n" + s].allSatisfy { $0.count == 2 }
            if !alone || DisplayWidth.of(scalar) != 1 { failures.append(String(value, radix: 16)) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(20))")
        #expect(!SimpleText.isSimple(0x0D)) // CR LF is one cluster
        #expect(!SimpleText.isSimple(0x301)) // a combining mark
        #expect(!SimpleText.isSimple(0x4E09)) // 三, two columns
    }

    /// Scalars to build test text from: simple ones and ones that are not (combining marks,
    /// wide, emoji, ZWJ, CR, format characters).
    static let alphabet: [Unicode.Scalar] = Array(
        "aZ 09.-?«»№ЖжЁё…→│─▶·×\u{1B}\n\t\u{7F}\u{85}\u{AD}\r\u{301}\u{483}三体ｶ한🙂\u{FE0F}\u{200D}\u{200B}\u{200E}🇷🇺"
            .unicodeScalars)

    static func randomText(_ random: inout SeededRandom, simpleOnly: Bool) -> String {
        let pool = simpleOnly ? alphabet.filter { SimpleText.isSimple($0.value) } : alphabet
        var text = ""
        for _ in 0..<Int.random(in: 0...14, using: &random) {
            text.unicodeScalars.append(pool.randomElement(using: &random)!)
        }
        return text
    }

    static let styles: [Style] = [.plain, Style(bold: true), Style(foreground: .red, background: .blue),
                                  Style(reverse: true, underline: true)]

    /// A grid with wide characters and combining marks already on it, so that writes over
    /// them exercise the clearing of half-overwritten wide characters.
    static func startingGrid(_ random: inout SeededRandom) -> Grid {
        var grid = Grid(width: 12, height: 2)
        for y in 0..<2 {
            _ = grid.writeCharacters(randomText(&random, simpleOnly: false), x: Int.random(in: 0..<4, using: &random),
                                     y: y, style: styles.randomElement(using: &random)!, end: 12)
        }
        return grid
    }

    /// `Text.fit` and `Text.prefix` as they were defined, one Character at a time.
    static func referenceFit(_ text: String, columns: Int, ellipsis: String, alignRight: Bool) -> String {
        func width(_ text: String) -> Int { text.reduce(0) { $0 + DisplayWidth.of($1) } }
        func prefix(_ text: String, _ columns: Int) -> String {
            var used = 0
            var result = ""
            for character in text {
                let w = DisplayWidth.of(character)
                if used + w > columns { break }
                used += w
                result.append(character)
            }
            return result
        }
        func padded(_ text: String, _ columns: Int) -> String {
            width(text) >= columns ? text : text + String(repeating: " ", count: columns - width(text))
        }
        guard columns > 0 else { return "" }
        if width(text) <= columns {
            let pad = String(repeating: " ", count: columns - width(text))
            return alignRight ? pad + text : text + pad
        }
        let room = columns - width(ellipsis)
        guard room > 0 else { return padded(prefix(text, columns), columns) }
        return padded(prefix(text, room) + ellipsis, columns)
    }

    @Test(arguments: [false, true]) func writeAgrees(simpleOnly: Bool) {
        var random = SeededRandom(seed: simpleOnly ? 1 : 2)
        for _ in 0..<3000 {
            let text = Self.randomText(&random, simpleOnly: simpleOnly)
            let x = Int.random(in: -2...13, using: &random)
            let y = Int.random(in: -1...2, using: &random)
            let limit: Int? = Bool.random(using: &random) ? Int.random(in: -1...14, using: &random) : nil
            let style = Self.styles.randomElement(using: &random)!
            let start = Self.startingGrid(&random)
            var fast = start
            let written = fast.write(text, x: x, y: y, style: style, limit: limit)
            var general = start
            var expected = 0
            if y >= 0, y < general.height {
                let end = min(general.width, limit.map { x + max(0, $0) } ?? general.width)
                expected = general.writeCharacters(text, x: x, y: y, style: style, end: end)
            }
            #expect(fast == general, "write \(text.debugDescription) at \(x),\(y) limit \(String(describing: limit))")
            #expect(written == expected)
        }
    }

    @Test(arguments: [false, true]) func fittedWriteAgrees(simpleOnly: Bool) {
        var random = SeededRandom(seed: simpleOnly ? 3 : 4)
        for _ in 0..<3000 {
            let text = Self.randomText(&random, simpleOnly: simpleOnly)
            let x = Int.random(in: -2...13, using: &random)
            let y = Int.random(in: -1...2, using: &random)
            let columns = Int.random(in: -1...14, using: &random)
            let ellipsis = ["…", "~", "...", "三"].randomElement(using: &random)!
            let alignRight = Bool.random(using: &random)
            let style = Self.styles.randomElement(using: &random)!
            let start = Self.startingGrid(&random)
            var fast = start
            fast.write(text, x: x, y: y, style: style, columns: columns, ellipsis: ellipsis, alignRight: alignRight)
            var general = start
            if columns > 0, y >= 0, y < general.height {
                let fitted = Self.referenceFit(text, columns: columns, ellipsis: ellipsis, alignRight: alignRight)
                _ = general.writeCharacters(fitted, x: x, y: y, style: style, end: min(general.width, x + columns))
            }
            #expect(fast == general, "write \(text.debugDescription) at \(x),\(y) in \(columns) columns, \(ellipsis)")
        }
    }

    @Test(arguments: [false, true]) func textAgrees(simpleOnly: Bool) {
        var random = SeededRandom(seed: simpleOnly ? 5 : 6)
        for _ in 0..<3000 {
            let text = Self.randomText(&random, simpleOnly: simpleOnly)
            let columns = Int.random(in: -1...16, using: &random)
            let ellipsis = ["…", "~", "..."].randomElement(using: &random)!
            let alignRight = Bool.random(using: &random)
            #expect(DisplayWidth.of(text) == text.reduce(0) { $0 + DisplayWidth.of($1) }, "\(text.debugDescription)")
            #expect(Text.fit(text, columns: columns, ellipsis: ellipsis, alignRight: alignRight)
                    == Self.referenceFit(text, columns: columns, ellipsis: ellipsis, alignRight: alignRight),
                    "\(text.debugDescription) in \(columns)")
            let prefix = Text.prefix(text, columns: columns)
            var used = 0
            var expected = ""
            for character in text {
                let w = DisplayWidth.of(character)
                if used + w > columns { break }
                used += w
                expected.append(character)
            }
            #expect(prefix.unicodeScalars.elementsEqual(expected.unicodeScalars), "\(text.debugDescription) in \(columns)")
        }
    }

    @Test func cellsKeepUpToFiveScalars() {
        var cell = Cell("e")
        #expect(cell.symbol == "e" && cell.scalarCount == 1)
        for mark in "\u{301}\u{302}\u{303}\u{304}\u{305}".unicodeScalars { cell.append(mark) }
        #expect(cell.scalarCount == 5)
        #expect(Array(cell.symbol.unicodeScalars) == Array("e\u{301}\u{302}\u{303}\u{304}".unicodeScalars))
        #expect(Cell(symbol: "三", width: 2) == Cell("三", width: 2))
        #expect(Cell.continuation(.plain).symbol.isEmpty)
        #expect(Cell(symbol: "\u{10FFFF}").firstScalar == "\u{10FFFF}")
    }
}
