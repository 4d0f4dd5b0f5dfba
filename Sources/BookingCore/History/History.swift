import Foundation

/// One recorded change: written by the store in the transaction that makes the change, so the
/// history holds exactly what was committed (a booking and its entry are both there or
/// neither). Read back newest first by `GET /administration/history`, the console's product
/// detail, and the Activity pane at start-up.
public struct HistoryEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A product's availability changed (a key, the API, a release of a booked copy).
        case product
        /// A catalog was loaded: products added or retitled.
        case catalog
        /// A set-queue push replaced the queue snapshot.
        case queuePush = "queue-push"
        case booking
        /// The Orchestrator accepted a booking event.
        case delivered
        /// A delivery attempt failed; the event is retried.
        case attempt
        /// The event is parked: kept, not retried until an operator asks.
        case parked
        /// An operator sent a parked event again.
        case requeued
        case pause
        case resume
    }

    /// Increases with every entry (the store's order).
    public var sequence: Int64
    public var time: Date
    public var kind: Kind
    /// Who or what made the change: `key`, `api`, `catalog`, `release`, `set-queue`, `checker`,
    /// `link`, `operator`.
    public var source: String?
    /// The instance that wrote it (a shared store's instance name); nil with a store of one instance.
    public var instance: String?
    public var productId: Int32?
    public var customerId: Int32?
    public var title: String?
    public var bookingId: String?
    /// One line, as the Activity pane shows it.
    public var summary: String
    /// A JSON object with what the kind carries (a booking's reason trail, an attempt's answer).
    public var detail: String?

    public init(sequence: Int64 = 0, time: Date, kind: Kind, source: String? = nil, instance: String? = nil,
                productId: Int32? = nil, customerId: Int32? = nil, title: String? = nil, bookingId: String? = nil,
                summary: String, detail: String? = nil) {
        self.sequence = sequence
        self.time = time
        self.kind = kind
        self.source = source
        self.instance = instance
        self.productId = productId
        self.customerId = customerId
        self.title = title
        self.bookingId = bookingId
        self.summary = summary
        self.detail = detail
    }
}

/// What `Store.history` returns: entries matching every given field, newest first.
public struct HistoryQuery: Sendable, Equatable {
    public var productId: Int32?
    public var customerId: Int32?
    /// Compared by its bytes, as titles are everywhere.
    public var title: String?
    public var kind: HistoryEntry.Kind?
    /// Inclusive bounds on `time`.
    public var since: Date?
    public var until: Date?
    public var limit: Int
    /// Leaves out failed attempts (the Activity pane shows parks, not every retry).
    public var withoutAttempts = false

    public static let defaultLimit = 100
    public static let maxLimit = 10_000

