import BookingCore
import Foundation

/// One line of a view, with what it means (the theme picks the style).
public struct DetailLine: Sendable, Equatable {
    public enum Tone: Sendable, Equatable { case plain, dim, heading, error, why }
    public var text: String
    public var tone: Tone

    public init(_ text: String, _ tone: Tone = .plain) {
        self.text = text
        self.tone = tone
    }
}

/// What a view shows: a title and its lines, made on demand (a queue can hold a million
/// customers: only the visible lines are made). The explanations are the core's
/// (`MonitorSnapshot.explain`), not a second statement of the rules.
public struct DetailContent {
    public var title: String
    public var count: Int
    /// A queue's lines select customers; the other views scroll.
    public var selectable = false
    public var line: (Int) -> DetailLine
    /// The customer a line stands for (a queue's rows), for `Enter`.
    public var customer: (Int) -> Int32? = { _ in nil }

    init(title: String, lines: [DetailLine]) {
        self.title = title
        count = lines.count
        line = { lines[$0] }
    }

    init(title: String, count: Int, selectable: Bool, line: @escaping (Int) -> DetailLine,
         customer: @escaping (Int) -> Int32?) {
        self.title = title
        self.count = count
        self.selectable = selectable
        self.line = line
        self.customer = customer
    }
}

extension ConsoleModel {
    /// `width`: the terminal's columns; explanations are wrapped to it, so the whole sentence shows.
    public func content(for view: ConsoleView, timeZone: TimeZone, width: Int) -> DetailContent {
        let room = max(20, width - 4)
        switch view {
        case .product(let id): return productContent(id, timeZone: timeZone, room: room)
        case .queue(let title): return queueContent(title)
        case .customer(let id): return customerContent(id, timeZone: timeZone, room: room)
        }
    }

    /// `text` after `indent` columns of `lead`, wrapped to `room` columns.
    private func wrapped(_ lead: String, _ text: String, indent: Int, room: Int, _ tone: DetailLine.Tone) -> [DetailLine] {
        let pad = String(repeating: " ", count: indent)
        let head = lead.padding(toLength: indent, withPad: " ", startingAt: 0)
        return OutboxOverlay.wrap(text, width: max(10, room - indent)).enumerated().map { index, line in
            DetailLine((index == 0 ? head : pad) + line, tone)
        }
    }

    private func field(_ name: String, _ value: String, _ tone: DetailLine.Tone = .plain) -> DetailLine {
        DetailLine(name.padding(toLength: 13, withPad: " ", startingAt: 0) + value, tone)
    }

    private func historyLines(_ timeZone: TimeZone) -> [DetailLine] {
        var lines = [DetailLine(""), DetailLine("History, newest first (\(Text.count(viewHistory.count, "entry", plural: "entries")))", .heading)]
        if viewHistory.isEmpty { lines.append(DetailLine("  nothing recorded (kept for --history-days)", .dim)) }
        for entry in viewHistory {
            let kind = entry.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            let tone: DetailLine.Tone = entry.kind == .attempt || entry.kind == .parked ? .error : .plain
            lines.append(DetailLine("  \(TimeText.date(entry.time, in: timeZone)) \(kind) \(entry.summary)", tone))
        }
        return lines
    }

    private func describe(_ event: OutboxEvent, _ timeZone: TimeZone) -> String {
        let attempts = Text.count(event.attempts, "attempt")
        let last = event.lastAttemptAt.map { ", last at \(TimeText.time($0, in: timeZone))" } ?? ""
        return "\(event.state == .parked ? "PARKED" : "pending"), \(attempts)\(last)"
    }

    func productContent(_ id: Int32, timeZone: TimeZone, room: Int) -> DetailContent {
        guard let product = snapshot.products.first(where: { $0.id == id }) else {
            return DetailContent(title: "Product \(id)", lines: [DetailLine("no product \(id) in this group", .error)])
        }
        var lines: [DetailLine] = [
            field("id", String(product.id)),
            field("title", "«\(product.title)»"),
            field("description", product.description.isEmpty ? "—" : product.description),
        ]
        let status: String
        switch product.status {
        case .available: status = "A available"
        case .booked: status = "B booked"
        case .unavailable: status = "U unavailable"
        }
        lines.append(field("status", status))
        let event = snapshot.outbox.last { $0.booking.productId == id }
        if let customer = product.bookedBy {
            lines.append(field("booked", "for customer \(customer)"
                + (product.bookedAt.map { " at \(TimeText.date($0, in: timeZone))" } ?? "")))
            if let event, event.booking.customerId == customer {
                lines.append(field("event", "#\(event.booking.sequence) \(describe(event, timeZone))",
                                   event.state == .parked ? .error : .plain))
                lines.append(field("last answer", event.lastError ?? "not tried yet", event.lastError == nil ? .dim : .plain))
            } else if let delivered = viewHistory.first(where: { $0.kind == .delivered }) {
                lines.append(field("event", "delivered at \(TimeText.date(delivered.time, in: timeZone))"))
                lines.append(field("last answer", "accepted (2xx)"))
            } else {
                lines.append(field("event", "delivered", .dim))
            }
        }
        lines.append(field("queued", Text.count(queueLengths[TitleKey(product.title)] ?? 0, "customer")
            + " for its title"))
        if let sentence = snapshot.explain(product: id)?.sentence {
            lines += wrapped("why", sentence, indent: 13, room: room, .why)
        }
        return DetailContent(title: "Product \(id) «\(product.title)»", lines: lines + historyLines(timeZone))
    }

