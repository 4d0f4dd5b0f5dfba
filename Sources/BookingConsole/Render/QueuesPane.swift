import BookingCore
import Foundation

/// The Queues pane: the last set-queue push, one title per line with its customers in order.
/// The selected product's title is highlighted; titles this group does not carry are dimmed,
/// and one that a carried title equals only after normalization (Unicode form, case, spacing)
/// says so: it is not booked here, as the Orchestrator compares titles byte for byte.
struct QueuesPane {
    var model: ConsoleModel
    var state: ConsoleState
    var settings: RenderSettings
    /// For the highlight of a queue a push changed a moment ago.
    var now: Date

    func draw(into grid: inout Grid, _ rect: Rect) {
        let theme = settings.theme
        let focused = state.focus == .queues
        let queues = model.snapshot.queues.queues
        let cursor = state.cursor(.queues)
        // Places in the queues, not distinct customers: one queued for two titles is two.
        let queued = model.queueCustomerCount
        grid.box(rect, title: "2 Queues \(Text.count(queues.count, "title")), \(queued) queued",
                 note: queues.isEmpty ? nil : "\(cursor.selected + 1)/\(queues.count)", focused: focused, theme: theme)
        let inner = rect.inner
        guard inner.width > 2, inner.height > 0 else { return }
        guard !queues.isEmpty else {
            let text = model.snapshot.queues.receivedAt == nil ? "no queue pushed yet" : "the last push had no queues"
            grid.write(text, x: inner.x + 2, y: inner.y, style: theme.dimmed, limit: inner.width - 2)
            return
        }
        let selectedTitle = model.product(at: state.cursor(.products).selected)?.title
        let titleWidth = min(model.queueTitleWidth, max(8, inner.width * 2 / 5))
        let rows = inner.height
        let offset = Cursor.firstVisible(cursor, count: queues.count, rows: rows)
        for row in 0..<min(rows, queues.count - offset) {
            let index = offset + row
            let queue = queues[index]
            let y = inner.y + row
            let selected = index == cursor.selected && focused
            var style: Style = .plain
            let carried = model.snapshot.carries(queue.title)
            if !carried { style = theme.dimmed }
            if let selectedTitle, TitleKey.same(queue.title, selectedTitle) { style = theme.highlightedTitle }
            let changed = !selected && model.changedRecently(queue: queue.title, now: now)
            if selected { style = theme.on(theme.selectedRow, style) }
            if changed { style = theme.on(theme.changedRow, style) }
            let rowStyle = selected ? theme.selectedRow : changed ? theme.changedRow : .plain
            grid.fill(x: inner.x, y: y, width: inner.width, height: 1, style: rowStyle)
            var x = inner.x
            grid.write(index == cursor.selected && focused ? theme.selectionMark : changed ? theme.changedMark : " ",
                       x: x, y: y, style: style, columns: 2)
            x += 2
            grid.write(queue.title, x: x, y: y, style: style, columns: titleWidth, ellipsis: theme.ellipsis)
            x += titleWidth + 1
            // Only for the rows drawn: a push can queue a million titles this group does not carry.
            if !carried, let near = model.snapshot.nearTitles.near(queue.title) {
                let room = max(0, inner.x + inner.width - x)
                // The whole sentence when it leaves room for the count and a customer, else short.
                var reason = theme.text("not carried here — near «") + near.carried + theme.text("» (\(near.difference)) · ")
                let least = "\(queue.customers.count): \(queue.customers.first ?? 0)".utf8.count
                if DisplayWidth.of(reason) + least > room {
                    reason = theme.text("near «") + near.carried + theme.text("» (\(near.kinds)) · ")
                }
                let width = DisplayWidth.of(reason)
                grid.write(reason, x: x, y: y, style: theme.on(rowStyle, theme.nearTitle),
                           columns: min(width, room), ellipsis: theme.ellipsis)
                x += min(width, room)
            }
            let columns = max(0, inner.x + inner.width - x)
            grid.write(Self.customerList(queue.customers, columns: columns), x: x, y: y,
                       style: style.with { $0.underline = false }, columns: columns, ellipsis: theme.ellipsis)
        }
    }

    /// "3: 7 12 40", only as long as `columns` needs: one character more than fits, so that
    /// fitting it still cuts with an ellipsis. A queue can hold thousands of customers.
    static func customerList(_ customers: [Int32], columns: Int) -> String {
        var list = "\(customers.count): "
        for (index, customer) in customers.enumerated() {
            guard list.utf8.count <= columns else { break }
            if index > 0 { list += " " }
            list += String(customer)
        }
        return list.utf8.count > columns + 1 ? String(list.prefix(columns + 1)) : list
    }
}
