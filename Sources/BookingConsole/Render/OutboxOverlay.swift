import BookingCore
import Foundation

/// `o`: every undelivered event, oldest first, with the Orchestrator's last answer in full
/// (status and body excerpt, wrapped), not a line cut at the pane's edge.
struct OutboxOverlay {
    var model: ConsoleModel
    var settings: RenderSettings
    var now: Date

    func draw(into grid: inout Grid, size: Size) {
        let theme = settings.theme
        let outbox = model.snapshot.outbox
        let width = max(20, size.width - 4)
        let height = max(5, size.height - 4)
        let rect = Rect(x: (size.width - width) / 2, y: 2, width: width, height: height)
        grid.box(rect, title: "Outbox: \(outbox.count) undelivered (any key closes)", focused: true, theme: theme)
        let inner = rect.inner
        let textWidth = max(10, inner.width - 4)
        var y = inner.y
        let end = inner.y + inner.height
        if outbox.isEmpty {
            grid.write("nothing to deliver", x: inner.x + 1, y: y, style: theme.dimmed, limit: inner.width - 1)
            return
        }
        for (index, event) in outbox.enumerated() {
            guard y < end else { break }
            if y == end - 1, index < outbox.count - 1 {
                grid.write("… \(outbox.count - index) more: GET /administration/outbox lists them all", x: inner.x + 1, y: y,
                           style: theme.dimmed, limit: inner.width - 1)
                break
            }
            let booking = event.booking
            let state = event.state == .parked ? "PARKED" : "pending"
            let last = event.lastAttemptAt.map { ", last \(TimeText.time($0, in: settings.timeZone))" } ?? ""
            let head = "#\(booking.sequence) product \(booking.productId) → customer \(booking.customerId) "
                + "«\(theme.text(booking.title))»  \(state), \(event.attempts) attempt\(event.attempts == 1 ? "" : "s")\(last)"
            grid.write(head, x: inner.x + 1, y: y, style: event.state == .parked ? theme.error : Style(bold: true),
                       columns: inner.width - 1, ellipsis: theme.ellipsis)
            y += 1
            let answer = event.lastError ?? "not tried yet"
            for line in Self.wrap(theme.text(answer), width: textWidth) where y < end {
                grid.write(line, x: inner.x + 3, y: y, style: event.lastError == nil ? theme.dimmed : .plain,
                           columns: textWidth)
                y += 1
            }
        }
    }

    /// Breaks `text` into lines of at most `width` columns, at spaces where it can.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                var word = Substring(word)
                while DisplayWidth.of(word) > width {
                    // A word longer than a line: cut it where the line ends.
                    if lineWidth > 0 { lines.append(line); line = ""; lineWidth = 0 }
                    var taken = 0, columns = 0
                    for character in word {
                        let w = DisplayWidth.of(String(character))
                        if columns + w > width { break }
                        columns += w
                        taken += 1
                    }
                    lines.append(String(word.prefix(taken)))
                    word = word.dropFirst(max(1, taken))
                }
                let w = DisplayWidth.of(word)
                if lineWidth > 0, lineWidth + 1 + w > width {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                if lineWidth > 0 { line += " "; lineWidth += 1 }
                line += word
                lineWidth += w
            }
            lines.append(line)
        }
        return lines
    }
}
