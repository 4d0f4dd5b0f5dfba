/// A rectangle of styled cells: what `render` produces and what a backend copies to the
/// terminal. Writing is clipped to the grid and laid out by display width.
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Writes `text` at (x, y), at most `limit` columns (and never past the right edge).
    /// A double-width character that would not fit whole is replaced by a space; control
    /// characters become `?`. Returns the columns written.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        // Only the scalars that can land in the grid, and the one after them (it could be a
        // combining mark joining the last), decide whether the simple path applies.
        if x >= 0, SimpleText.count(text, upTo: end - x + 1) != nil {
            var column = x
            for scalar in text.unicodeScalars {
                guard column < end else { break }
                put(scalar, at: column, y: y, style: style)
                column += 1
            }
            return max(0, column - x)
        }
        return writeCharacters(text, x: x, y: y, style: style, end: end)
    }

    /// The general case, one grapheme cluster (`Character`) at a time.
    mutating func writeCharacters(_ text: some StringProtocol, x: Int, y: Int, style: Style, end: Int) -> Int {
        var column = x
        for character in text {
            guard column < end else { break }
            var symbol = String(character)
            var columns = DisplayWidth.of(character)
            if let ascii = character.asciiValue, ascii < 0x20 || ascii == 0x7F { symbol = "?"; columns = 1 }
            // A title must not reorder the rest of the line (U+202E and friends): shown, not obeyed.
            if character.unicodeScalars.contains(where: Self.isBidiControl) { symbol = "?"; columns = 1 }
            if columns == 0 {
                // A combining mark with nothing before it in this write: show it on a space.
                if column > x, column - 1 >= 0 {
                    var back = column - 1
                    while back > 0, self[back, y].isContinuation { back -= 1 }
                    for scalar in symbol.unicodeScalars { self[back, y].append(scalar) }
                    continue
                }
                symbol = " " + symbol
                columns = 1
            }
            if column + columns > end {
                // A wide character cut by the edge: pad instead of splitting it.
                if column >= 0 { self[column, y] = Cell(" ", style: style) }
                column += 1
                break
            }
            if column >= 0 {
                clearWide(at: column, y: y)
                self[column, y] = Cell(symbol: symbol, width: UInt8(columns), style: style)
                if columns == 2 {
                    clearWide(at: column + 1, y: y)
                    self[column + 1, y] = .continuation(style)
                }
            }
            column += columns
        }
        return max(0, column - x)
    }

    /// Writes `text` padded with spaces (or cut with an ellipsis) to exactly `columns` columns.
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, style: Style = .plain,
                               columns: Int, ellipsis: String = "…", alignRight: Bool = false) {
        guard columns > 0 else { return }
        // The same cells as writing `Text.fit(text, …)`, without building that string.
        if y >= 0, y < height, x >= 0, let count = SimpleText.count(text),
           let ellipsisCount = SimpleText.count(ellipsis), count <= columns || columns > ellipsisCount {
            let end = min(width, x + columns)
            var column = x
            if count <= columns {
                if alignRight { column = putSpaces(from: column, count: columns - count, end: end, y: y, style: style) }
                for scalar in text.unicodeScalars where column < end {
                    put(scalar, at: column, y: y, style: style)
                    column += 1
                }
                if !alignRight { putSpaces(from: column, count: columns - count, end: end, y: y, style: style) }
            } else {
                var room = columns - ellipsisCount
                for scalar in text.unicodeScalars where room > 0 && column < end {
                    put(scalar, at: column, y: y, style: style)
                    column += 1
                    room -= 1
                }
                for scalar in ellipsis.unicodeScalars where column < end {
                    put(scalar, at: column, y: y, style: style)
                    column += 1
                }
            }
            return
        }
        let fitted = Text.fit(String(text), columns: columns, ellipsis: ellipsis, alignRight: alignRight)
        write(fitted, x: x, y: y, style: style, limit: columns)
    }

    /// One single-column scalar at (column, y), which must be inside the grid; controls as `?`.
    private mutating func put(_ scalar: Unicode.Scalar, at column: Int, y: Int, style: Style) {
        let index = y * width + column
        if cells[index].width != 1 { clearWide(at: column, y: y) }
        let value = scalar.value
        cells[index] = Cell(value < 0x20 || value == 0x7F || Self.isBidiControl(scalar) ? "?" : scalar, style: style)
    }

    /// Bidirectional formatting controls: embeddings, overrides, isolates, marks.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    @discardableResult
    private mutating func putSpaces(from column: Int, count: Int, end: Int, y: Int, style: Style) -> Int {
        var column = column
        for _ in 0..<max(0, count) where column < end {
            put(" ", at: column, y: y, style: style)
            column += 1
        }
        return column
    }

    /// Fills a rectangle with `symbol` (a one-column character).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, symbol: String = " ", style: Style = .plain) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        let cell = Cell(symbol: symbol, style: style)
        for row in y0..<y1 {
            for column in x0..<x1 { cells[row * width + column] = cell }
        }
    }

    /// Changes the style of existing cells (a highlight, a reverse-video selection bar).
    public mutating func restyle(x: Int, y: Int, width w: Int, _ change: (inout Style) -> Void) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + w) { change(&self[column, y].style) }
    }

    /// Overwriting half of a wide character leaves the other half as a blank.
    private mutating func clearWide(at column: Int, y: Int) {
        let cell = self[column, y]
        if cell.isContinuation, column > 0 {
            self[column - 1, y] = Cell(" ", style: self[column - 1, y].style)
        } else if cell.width == 2, column + 1 < width {
            self[column + 1, y] = Cell(" ", style: cell.style)
        }
    }

    // MARK: Reading back, for tests and `--once`

    /// Row `y` as text; continuation cells contribute nothing, so a line's display width is
    /// always `width`.
    /// The grid for a terminal that can show ASCII only (no UTF-8 locale exists for curses):
    /// every other character becomes `?`, one per column it takes, so a title stays visible
    /// and in place rather than blank.
    public func replacingNonASCII() -> Grid {
        var copy = self
        for index in copy.cells.indices {
            let cell = copy.cells[index]
            let ascii = cell.scalarCount == 1 && (0x20..<0x7F).contains(cell.firstScalar.value)
            guard !ascii, cell.isContinuation || cell.scalarCount > 0 else { continue }
            copy.cells[index] = Cell("?", style: cell.style)
        }
        return copy
    }

    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<width {
            let cell = self[x, y]
            for index in 0..<cell.scalarCount { text.unicodeScalars.append(cell.scalar(at: index)) }
        }
        return text
    }

    public var lines: [String] { (0..<height).map(line) }

    /// The whole grid as text, trailing spaces trimmed from each line.
    public var text: String {
        lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }

    /// The display column where `needle` starts on row `y`, or nil.
    public func column(of needle: String, y: Int) -> Int? {
        let row = line(y)
        guard let range = row.range(of: needle) else { return nil }
        return DisplayWidth.of(row[row.startIndex..<range.lowerBound])
    }
}

