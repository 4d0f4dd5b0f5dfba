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

        var first = Line(theme: theme)
        if snapshot.paused { first.badge("PAUSED") }
        if settings.readonly { first.badge("READ-ONLY") }
        first.add(" booking-monitor", theme.headerLabel)
        first.pair("group", snapshot.group)
        let (text, ok, failing) = linkState(snapshot.link)
        first.add(" \(theme.separator) ", theme.headerValue)
        first.add(text, theme.linkStyle(ok: ok, failing: failing))
        first.add(" \(theme.arrow) \(theme.text(snapshot.link.orchestrator))", theme.headerValue)

        var second = Line(theme: theme)
        // A refused push is the first thing to see: the Orchestrator only logs our answer.
        if snapshot.refusals.outstanding, let refusal = snapshot.refusals.last {
            second.add(" push refused \(TimeText.time(refusal.at, in: settings.timeZone)): \(theme.text(refusal.detail)) ",
                       theme.linkStyle(ok: false, failing: true))
        }
        var outbox = "\(snapshot.pendingCount) pending"
        if let oldest = snapshot.oldestPending { outbox += " (oldest \(TimeText.age(from: oldest, to: now)))" }
        outbox += ", \(snapshot.parkedCount) parked"
        second.add(" ", theme.headerValue)
        second.pair("outbox", outbox, first: true)
        if let received = snapshot.queues.receivedAt {
            // Its age, not its time of day: how stale the queues may be (Activity has the time).
            second.pair("last push", "\(TimeText.age(from: received, to: now)) ago (#\(snapshot.queues.sequence)): "
                        + "\(model.queueCustomerCount) in \(Text.count(snapshot.queues.queues.count, "queue"))")
        } else {
            second.pair("last push", "none yet")
        }

        // Bookings a minute over the last hour, a bar per 1, 2, 3 or 5 minutes: at most a third
        // of the width (from 36 columns), so the items after it keep their room; first of the
        // items that go where they fit; not shown for an hour without a booking.
        let total = model.rate.total(now: now)
        for columns in [60, 30, 20, 12] where total > 0 {
            var spark = Line(theme: theme)
            spark.add(" \(theme.separator) ", theme.headerValue)
            spark.add("last hour ", theme.headerLabel)
            spark.add(Sparkline.text(model.rate.buckets(columns, now: now), ascii: settings.ascii), theme.sparkline)
            spark.add(" \(total) booked", theme.headerValue)
            if spark.width > max(36, rect.width / 3), columns != 12 { continue }
            if second.width + spark.width <= rect.width { second.segments += spark.segments; break }
            if first.width + spark.width <= rect.width { first.segments += spark.segments; break }
        }

        // Less important items go wherever a whole item still fits.
        var optional: [Line] = []
        var store = Line(theme: theme)
        store.pair("store", theme.text(snapshot.store))
        if !snapshot.peers.isEmpty {
            // A shared store: who else serves the group matters more than the totals.
            var peers = Line(theme: theme)
            peers.pair("instances", snapshot.peers.map { peer in
                theme.text(peer.name) + (peer.isSelf ? " (this)" : "") + (peer.isSender ? " sends" : "")
            }.joined(separator: ", "))
            optional += [peers, store]
        }
        let totals = snapshot.totals
        var totalsItem = Line(theme: theme)
        totalsItem.pair("totals", "\(totals.bookings) booked, \(totals.delivered) delivered, \(Text.count(totals.queuePushes, "push", plural: "pushes"))")
        optional.append(totalsItem)
        // When the Orchestrator last took a resync and an event: with the link's state, how
        // current this instance's picture is.
        let link = snapshot.link
        if link.lastResyncAt != nil || link.lastDeliveryAt != nil {
            var contact = Line(theme: theme)
            let never = "never"
            contact.pair("resync", link.lastResyncAt.map { TimeText.time($0, in: settings.timeZone) } ?? never)
            contact.add(", ", theme.headerValue)
            contact.add("delivered ", theme.headerLabel)
            contact.add(link.lastDeliveryAt.map { TimeText.time($0, in: settings.timeZone) } ?? never, theme.headerValue)
            optional.append(contact)
        }
        if !settings.httpAddress.isEmpty {
            var http = Line(theme: theme)
            http.pair("http", settings.httpAddress)
            optional.append(http)
        }
        if snapshot.peers.isEmpty { optional.append(store) }
        for item in optional {
            if second.width + item.width <= rect.width { second.segments += item.segments }
            else if first.width + item.width <= rect.width { first.segments += item.segments }
        }
        first.draw(into: &grid, x: rect.x, y: rect.y, width: rect.width)
        second.draw(into: &grid, x: rect.x, y: rect.y + 1, width: rect.width)
    }

    /// ok / unreachable since when and why / retrying / breaker open with a countdown /
    /// standby. `ok` only once a call has had an answer: never on hope.
    func linkState(_ link: LinkStatus) -> (text: String, ok: Bool, failing: Bool) {
        let theme = settings.theme
        if link.notRunning { return ("link: not running (--once)", false, false) }
        var retry = ""
        if case .open(let until) = link.breaker {
            retry = ", retry in \(max(0, Int(until.timeIntervalSince(now).rounded(.up))))s"
        }
        if link.reachable == false {
            let since = link.unreachableSince.map { " since \(TimeText.time($0, in: settings.timeZone))" } ?? ""
            // The address is shown after the arrow already: the cause without it.
            let cause = link.unreachableCause.map { cause in
                let short = cause.hasPrefix("cannot reach ") ? cause.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? cause : cause
                return " (\(Self.brief(theme.text(short), ellipsis: theme.ellipsis)))"
            } ?? ""
            let role = link.standby ? "standby, " : ""
            return ("link: \(role)unreachable\(since)\(cause)\(retry)", false, true)
        }
        switch link.breaker {
        case .open:
            let error = link.lastError.map { " (\(Self.brief(theme.text($0), ellipsis: theme.ellipsis)))" } ?? ""
            return ("link: breaker open\(error)\(retry)", false, true)
        case .halfOpen:
            return ("link: trying", false, false)
        case .closed:
            if link.standby {
                let sender = model.snapshot.peers.first(where: \.isSender).map { theme.text($0.name) } ?? "another instance"
                return ("link: standby, \(sender) sends", true, false)
            }
            if link.consecutiveFailures > 0 {
                let error = link.lastError.map { " (\(Self.brief(theme.text($0), ellipsis: theme.ellipsis)))" } ?? ""
                if link.reachable == true {
                    // The Orchestrator answers; it refuses some events: they step aside (`o`).
                    let count = link.consecutiveFailures
                    return ("link: ok, \(count) event\(count == 1 ? "" : "s") refused\(error), o shows", false, false)
                }
                return ("link: retrying, \(link.consecutiveFailures) failed\(error)", false, true)
            }
            if link.reachable == nil { return ("link: connecting", false, false) }
            return ("link: ok", true, false)
        }
    }

    /// The Orchestrator's words, at most `columns` wide: its error body is its own (a problem
    /// document, a page of HTML) and must not push the countdown and the rest off the line;
    /// `o` shows them whole.
    static func brief(_ text: String, columns: Int = 40, ellipsis: String) -> String {
        if !text.contains(where: \.isNewline), text.utf8.count <= columns || DisplayWidth.of(text) <= columns { return text }
        var result = ""
        var width = 0
        for character in text {
            let shown: Character = character.isNewline ? " " : character
            let next = DisplayWidth.of(String(shown))
            if width + next > columns - DisplayWidth.of(ellipsis) {
                return result + ellipsis
            }
            result.append(shown)
            width += next
        }
        return result
    }

    /// Segments written left to right, clipped at the end of the line.
    struct Line {
        var theme: Theme
        var segments: [(String, Style)] = []

        mutating func add(_ text: String, _ style: Style) { segments.append((text, style)) }

        var width: Int { segments.reduce(0) { $0 + DisplayWidth.of($1.0) } }

        mutating func badge(_ text: String) {
            add(" \(text) ", theme.badge)
            add(" ", theme.headerBar)
        }

        mutating func pair(_ label: String, _ value: String, first: Bool = false) {
            if !first { add(" \(theme.separator) ", theme.headerValue) }
            add("\(label) ", theme.headerLabel)
            add(value, theme.headerValue)
        }

        /// A segment that does not fit is cut after its last whole word, with an ellipsis
        /// (never in the middle of a word or an address), and nothing follows it.
        func draw(into grid: inout Grid, x: Int, y: Int, width: Int) {
            var column = x
            for (text, style) in segments where column < x + width {
                let room = x + width - column
                if DisplayWidth.of(text) <= room {
                    column += grid.write(text, x: column, y: y, style: style, limit: room)
                    continue
                }
                _ = grid.write(Self.cut(text, columns: room, ellipsis: theme.ellipsis), x: column, y: y, style: style, limit: room)
                break
            }
        }

        static func cut(_ text: String, columns: Int, ellipsis: String) -> String {
            // Room for the words, a space and the ellipsis.
            let room = columns - DisplayWidth.of(ellipsis) - 1
            guard room >= 0 else { return "" }
            let prefix = Text.prefix(text, columns: room)
            // The character after the prefix is a space: the prefix ends on a whole word.
            let next = text.dropFirst(prefix.count).first
            let whole = next == " " ? Substring(prefix) : prefix[..<(prefix.lastIndex(of: " ") ?? prefix.startIndex)]
            let kept = whole.trimmingCharacters(in: .whitespaces)
            return (whole.first == " " ? " " : "") + kept + (kept.isEmpty ? "" : " ") + ellipsis
        }
    }
}
