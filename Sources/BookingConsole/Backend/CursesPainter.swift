import CNcursesw

/// Copies a grid into curses' screen and lets `doupdate` send the difference. Lives on the
/// curses thread only.
struct CursesPainter {
    let color: Bool
    private var pairs: [Int: Int16] = [:]
    private var nextPair: Int16 = 1
    private var chars: [wchar_t] = Array(repeating: 0, count: 8)

    init(color: Bool) {
        self.color = color
    }

    mutating func paint(_ grid: Grid) {
        let window = bm_stdscr()
        let rows = min(grid.height, Int(bm_lines()))
        let columns = min(grid.width, Int(bm_cols()))
        var cell = cchar_t()
        for y in 0..<rows {
            for x in 0..<columns {
                let source = grid[x, y]
                if source.isContinuation { continue }
                // A wide character that would cross the right edge: a space instead.
                let wide = Int(source.width) == 2 && x + 1 >= columns
                var count = 0
                for scalar in (wide ? " " : source.symbol).unicodeScalars where count < 5 {
                    chars[count] = wchar_t(bitPattern: scalar.value)
                    count += 1
                }
                if count == 0 { chars[0] = 0x20; count = 1 }
                chars[count] = 0
                let pair = pair(for: source.style)
                _ = setcchar(&cell, chars, attributes(source.style), pair, nil)
                _ = mvwadd_wch(window, Int32(y), Int32(x), &cell)
            }
        }
        wnoutrefresh(window)
        doupdate()
    }

    private func attributes(_ style: Style) -> attr_t {
        var attributes = bm_a_normal()
        if style.bold { attributes |= bm_a_bold() }
        if style.dim { attributes |= bm_a_dim() }
        if style.reverse { attributes |= bm_a_reverse() }
        if style.underline { attributes |= bm_a_underline() }
        return attributes
    }

    /// Colour pairs are allocated as styles first use them; pair 0 is the terminal default.
    private mutating func pair(for style: Style) -> Int16 {
        guard color, style.foreground != .default || style.background != .default else { return 0 }
        let key = (style.foreground.rawValue + 1) * 16 + style.background.rawValue + 1
        if let pair = pairs[key] { return pair }
        guard Int(nextPair) < bm_color_pairs() else { return 0 }
        let pair = nextPair
        nextPair += 1
        init_pair(pair, Int16(style.foreground.rawValue), Int16(style.background.rawValue))
        pairs[key] = pair
        return pair
    }
}
