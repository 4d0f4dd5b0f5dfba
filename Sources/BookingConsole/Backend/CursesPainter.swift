import CNcursesw

/// Copies a grid into curses' screen and lets `doupdate` send the difference. Lives on the
/// curses thread only.
///
/// Two things keep a frame cheap. Rows are compared with the grid painted last, and only the
/// span from a row's first changed cell to its last is copied again: curses keeps the rest,
/// and `doupdate` still works out what reaches the terminal. And a span goes in as runs: cells
/// of one style whose symbols are single scalars are sent with one `mvwaddnwstr` under that
/// style's attributes, rather than one `setcchar` and `mvwadd_wch` per cell; cells with
/// combining marks (and characters curses would not show in one column) still go one by one.
struct CursesPainter {
    let color: Bool
    /// No UTF-8 locale for curses: characters beyond ASCII are drawn as `?`.
    let asciiOnly: Bool
    private var pairs: [Int: Int16] = [:]
    private var nextPair: Int16 = 1
    private var run: [wchar_t] = []
    private var chars: [wchar_t] = Array(repeating: 0, count: Cell.maxScalars + 1)
    /// What the screen holds: the last grid painted, with the curses size it was painted at.
    private var painted: (grid: Grid, lines: Int, columns: Int)?

    init(color: Bool, asciiOnly: Bool = false) {
        self.color = color
        self.asciiOnly = asciiOnly
    }

    /// Forgets what the screen holds, so the next paint copies every cell (after anything
    /// else has drawn on or cleared the screen).
    mutating func invalidate() {
        painted = nil
    }

    mutating func paint(_ grid: Grid) {
        let grid = asciiOnly ? grid.replacingNonASCII() : grid
        let window = bm_stdscr()
        let lines = Int(bm_lines()), cols = Int(bm_cols())
        let rows = min(grid.height, lines)
        let columns = min(grid.width, cols)
        let previous = painted.flatMap { painted in
            painted.grid.width == grid.width && painted.grid.height == grid.height
                && painted.lines == lines && painted.columns == cols ? painted.grid : nil
        }
        run.reserveCapacity(columns + 1)
        grid.cells.withUnsafeBufferPointer { cells in
            for y in 0..<rows {
                let row = UnsafeBufferPointer(rebasing: cells[y * grid.width..<y * grid.width + columns])
                var first = 0, end = columns
                if let previous {
                    let changed = previous.cells.withUnsafeBufferPointer { old in
                        Self.changedSpan(row, UnsafeBufferPointer(rebasing: old[y * grid.width..<y * grid.width + columns]))
                    }
                    guard let changed else { continue }
                    (first, end) = (changed.lowerBound, changed.upperBound)
                    // Start on a whole character, not on the second half of a wide one.
                    while first > 0, row[first].isContinuation { first -= 1 }
                }
                paintSpan(row, from: first, to: end, y: y, columns: columns, window: window)
            }
        }
        painted = (grid, lines, cols)
        _ = wattr_set(window, bm_a_normal(), 0, nil)
        wnoutrefresh(window)
        doupdate()
    }

    /// The cells from the first that differs to the last that differs, or nil.
    private static func changedSpan(_ new: UnsafeBufferPointer<Cell>, _ old: UnsafeBufferPointer<Cell>) -> Range<Int>? {
        var first = 0
        while first < new.count, new[first] == old[first] { first += 1 }
        guard first < new.count else { return nil }
        var end = new.count
        while end > first + 1, new[end - 1] == old[end - 1] { end -= 1 }
        return first..<end
    }

    private mutating func paintSpan(_ row: UnsafeBufferPointer<Cell>, from first: Int, to end: Int, y: Int, columns: Int,
                                    window: UnsafeMutablePointer<WINDOW>?) {
        var x = first
        while x < end {
            // The second half of a wide character: curses fills it with the first.
            if row[x].isContinuation {
                x += 1
                continue
            }
            let style = row[x].style
            let start = x
            run.removeAll(keepingCapacity: true)
            // Extend the run while the style holds and each symbol is one scalar.
            while x < end {
                let cell = row[x]
                if cell.isContinuation {
                    x += 1
                    continue
                }
                guard cell.style == style, cell.scalarCount == 1 else { break }
                let value = cell.firstScalar.value
                // A wide character that would cross the right edge: a space instead.
                let wide = cell.width == 2 && x + 1 >= columns
                // In a run, each character must take the columns its cell gives it, or the
                // rest of the run shifts: a character curses shows otherwise (a C1 control,
                // a width our table and the C library disagree on) goes alone.
                guard wide || (value >= 0x20 && value < 0x7F) || bm_wcwidth(wchar_t(bitPattern: value)) == Int32(cell.width) else {
                    break
                }
                run.append(wchar_t(bitPattern: wide ? 0x20 : value))
                x += 1
            }
            if !run.isEmpty {
                run.append(0)
                _ = wattr_set(window, attributes(style), pair(for: style), nil)
                _ = mvwaddnwstr(window, Int32(y), Int32(start), run, Int32(run.count - 1))
            }
            if run.isEmpty, x < end {
                // The cell that stopped the run straight away: several scalars, or a
                // character that goes alone.
                paintAlone(row[x], window: window, x: x, y: y, columns: columns)
                x += 1
            }
        }
    }

    /// One cell on its own, as `setcchar` and `mvwadd_wch`.
    private mutating func paintAlone(_ source: Cell, window: UnsafeMutablePointer<WINDOW>?, x: Int, y: Int, columns: Int) {
        let wide = Int(source.width) == 2 && x + 1 >= columns
        var count = 0
        if !wide {
            for index in 0..<source.scalarCount {
                chars[count] = wchar_t(bitPattern: source.scalar(at: index).value)
                count += 1
            }
        }
        if count == 0 { chars[0] = 0x20; count = 1 }
        chars[count] = 0
        var cell = cchar_t()
        _ = setcchar(&cell, chars, attributes(source.style), pair(for: source.style), nil)
        // The cell carries its style; curses would add the window's (left by a run) to it.
        _ = wattr_set(window, bm_a_normal(), 0, nil)
        _ = mvwadd_wch(window, Int32(y), Int32(x), &cell)
    }

    private func attributes(_ style: Style) -> attr_t {
        var attributes = bm_a_normal()
        if style.bold { attributes |= bm_a_bold() }
        if style.dim { attributes |= bm_a_dim() }
        // Without colours (TERM=vt100, or a colour theme on a monochrome terminal) a
        // background is how the selection bar, the header and the key hints stand out:
        // reverse video instead, so they stay visible.
        if style.reverse || (!color && style.background != .default) { attributes |= bm_a_reverse() }
        if style.underline { attributes |= bm_a_underline() }
        return attributes
    }

    /// Colour pairs are allocated as styles first use them; pair 0 is the terminal default.
    private mutating func pair(for style: Style) -> Int16 {
        guard color, style.foreground != .default || style.background != .default else { return 0 }
        let colors = Int(bm_colors())
        let foreground = style.foreground.on(colors: colors), background = style.background.on(colors: colors)
        let key = (foreground.rawValue + 1) * 512 + background.rawValue + 1
        if let pair = pairs[key] { return pair }
        guard Int(nextPair) < bm_color_pairs() else { return 0 }
        let pair = nextPair
        nextPair += 1
        init_pair(pair, Int16(foreground.rawValue), Int16(background.rawValue))
        pairs[key] = pair
        return pair
    }
}
