import BookingCore

/// The Activity pane: timestamped bookings, pushes, deliveries, failures, operator actions,
/// newest first.
struct ActivityPane {
    var model: ConsoleModel
    var state: ConsoleState
    var settings: RenderSettings

    func draw(into grid: inout Grid, _ rect: Rect) {
        let theme = settings.theme
        let focused = state.focus == .activity
        let entries = model.snapshot.activity
        let cursor = state.cursor(.activity)
        grid.box(rect, title: "3 Activity", note: entries.isEmpty ? nil : "\(cursor.selected + 1)/\(entries.count)",
                 focused: focused, theme: theme)
        let inner = rect.inner
        guard inner.width > 2, inner.height > 0 else { return }
        guard !entries.isEmpty else {
            grid.write("nothing yet", x: inner.x + 2, y: inner.y, style: theme.dimmed, limit: inner.width - 2)
            return
        }
        let rows = inner.height
        let offset = Cursor.firstVisible(cursor, count: entries.count, rows: rows)
        for row in 0..<min(rows, entries.count - offset) {
            let index = offset + row
            let entry = entries[index]
            let y = inner.y + row
            let selected = focused && index == cursor.selected
            let base: Style = selected ? theme.selectedRow : .plain
            grid.fill(x: inner.x, y: y, width: inner.width, height: 1, style: base)
            var x = inner.x
            grid.write(selected ? theme.selectionMark : " ", x: x, y: y, style: base, columns: 2); x += 2
            grid.write(TimeText.time(entry.time, in: settings.timeZone), x: x, y: y,
                       style: theme.on(base, Style(dim: !settings.color)), columns: 8)
            x += 9
            let kind = theme.on(base, theme.activity(entry.kind))
            grid.write(theme.activityMark(entry.kind), x: x, y: y, style: kind.with { $0.bold = true }, columns: 1); x += 2
            grid.write(theme.text(entry.text), x: x, y: y, style: kind, columns: max(0, inner.x + inner.width - x), ellipsis: theme.ellipsis)
        }
    }
}
