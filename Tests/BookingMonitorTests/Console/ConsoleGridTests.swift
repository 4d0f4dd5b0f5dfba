import BookingConsole
import CNcursesw
import Foundation
import Testing

@Suite("Console grid: display width and writing") struct ConsoleGridTests {
    @Test func widthsOfScripts() {
        #expect(DisplayWidth.of("Война и мир. Том 1") == 18)
        #expect(DisplayWidth.of("三体") == 4)
        #expect(DisplayWidth.of("ｶﾀｶﾅ") == 4) // halfwidth katakana stay narrow
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("e\u{301}") == 1) // combining acute
        #expect(DisplayWidth.of("🙂") == 2)
        #expect(DisplayWidth.of("─│┌") == 3)
    }

    /// The pure width table agrees with glibc's wcwidth (what ncursesw uses) on every
    /// character of the scripts the catalogs use.
    @Test func agreesWithGlibcWcwidth() throws {
        try withUTF8Locale { try compareWithWcwidth() }
    }

    private func compareWithWcwidth() throws {
        let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0xA0...0x24F, 0x300...0x36F, 0x400...0x4FF, 0x2500...0x257F,
                                             0x3040...0x30FF, 0x4E00...0x4FFF, 0xAC00...0xAD00, 0xFF01...0xFF65]
        var mismatches: [String] = []
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned else { continue }
                let expected = Int(bm_wcwidth(wchar_t(bitPattern: value)))
                if expected >= 0, DisplayWidth.of(scalar) != expected {
                    mismatches.append(String(format: "U+%04X ours %d glibc %d", value, DisplayWidth.of(scalar), expected))
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test func wideCharactersTakeTwoCellsAndLinesKeepTheirWidth() {
        var grid = Grid(width: 10, height: 1)
        let written = grid.write("a三b", x: 0, y: 0)
        #expect(written == 4)
        #expect(grid[1, 0].symbol == "三")
        #expect(grid[1, 0].width == 2)
        #expect(grid[2, 0].isContinuation)
        #expect(grid[3, 0].symbol == "b")
        #expect(DisplayWidth.of(grid.line(0)) == 10)
    }

    @Test func wideCharacterCutByTheLimitBecomesASpace() {
        var grid = Grid(width: 6, height: 1)
        grid.write("ab三体", x: 0, y: 0, limit: 3)
        #expect(grid.line(0) == "ab    ")
        #expect(!grid[3, 0].isContinuation)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = Grid(width: 4, height: 1)
        grid.write("三体", x: 0, y: 0)
        grid.write("x", x: 1, y: 0)
        #expect(grid.line(0) == " x体")
        #expect(DisplayWidth.of(grid.line(0)) == 4)
    }

    @Test func fitPadsAndTruncatesByDisplayWidth() {
        #expect(Text.fit("Мир", columns: 5) == "Мир  ")
        #expect(Text.fit("Война и мир", columns: 6) == "Война…")
        #expect(Text.fit("三体三体", columns: 6) == "三体… ")
        #expect(Text.fit("42", columns: 4, alignRight: true) == "  42")
    }

    @Test func controlCharactersAreShownAsQuestionMarks() {
        var grid = Grid(width: 5, height: 1)
        grid.write("a\u{1B}[b", x: 0, y: 0)
        #expect(grid.line(0) == "a?[b ")
    }
}