/// Display-width aware string fitting.
public enum Text {
    /// Pads or truncates `text` to `columns` display columns.
    public static func fit(_ text: String, columns: Int, ellipsis: String = "…", alignRight: Bool = false) -> String {
        guard columns > 0 else { return "" }
        let width = DisplayWidth.of(text)
        if width <= columns {
            let pad = String(repeating: " ", count: columns - width)
            return alignRight ? pad + text : text + pad
        }
        let ellipsisWidth = DisplayWidth.of(ellipsis)
        let room = columns - ellipsisWidth
        guard room > 0 else { return prefix(text, columns: columns).padded(to: columns) }
        return (prefix(text, columns: room) + ellipsis).padded(to: columns)
    }

    /// "1 title", "2 titles": a count with its noun in the right number.
    public static func count(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// The longest prefix of `text` that fits in `columns`.
    public static func prefix(_ text: String, columns: Int) -> String {
        if SimpleText.count(text, upTo: columns + 1) != nil {
            // One column per scalar; the scalar after the last one taken cannot join it.
            var result = ""
            result.unicodeScalars.append(contentsOf: text.unicodeScalars.prefix(max(0, columns)))
            return result
        }
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
}

extension String {
    func padded(to columns: Int) -> String {
        let width = DisplayWidth.of(self)
        return width >= columns ? self : self + String(repeating: " ", count: columns - width)
    }
}