    public init(productId: Int32? = nil, customerId: Int32? = nil, title: String? = nil, kind: HistoryEntry.Kind? = nil,
                since: Date? = nil, until: Date? = nil, limit: Int = defaultLimit) {
        self.productId = productId
        self.customerId = customerId
        self.title = title
        self.kind = kind
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// How long history is kept: entries older than `days`, and the oldest beyond `rows`, are
/// pruned by the sweep (`--history-days`, `--history-rows`).
public struct HistoryRetention: Sendable, Equatable {
    public var days: Double
    public var rows: Int

    public static let standard = HistoryRetention(days: 30, rows: 1_000_000)

    public init(days: Double, rows: Int) {
        self.days = days
        self.rows = rows
    }

    /// Entries older than this go.
    public func cutoff(now: Date) -> Date { now.addingTimeInterval(-days * 86_400) }
}

// MARK: The entries each write records

extension HistoryEntry {
    /// A product made available or unavailable. Making a booked product available releases it
    /// from its customer (source `release`, and `by` says who asked).
    public static func flip(_ product: Product, source: String, releasedFrom: Int32?, at time: Date) -> HistoryEntry {
        let state = product.isAvailable ? "available" : "unavailable"
        if !product.isAvailable, let customer = product.bookedBy {
            // Only an undo writes a booked product this way: it gives a released copy back to
            // the customer it was taken from (`Monitor.revert`); the booking is the old one.
            var detail = JSONObject()
            detail["available"] = .bool(false)
            detail["restoredTo"] = .int(Int64(customer))
            return HistoryEntry(time: time, kind: .product, source: source, productId: product.id, customerId: customer,
                                title: product.title,
                                summary: "\(source): product \(product.id) given back to customer \(customer), unavailable",
                                detail: detail.text)
        }
        var detail = JSONObject()
        detail["available"] = .bool(product.isAvailable)
        if let releasedFrom {
            detail["releasedFrom"] = .int(Int64(releasedFrom))
            detail["by"] = .string(source)
        }
        return HistoryEntry(time: time, kind: .product, source: releasedFrom == nil ? source : "release",
                            productId: product.id, customerId: releasedFrom, title: product.title,
                            summary: releasedFrom.map { "\(source): product \(product.id) released from customer \($0), \(state)" }
                                ?? "\(source): product \(product.id) \(state)",
                            detail: detail.text)
    }

    public static func catalog(products: Int, changed: Int, at time: Date) -> HistoryEntry {
        var detail = JSONObject()
        detail["products"] = .int(Int64(products))
        detail["changed"] = .int(Int64(changed))
        return HistoryEntry(time: time, kind: .catalog, source: "catalog",
                            summary: "catalog: \(changed) of \(products) products added or changed", detail: detail.text)
    }

    /// The push's sequence, its titles and customers (titles listed up to 100, with how many
    /// customers each queues), and where it came from.
    public static func push(_ snapshot: QueueSnapshot, source: String) -> HistoryEntry {
        var detail = JSONObject()
        detail["sequence"] = .int(snapshot.sequence)
        detail["titles"] = .int(Int64(snapshot.queues.count))
        detail["customers"] = .int(Int64(snapshot.customerCount))
        detail["queues"] = .array(snapshot.queues.prefix(100).map { queue in
            var entry = JSONObject()
            entry["title"] = .string(queue.title)
            entry["customers"] = .int(Int64(queue.customers.count))
            return .object(entry)
        })
        detail["from"] = .string(source)
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        return HistoryEntry(time: snapshot.receivedAt ?? Date(), kind: .queuePush, source: source,
                            summary: "queue push #\(snapshot.sequence): \(counted(snapshot.queues.count, "title")), "
                                + counted(snapshot.customerCount, "customer"),
                            detail: detail.text)
    }

    /// `trail` is the booking's reason trail (a JSON array: who was ahead and why they were
    /// skipped), or nil when the caller has none.
    public static func booking(_ booking: Booking, trail: String?) -> HistoryEntry {
        var detail = JSONObject()
        detail["bookingId"] = .string(booking.id)
        detail["snapshot"] = .int(booking.snapshotSequence)
        if let trail { detail["skipped"] = .raw(trail) }
        return HistoryEntry(time: booking.bookedAt, kind: .booking, source: "checker", productId: booking.productId,
                            customerId: booking.customerId, title: booking.title, bookingId: booking.id,
                            summary: "product \(booking.productId) → customer \(booking.customerId) «\(booking.title)»",
                            detail: detail.text)
    }

    /// What became of an event, read from its new state: delivered, a failed attempt (to be
    /// retried), parked, or requeued by an operator (pending again with no attempts).
    public static func outbox(_ event: OutboxEvent, at time: Date) -> HistoryEntry {
        let booking = event.booking
        let who = "customer \(booking.customerId) «\(booking.title)»"
        var detail = JSONObject()
        detail["attempts"] = .int(Int64(event.attempts))
        if let answer = event.lastError { detail["answer"] = .string(answer) }
        let kind: Kind, summary: String, source: String
        switch event.state {
        case .delivered:
            (kind, source, summary) = (.delivered, "link", "delivered: \(who)")
        case .parked:
            (kind, source, summary) = (.parked, "link",
                                       "parked after \(event.attempts) attempts: \(who): \(event.lastError ?? "")")
        case .pending where event.attempts == 0:
            (kind, source, summary) = (.requeued, "operator", "requeued: \(who)")
        case .pending:
            (kind, source, summary) = (.attempt, "link",
                                       "attempt \(event.attempts) failed: \(who): \(event.lastError ?? "")")
        }
        return HistoryEntry(time: time, kind: kind, source: source, productId: booking.productId,
                            customerId: booking.customerId, title: booking.title, bookingId: booking.id,
                            summary: summary, detail: detail.text)
    }

    /// The checker paused or resumed.
    public static func paused(_ paused: Bool, at time: Date) -> HistoryEntry {
        HistoryEntry(time: time, kind: paused ? .pause : .resume, source: "operator",
                     summary: paused ? "checker paused" : "checker resumed")
    }

    /// The Activity pane's line for this entry (Activity starts from the history) on instance
    /// `here`: another instance's entries say whose they are.
    public func activity(here: String?) -> ActivityEntry {
        let kind: ActivityEntry.Kind
        switch self.kind {
        case .booking: kind = .booking
        case .queuePush: kind = .queue
        case .delivered: kind = .delivery
        case .attempt, .parked: kind = .failure
        case .product, .requeued, .pause, .resume: kind = .operatorAction
        case .catalog: kind = .info
        }
        return ActivityEntry(time: time, kind: kind, text: instance.flatMap { $0 == here ? nil : "peer \($0): \(summary)" } ?? summary)
    }
}

/// A small JSON object writer for history details: keys in insertion order, strings escaped.
public struct JSONObject {
    enum Value {
        case string(String), int(Int64), bool(Bool), array([Value]), object(JSONObject)
        /// Already JSON.
        case raw(String)

        var text: String {
            switch self {
            case .string(let s): return JSONObject.quote(s)
            case .int(let i): return String(i)
            case .bool(let b): return b ? "true" : "false"
            case .array(let values): return "[" + values.map(\.text).joined(separator: ",") + "]"
            case .object(let object): return object.text
            case .raw(let json): return json
            }
        }
    }

    private var fields: [(String, Value)] = []

    subscript(key: String) -> Value? {
        get { fields.first { $0.0 == key }?.1 }
        set {
            fields.removeAll { $0.0 == key }
            if let newValue { fields.append((key, newValue)) }
        }
    }

    var text: String { "{" + fields.map { Self.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}" }

    /// A JSON string literal: quotes, backslashes and control characters escaped (also the
    /// JSON log lines' quoting).
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
