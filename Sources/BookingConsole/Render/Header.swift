import BookingCore
import Foundation

/// Two lines across the top: who this instance is and how its link and outbox are doing.
struct Header {
    var model: ConsoleModel
    var settings: RenderSettings
    var now: Date

    func draw(into grid: inout Grid, _ rect: Rect) {
        let theme = settings.theme
        let snapshot = model.snapshot
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, style: theme.headerBar)
        var line1 = Line(theme: theme)
        if snapshot.paused { line1.badge("PAUSED") }
        if settings.readonly { line1.badge("READ-ONLY") }
        line1.add(" booking-monitor ", theme.headerLabel)
        line1.pair("group", snapshot.group)
        if !settings.httpAddress.isEmpty { line1.pair("http", settings.httpAddress) }
        line1.pair("orchestrator", snapshot.link.orchestrator)
        let (text, ok, failing) = linkState(snapshot.link)
        line1.add(" ", theme.headerValue)
        line1.add(text, theme.linkStyle(ok: ok, failing: failing))
        line1.draw(into: &grid, x: rect.x, y: rect.y, width: rect.width)

        var line2 = Line(theme: theme)
        var outbox = "\(snapshot.pendingCount) pending"
        if let oldest = snapshot.oldestPending { outbox += " (oldest \(Clock.age(from: oldest, to: now)))" }
        outbox += ", \(snapshot.parkedCount) parked"
        line2.add(" ", theme.headerValue)
        line2.pair("outbox", outbox, first: true)
        if let received = snapshot.queues.receivedAt {
            line2.pair("last push", "\(Clock.time(received, in: settings.timeZone)) #\(snapshot.queues.sequence) "
                       + "(\(snapshot.queues.queues.count) titles, \(snapshot.queues.customerCount) customers)")
        } else {
            line2.pair("last push", "none yet")
        }
        let totals = snapshot.totals
        line2.pair("totals", "\(totals.bookings) booked, \(totals.delivered) delivered, \(totals.queuePushes) pushes")
        line2.draw(into: &grid, x: rect.x, y: rect.y + 1, width: rect.width)
    }

    /// ok / retrying / breaker open with a countdown.
    func linkState(_ link: LinkStatus) -> (text: String, ok: Bool, failing: Bool) {
        switch link.breaker {
        case .open(let until):
            let left = max(0, Int(until.timeIntervalSince(now).rounded(.up)))
            return ("link: breaker open, retry in \(left)s", false, true)
        case .halfOpen:
            return ("link: trying", false, false)
        case .closed:
            if link.consecutiveFailures > 0 {
                let error = link.lastError.map { " (\($0))" } ?? ""
                return ("link: retrying, \(link.consecutiveFailures) failed\(error)", false, true)
            }
            return ("link: ok", true, false)
        }
    }

    /// Segments written left to right, clipped at the end of the line.
    struct Line {
        var theme: Theme
        var segments: [(String, Style)] = []

        mutating func add(_ text: String, _ style: Style) { segments.append((text, style)) }

        mutating func badge(_ text: String) {
            add(" \(text) ", theme.badge)
            add(" ", theme.headerBar)
        }

        mutating func pair(_ label: String, _ value: String, first: Bool = false) {
            if !first { add(" \(theme.separator) ", theme.headerValue) }
            add("\(label) ", theme.headerLabel)
            add(value, theme.headerValue)
        }

        func draw(into grid: inout Grid, x: Int, y: Int, width: Int) {
            var column = x
            for (text, style) in segments where column < x + width {
                column += grid.write(text, x: column, y: y, style: style, limit: x + width - column)
            }
        }
    }
}
