import BookingCore
import Foundation
import Hummingbird
import NIOCore

/// `GET /administration/history`: the recorded changes, newest first, as JSON or CSV. Each
/// filter narrows the answer; a bad one is a 400 naming its parameter.
struct HistoryRoutes<Context: RequestContext> {
    let monitor: Monitor

    func register(on router: Router<Context>) {
        let admin = router.group("administration")
        admin.get("history") { request, _ in
            let (query, csv) = try Self.parse(request)
            if let product = query.productId, await monitor.product(id: product) == nil {
                throw Problem(.notFound, "no product with id \(product) in this group", field: "product")
            }
            let entries = try monitor.history(query)
            if csv {
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8; header=present"],
                                body: .init(byteBuffer: ByteBuffer(string: HistoryCSV.write(entries))))
            }
            return JSONCoding.response(bytes: Self.json(entries))
        }
    }

    /// The query and whether CSV was asked for (`format=csv`, or `Accept: text/csv` without a `format`).
    static func parse(_ request: Request) throws -> (HistoryQuery, csv: Bool) {
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? { parameters.get(name) }
        func id(_ name: String) throws -> Int32? {
            guard let raw = value(name) else { return nil }
            guard let id = Int32(raw) else {
                throw Problem(.badRequest, "\(name) must be a 32-bit integer, got \"\(raw)\"", field: name)
            }
            return id
        }
        func time(_ name: String) throws -> Date? {
            guard let raw = value(name) else { return nil }
            guard let date = HistoryTime.parse(raw) else {
                throw Problem(.badRequest, "\(name) must be an ISO 8601 time such as 2026-12-01T10:20:30Z, or seconds since 1970, got \"\(raw)\"",
                              field: name)
            }
            return date
        }
        var query = HistoryQuery(productId: try id("product"), customerId: try id("customer"),
                                 since: try time("since"), until: try time("until"))
        if let title = value("title") {
            guard !title.isEmpty else { throw Problem(.badRequest, "title must not be empty", field: "title") }
            query.title = title
        }
        if let raw = value("kind") {
            guard let kind = HistoryEntry.Kind(rawValue: raw) else {
                let kinds = HistoryEntry.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem(.badRequest, "kind must be one of \(kinds), got \"\(raw)\"", field: "kind")
            }
            query.kind = kind
        }
        if let raw = value("limit") {
            guard let limit = Int(raw), (1...HistoryQuery.maxLimit).contains(limit) else {
                throw Problem(.badRequest, "limit must be an integer from 1 to \(HistoryQuery.maxLimit), got \"\(raw)\"",
                              field: "limit")
            }
            query.limit = limit
        }
        if let since = query.since, let until = query.until, since > until {
            throw Problem(.badRequest, "since (\(HistoryTime.format(since))) is after until (\(HistoryTime.format(until)))",
                          field: "since")
        }
        let csv: Bool
        switch value("format")?.lowercased() {
        case "csv": csv = true
        case "json": csv = false
        case nil: csv = request.headers[.accept]?.lowercased().contains("text/csv") ?? false
        case let other?:
            throw Problem(.badRequest, "format must be json or csv, got \"\(other)\"", field: "format")
        }
        return (query, csv)
    }

    static func json(_ entries: [HistoryEntry]) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 * max(1, entries.count))
        writer.array(entries) { writer, entry in
            writer.raw("{\"sequence\":")
            writer.int(entry.sequence)
            writer.raw(",\"time\":")
            writer.string(HistoryTime.format(entry.time))
            writer.raw(",\"kind\":")
            writer.string(entry.kind.rawValue)
            func optional(_ key: StaticString, _ value: String?) {
                guard let value else { return }
                writer.raw(key)
                writer.string(value)
            }
            optional(",\"source\":", entry.source)
            optional(",\"instance\":", entry.instance)
            if let product = entry.productId { writer.raw(",\"productId\":"); writer.int(product) }
            if let customer = entry.customerId { writer.raw(",\"customerId\":"); writer.int(customer) }
            optional(",\"title\":", entry.title)
            optional(",\"bookingId\":", entry.bookingId)
            writer.raw(",\"summary\":")
            writer.string(entry.summary)
            if let detail = entry.detail { writer.raw(",\"detail\":"); writer.json(detail) }
            writer.raw("}")
        }
        return writer.bytes
    }
}

/// History times on the wire: ISO 8601 in UTC with milliseconds.
enum HistoryTime {
    static func format(_ date: Date) -> String { HistoryCSV.time(date) }

    /// ISO 8601 (with or without fractional seconds, `Z` or an offset), or seconds since 1970.
    static func parse(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}
