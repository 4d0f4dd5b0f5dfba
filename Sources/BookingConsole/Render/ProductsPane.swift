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
        if !state.marks.isEmpty { title += " \(theme.dot) \(state.marks.count) marked" }
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
        // The sorted column's heading carries the direction (none without a sort: id order).
        func heading(_ text: String, _ column: ProductColumn?) -> String {
            guard let sort = state.sort, sort.column == column else { return text }
            return text + sort.arrow(ascii: settings.ascii)
        }
        var x = inner.x + 2
        let idSorted = state.sort?.column == .id
        grid.write(heading("ID", .id), x: x - (idSorted ? 1 : 0), y: inner.y, style: style,
                   columns: c.id + (idSorted ? 1 : 0), alignRight: true)
        x += c.id + 1
        grid.write(heading("S", .status), x: x, y: inner.y, style: style, columns: 2); x += 2
        grid.write(heading("Title", .title), x: x, y: inner.y, style: style, columns: c.title); x += c.title + 1
        if c.description > 0 {
            grid.write("Description", x: x, y: inner.y, style: style, columns: c.description); x += c.description + 1
        }
        grid.write(heading("Customer", .customer), x: x, y: inner.y, style: style, columns: c.customer + 1)
        x += c.customer + 1
        if c.time > 0 { grid.write(heading("Booked", .booked), x: x, y: inner.y, style: style, columns: c.time); x += c.time + 1 }
        grid.write(heading("Q", .queue), x: x - (state.sort?.column == .queue ? 1 : 0), y: inner.y, style: style,
                   columns: c.queue + (state.sort?.column == .queue ? 1 : 0), alignRight: true)
    }

    /// Which column's heading is at `x` (columns from the pane's inner left edge) in a pane
    /// `width` columns wide inside its border; nil for the description and the gaps.
    static func column(atX x: Int, width: Int, idDigits: Int) -> ProductColumn? {
        let c = Columns(width: width, idDigits: idDigits)
        var spans: [(Int, Int, ProductColumn?)] = []
        var start = 2
        func add(_ width: Int, _ column: ProductColumn?) {
            spans.append((start, start + width, column))
            start += width + 1
        }
        add(c.id, .id)
        add(1, .status)
        add(c.title, .title)
        if c.description > 0 { add(c.description, nil) }
        add(c.customer, .customer)
        if c.time > 0 { add(c.time, .booked) }
        add(c.queue, .queue)
        return spans.first { x >= $0.0 && x < $0.1 }?.2
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
        grid.write(mark, x: x, y: y, style: base.with { $0.bold = true }, columns: 1)
        if state.marks.contains(product.id) {
            grid.write(settings.ascii ? "*" : "●", x: x + 1, y: y, style: base.with { $0.bold = true }, columns: 1)
        }
        x += 2
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

/// The Products heading's hit-test for a mouse click: the sortable column whose heading is at
/// screen column `x` on screen row `y`, in the dashboard laid out for `size`; nil off the
/// heading row, on the description, or on a gap. `ConsoleState.sortBy(_:ascending: nil, …)`
/// (or `Command.sortBy`) then sorts by it, and reverses it on a second click.
public func productColumn(atScreenX x: Int, y: Int, size: Size, model: ConsoleModel) -> ProductColumn? {
    let layout = Layout(size: size)
    guard !layout.isTooSmall else { return nil }
    let inner = layout.products.inner
    guard y == inner.y, x >= inner.x, x < inner.x + inner.width else { return nil }
    return productColumn(atX: x - inner.x, width: inner.width, model: model)
}

/// The same inside the pane: `x` from the pane's inner left edge, `width` its inner width.
public func productColumn(atX x: Int, width: Int, model: ConsoleModel) -> ProductColumn? {
    ProductsPane.column(atX: x, width: width, idDigits: String(model.snapshot.products.last?.id ?? 0).count)
}