    func queueContent(_ title: String) -> DetailContent {
        guard let queue = snapshot.queues.queues.first(where: { TitleKey.same($0.title, title) }) else {
            return DetailContent(title: "Queue «\(title)»", lines: [DetailLine("«\(title)» is not in the last queue push", .error)])
        }
        let snapshot = self.snapshot
        let customers = queue.customers
        let width = String(customers.count).count
        // Made once for the view, not per line: a line alone walked the products and the queue.
        let facts = snapshot.facts(title: title)
        return DetailContent(
            title: "Queue «\(title)»: \(Text.count(customers.count, "customer")), push #\(snapshot.queues.sequence)",
            count: customers.count, selectable: true,
            line: { index in
                let customer = customers[index]
                let answer = snapshot.explain(customer: customer, facts)
                let place = String(index + 1).padding(toLength: width, withPad: " ", startingAt: 0)
                let reason = answer.reason.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0)
                let tone: DetailLine.Tone = answer.reason == .booked ? .plain
                    : answer.reason == .eventPending || answer.reason == .bookedFromThisSnapshot ? .dim : .why
                return DetailLine("\(place)  customer \(customer)  \(reason)\(answer.detail)", tone)
            },
            customer: { customers.indices.contains($0) ? customers[$0] : nil })
    }

    func customerContent(_ id: Int32, timeZone: TimeZone, room: Int) -> DetailContent {
        var lines: [DetailLine] = []
        var titles: [String] = []
        var seen = Set<TitleKey>()
        lines.append(DetailLine("Queues of push #\(snapshot.queues.sequence)", .heading))
        for queue in snapshot.queues.queues {
            guard let position = queue.customers.firstIndex(of: id) else { continue }
            lines.append(DetailLine("  «\(queue.title)»  \(position + 1) of \(queue.customers.count)"))
            if seen.insert(TitleKey(queue.title)).inserted { titles.append(queue.title) }
        }
        if titles.isEmpty { lines.append(DetailLine("  in no queue", .dim)) }
        lines.append(DetailLine(""))
        lines.append(DetailLine("Has", .heading))
        let held = snapshot.products.filter { $0.bookedBy == id && !$0.isAvailable }
        for product in held {
            lines.append(DetailLine("  product \(product.id) «\(product.title)»"
                + (product.bookedAt.map { " booked at \(TimeText.date($0, in: timeZone))" } ?? "")))
            if seen.insert(TitleKey(product.title)).inserted { titles.append(product.title) }
        }
        if held.isEmpty { lines.append(DetailLine("  no product of this group", .dim)) }
        lines.append(DetailLine(""))
        lines.append(DetailLine("Pending events", .heading))
        let events = snapshot.outbox.filter { $0.booking.customerId == id }
        for event in events {
            lines.append(DetailLine("  #\(event.booking.sequence) product \(event.booking.productId) «\(event.booking.title)» "
                + describe(event, timeZone) + (event.lastError.map { ": \($0)" } ?? ""),
                event.state == .parked ? .error : .plain))
        }
        if events.isEmpty { lines.append(DetailLine("  none: every event delivered", .dim)) }
        lines.append(DetailLine(""))
        lines.append(DetailLine("Why, per title", .heading))
        for title in titles {
            let answer = snapshot.explain(customer: id, title: title)
            lines.append(DetailLine("  «\(title)»  \(answer.reason.rawValue)", answer.reason == .booked ? .plain : .why))
            lines += wrapped("", answer.detail, indent: 4, room: room, .plain)
        }
        if titles.isEmpty { lines.append(DetailLine("  nothing queued or held here", .dim)) }
        return DetailContent(title: "Customer \(id)", lines: lines + historyLines(timeZone))
    }
}
