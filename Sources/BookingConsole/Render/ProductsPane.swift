import BookingCore
import Foundation

/// The Products pane: one row per product (after the filter), drawing only the visible rows.
struct ProductsPane {
    var model: ConsoleModel
    var state: ConsoleState
    var settings: RenderSettings
    /// For the highlight of a row that changed a moment ago.
    var now: Date

    /// Column widths for a pane `width` columns wide inside its border. Narrow panes drop the
    /// booking time, then the description.
    struct Columns: Equatable {
        var id: Int
        var title: Int
        var description: Int
        var customer: Int
        var time: Int
        var queue: Int

        init(width: Int, idDigits: Int) {
            id = max(2, idDigits)
            customer = 8
            queue = 3
            time = 8
            // mark and gap, id, gap, status, gap … then one gap before each later column
            var rest = width - (2 + id + 1 + 1 + 1) - (customer + 1) - (queue + 1) - (time + 1)
            if rest < 24 { rest += time + 1; time = 0 }
            if rest < 30 {
                description = 0
                title = max(0, rest)
            } else {
                title = rest * 3 / 5
                description = rest - title - 1
            }
        }
    }

    func draw(into grid: inout Grid, _ rect: Rect) {
        let theme = settings.theme
        let focused = state.focus == .products
        let cursor = state.cursor(.products)
        let count = model.productCount
        var title = "1 Products \(model.snapshot.products.count)"
        if !state.filter.isEmpty {
            title = "1 Products \(theme.dot) filter \"\(state.filter)\" \(count) of \(model.snapshot.products.count)"
        }
        let note = count > 0 ? "\(cursor.selected + 1)/\(count)" : nil
        grid.box(rect, title: title, note: note, focused: focused, theme: theme)
        let inner = rect.inner
        guard inner.width > 0, inner.height > 0 else { return }

        let digits = String(model.snapshot.products.last?.id ?? 0).count
        let columns = Columns(width: inner.width, idDigits: digits)
        drawColumnHeader(into: &grid, inner, columns, theme: theme)

        let rows = inner.height - 1
        guard count > 0 else {
            let text = state.filter.isEmpty ? "no products in this group" : "no product matches \"\(state.filter)\""
            grid.write(text, x: inner.x + 2, y: inner.y + 1, style: theme.dimmed, limit: inner.width - 2)
            return
        }
        // The reducer keeps the selection visible; clamp again here so a stale offset (a
        // resize before the next key) still draws the selected row.
        let offset = Cursor.firstVisible(cursor, count: count, rows: rows)
        for row in 0..<min(rows, count - offset) {
            guard let product = model.product(at: offset + row) else { break }
            let y = inner.y + 1 + row
            drawRow(into: &grid, product, x: inner.x, y: y, width: inner.width, columns: columns,
                    selected: offset + row == cursor.selected, focused: focused, theme: theme)
        }
    }

    private func drawColumnHeader(into grid: inout Grid, _ inner: Rect, _ c: Columns, theme: Theme) {
        let style = theme.columnHeader
        grid.fill(x: inner.x, y: inner.y, width: inner.width, height: 1, style: style)
        var x = inner.x + 2
        grid.write("ID", x: x, y: inner.y, style: style, columns: c.id, alignRight: true); x += c.id + 1
        grid.write("S", x: x, y: inner.y, style: style, columns: 1); x += 2
        grid.write("Title", x: x, y: inner.y, style: style, columns: c.title); x += c.title + 1
        if c.description > 0 {
            grid.write("Description", x: x, y: inner.y, style: style, columns: c.description); x += c.description + 1
        }
        grid.write("Customer", x: x, y: inner.y, style: style, columns: c.customer); x += c.customer + 1
        if c.time > 0 { grid.write("Booked", x: x, y: inner.y, style: style, columns: c.time); x += c.time + 1 }
        grid.write("Q", x: x, y: inner.y, style: style, columns: c.queue, alignRight: true)
    }

    private func drawRow(into grid: inout Grid, _ product: Product, x x0: Int, y: Int, width: Int, columns c: Columns,
                         selected: Bool, focused: Bool, theme: Theme) {
        // The selection bar wins over the highlight of a change; the mark still tells it.
        let changed = model.changedRecently(product: product.id, now: now)
        let base: Style = selected && focused ? theme.selectedRow : changed ? theme.changedRow : .plain
        let ellipsis = theme.ellipsis
        grid.fill(x: x0, y: y, width: width, height: 1, style: base)
        var x = x0
        let mark = selected ? theme.selectionMark : changed ? theme.changedMark : " "
        grid.write(mark, x: x, y: y, style: base.with { $0.bold = true }, columns: 1); x += 2
        grid.write(String(product.id), x: x, y: y, style: base, columns: c.id, alignRight: true); x += c.id + 1
        let status = product.status
        grid.write(String(status.rawValue), x: x, y: y, style: merge(theme.status(status), over: base), columns: 1); x += 2
        let queued = model.queueLengths[TitleKey(product.title)] ?? 0
        grid.write(product.title, x: x, y: y, style: base, columns: c.title, ellipsis: ellipsis); x += c.title + 1
        if c.description > 0 {
            grid.write(product.description, x: x, y: y, style: merge(theme.dimmed, over: base), columns: c.description,
                       ellipsis: ellipsis)
            x += c.description + 1
        }
        let customer = status == .booked ? product.bookedBy.map { "\(theme.arrow) \($0)" } ?? "" : ""
        grid.write(customer, x: x, y: y, style: merge(theme.status(.booked), over: base), columns: c.customer,
                   ellipsis: ellipsis)
        x += c.customer + 1
        if c.time > 0 {
            let time = status == .booked ? product.bookedAt.map { TimeText.time($0, in: settings.timeZone) } ?? "" : ""
            grid.write(time, x: x, y: y, style: base, columns: c.time)
            x += c.time + 1
        }
        grid.write(queued > 0 ? String(queued) : "", x: x, y: y, style: merge(Style(bold: queued > 0), over: base),
                   columns: c.queue, alignRight: true)
    }

    private func merge(_ style: Style, over base: Style) -> Style { settings.theme.on(base, style) }
}
