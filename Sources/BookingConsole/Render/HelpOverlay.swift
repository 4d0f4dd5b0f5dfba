import BookingCore

/// The `?` help: every binding of the keymap, the status letters, in a box over the panes.
struct HelpOverlay {
    var settings: RenderSettings
    var keymap: Keymap

    func draw(into grid: inout Grid, size: Size) {
        let theme = settings.theme
        let bindings = keymap.bindings
        let labels = bindings.map { $0.keyLabel(ascii: settings.ascii) }
        let keyWidth = labels.map { DisplayWidth.of($0) }.max() ?? 0
        // Two columns of bindings when one does not fit the height (a short terminal).
        let columns = bindings.count + 2 > size.height - 4 ? 2 : 1
        let perColumn = (bindings.count + columns - 1) / columns
        let lines = perColumn + 6
        let widest = keyWidth + 3 + (bindings.map { DisplayWidth.of($0.help) }.max() ?? 0) + 4
        let width = min(size.width - 2, max(40, widest * columns))
        let height = min(size.height - 2, lines + 2)
        let rect = Rect(x: (size.width - width) / 2, y: max(1, (size.height - height) / 2), width: width, height: height)
        grid.box(rect, title: "Keys (any key closes)", focused: true, theme: theme)
        let inner = rect.inner
        let columnWidth = inner.width / columns
        var y = inner.y
        for (index, (binding, label)) in zip(bindings, labels).enumerated() {
            let x = inner.x + 1 + (index / perColumn) * columnWidth
            y = inner.y + index % perColumn
            guard y < inner.y + inner.height else { continue }
            let refused = settings.readonly && binding.command.changesState
            grid.write(label, x: x, y: y, style: refused ? theme.dimmed : theme.helpKey, columns: keyWidth)
            let text = refused ? binding.help + " (read-only)" : binding.help
            grid.write(text, x: x + keyWidth + 2, y: y, style: refused ? theme.dimmed : .plain,
                       columns: max(0, columnWidth - keyWidth - 3), ellipsis: theme.ellipsis)
        }
        y = inner.y + perColumn
        y += 1
        guard y < inner.y + inner.height else { return }
        var x = inner.x + 1
        x += grid.write("Status: ", x: x, y: y, style: Style(bold: true))
        for (letter, meaning, status) in [("A", "available  ", Product.Status.available),
                                          ("B", "booked  ", .booked), ("U", "unavailable", .unavailable)] {
            x += grid.write(letter, x: x, y: y, style: theme.status(status))
            x += grid.write(" " + meaning, x: x, y: y, limit: inner.x + inner.width - x)
        }
        y += 1
        guard y < inner.y + inner.height else { return }
        // Every mark the Activity pane shows, from the theme itself; wrapped when narrow.
        var line = "Activity:"
        for (kind, meaning) in Self.activityLegend {
            let item = " \(theme.activityMark(kind)) \(meaning)"
            if DisplayWidth.of(line + item) > inner.width - 1, line != "Activity:" {
                grid.write(line, x: inner.x + 1, y: y, style: theme.dimmed, limit: inner.width - 1)
                y += 1
                guard y < inner.y + inner.height else { return }
                line = "         "
            }
            line += item
        }
        grid.write(line, x: inner.x + 1, y: y, style: theme.dimmed, limit: inner.width - 1)
        // Last, so a short terminal drops it first.
        y += 1
        guard y < inner.y + inner.height else { return }
        grid.write("Mouse: click selects, double click opens, the wheel scrolls, a heading sorts (--no-mouse: off)",
                   x: inner.x + 1, y: y, style: theme.dimmed, columns: inner.width - 1, ellipsis: theme.ellipsis)
    }

    static let activityLegend: [(ActivityEntry.Kind, String)] = [
        (.booking, "booking"), (.queue, "queue push"), (.delivery, "delivery"), (.failure, "failure"),
        (.operatorAction, "operator action"), (.info, "info"),
    ]

    /// Lines the overlay needs inside its border: the bindings, a gap, status, two of legend, mouse.
    static func innerLines(bindings: Int) -> Int { bindings + 6 }
}
