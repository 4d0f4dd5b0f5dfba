/// What a cell of the screen is, for the mouse: a pure function of the layout, the console's
/// state (cursors, the open view) and the lists' lengths, mirroring how the panes draw.
public enum HitTarget: Sendable, Hashable {
    /// A list row of a pane: the row's index in the pane's list (after the filter).
    case row(Pane, Int)
    /// Inside a pane but on no row: its border, its title, the space below the last row.
    case pane(Pane)
    /// The Products column heading, at `x` columns from the left of the pane's inside
    /// (`Layout.products.inner`), whose width is `width`.
    case productsHeading(x: Int, width: Int)
    /// A line of the open view (`Enter`, `c`), by its index in the view's content.
    case viewLine(Int)
    /// The header, the message line, the footer, outside everything.
    case nothing
}

public enum HitTest {
    /// `counts`: rows in each pane's list; `viewLines`: lines of the open view, if one is open.
    public static func target(x: Int, y: Int, state: ConsoleState, counts: [Pane: Int], viewLines: Int = 0,
                              viewSelectable: Bool = false) -> HitTarget {
        let layout = Layout(size: state.size)
        guard !layout.isTooSmall else { return .nothing }
        if state.view != nil {
            let box = ViewLayout(size: state.size).box
            guard contains(box.inner, x: x, y: y) else { return .nothing }
            let offset = Cursor.firstVisible(state.viewCursor, count: viewLines, rows: box.inner.height,
                                             followSelection: viewSelectable)
            let index = offset + (y - box.inner.y)
            return index < viewLines ? .viewLine(index) : .nothing
        }
        for pane in Pane.allCases {
            let rect = layout.rect(pane)
            guard contains(rect, x: x, y: y) else { continue }
            let inner = rect.inner
            guard contains(inner, x: x, y: y) else { return .pane(pane) }
            var top = inner.y
            if pane == .products {
                if y == inner.y { return .productsHeading(x: x - inner.x, width: inner.width) }
                top += 1
            }
            let count = counts[pane] ?? 0
            let offset = Cursor.firstVisible(state.cursor(pane), count: count, rows: layout.listRows(pane))
            let index = offset + (y - top)
            return index < count ? .row(pane, index) : .pane(pane)
        }
        return .nothing
    }

    static func contains(_ rect: Rect, x: Int, y: Int) -> Bool {
        x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height
    }
}

extension Cursor {
    /// The first row a list of `count` rows shows in `rows` lines: the cursor's offset,
    /// clamped so the list is not scrolled past its end and (when the selection is followed)
    /// the selected row is on screen. The panes draw from it and the mouse reads it back.
    public static func firstVisible(_ cursor: Cursor, count: Int, rows: Int, followSelection: Bool = true) -> Int {
        var offset = min(cursor.offset, max(0, count - rows))
        if followSelection {
            if cursor.selected >= offset + rows { offset = cursor.selected - rows + 1 }
            if cursor.selected < offset { offset = cursor.selected }
        }
        return max(0, offset)
    }
}
