import BookingCore
import Foundation

/// A view over the three panes (`Enter` on a product or a queue, `c` for a customer): its
/// lines in one box, scrolled or with a selected row, and where it is in them.
struct DetailView {
    var content: DetailContent
    var cursor: Cursor
    var settings: RenderSettings

    func draw(into grid: inout Grid, _ rect: Rect) {
        let theme = settings.theme
        let count = content.count
        let rows = rect.inner.height
        let offset = Cursor.firstVisible(cursor, count: count, rows: rows, followSelection: content.selectable)
        let shown = count == 0 ? "0/0" : "\(offset + 1)–\(min(count, offset + rows))/\(count)"
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
        grid.box(rect, title: theme.text(content.title), note: theme.text(shown) + "  Esc back", focused: true, theme: theme)
        let inner = rect.inner
        guard inner.width > 2, rows > 0 else { return }
        for row in 0..<max(0, min(rows, count - offset)) {
            let index = offset + row
            let line = content.line(index)
            let y = inner.y + row
            let selected = content.selectable && index == cursor.selected
            let base: Style = selected ? theme.selectedRow : .plain
            grid.fill(x: inner.x, y: y, width: inner.width, height: 1, style: base)
            grid.write(selected ? theme.selectionMark : " ", x: inner.x, y: y, style: base, columns: 2)
            grid.write(theme.text(line.text), x: inner.x + 2, y: y, style: theme.on(base, style(line.tone, theme)),
                       columns: inner.width - 2, ellipsis: theme.ellipsis)
        }
    }

    private func style(_ tone: DetailLine.Tone, _ theme: Theme) -> Style {
        switch tone {
        case .plain: return .plain
        case .dim: return theme.dimmed
        case .heading: return theme.columnHeader
        case .error: return theme.error
        case .why: return theme.highlightedTitle.with { $0.underline = false }
        }
    }
}
