import BookingCore
import Foundation
import Testing

/// `GET /administration/history` on a real server over loopback, a real SQLite file.
@Suite("HTTP history")
struct HistoryHTTPTests {
    let tom1 = "Война и мир. Том 1"

    /// Customer 7 booked product 1, then customer 8 product 2 with 7 ahead and skipped.
    func bookTwice(_ monitor: Monitor) async throws {
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [7, 8])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        try await monitor.setAvailability(productId: 2, isAvailable: true)
    }

    @Test("JSON, newest first: who had product 2, and what happened to customer 7")
    func json() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let monitor = try await makeMonitor(.file(dir.file("m.sqlite")))
        try await bookTwice(monitor)
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.get(running.url + "/administration/history?product=2&kind=booking")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/json; charset=utf-8")
            let entries = try #require(try reply.json() as? [[String: Any]])
            #expect(entries.count == 1)
            let booking = entries[0]
            #expect(booking["customerId"] as? Int == 8 && booking["productId"] as? Int == 2)
            #expect(booking["title"] as? String == tom1 && booking["kind"] as? String == "booking")
            #expect((booking["time"] as? String)?.hasSuffix("Z") == true)
            let detail = try #require(booking["detail"] as? [String: Any])
            let skipped = try #require(detail["skipped"] as? [[String: Any]])
            #expect(skipped.count == 1 && skipped[0]["customer"] as? Int == 7)
            #expect(skipped[0]["reason"] as? String == "event-pending", "7's event is not delivered yet")

            let customer = try #require(try await TestHTTP.get(running.url + "/administration/history?customer=7").json()
                as? [[String: Any]])
            #expect(customer.map { $0["kind"] as? String } == ["booking"])
            let all = try #require(try await TestHTTP.get(running.url + "/administration/history").json() as? [[String: Any]])
            let sequences = all.compactMap { $0["sequence"] as? Int }
            #expect(sequences == sequences.sorted(by: >) && sequences.count == all.count && all.count == 6)
            let limited = try #require(try await TestHTTP.get(running.url + "/administration/history?limit=2").json()
                as? [[String: Any]])
            #expect(limited.compactMap { $0["sequence"] as? Int } == Array(sequences.prefix(2)))
        }
    }

    @Test("CSV with a header row, by format=csv or by Accept: text/csv; fields with commas and quotes are quoted")
    func csv() async throws {
        let monitor = try await makeMonitor(.inMemory, catalog: [
            Product(id: 1, title: #"Tom "One", part 1"#, description: "", isAvailable: false),
        ])
        try await monitor.replaceQueues([CustomerQueue(title: #"Tom "One", part 1"#, customers: [7])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        try await RunningMonitor.with(monitor) { running in
            let byFormat = try await TestHTTP.get(running.url + "/administration/history?format=csv&kind=booking")
            let byAccept = try await TestHTTP.request(.GET, running.url + "/administration/history?kind=booking",
                                                      headers: [("Accept", "text/csv")])
            for reply in [byFormat, byAccept] {
                #expect(reply.status == 200)
                #expect(reply.header("Content-Type")?.hasPrefix("text/csv") == true)
                let lines = reply.text.components(separatedBy: "\r\n")
                #expect(lines.first == "sequence,time,kind,source,instance,productId,customerId,title,bookingId,summary,detail")
                #expect(lines.count == 3 && lines[2].isEmpty, "a header, one entry, a final line break")
                #expect(lines[1].contains(#","Tom ""One"", part 1","#), "\(lines[1])")
                #expect(lines[1].contains(",booking,checker,,1,7,"))
            }
            let json = try await TestHTTP.request(.GET, running.url + "/administration/history?format=json",
                                                  headers: [("Accept", "text/csv")])
            #expect(json.header("Content-Type") == "application/json; charset=utf-8", "format wins over Accept")
        }
    }

    static let bad: [(query: String, status: Int, field: String)] = [
        ("product=abc", 400, "product"),
        ("product=4294967296", 400, "product"),
        ("product=999", 404, "product"),
        ("customer=-", 400, "customer"),
        ("kind=bookings", 400, "kind"),
        ("since=yesterday", 400, "since"),
        ("until=2026-13-01T00:00:00Z", 400, "until"),
        ("since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z", 400, "since"),
        ("limit=0", 400, "limit"),
        ("limit=10001", 400, "limit"),
        ("limit=ten", 400, "limit"),
        ("format=xml", 400, "format"),
        ("title=", 400, "title"),
    ]

    @Test("bad parameters: 400 (an unknown product 404) problem+json naming the parameter", arguments: bad)
    func badParameters(_ bad: (query: String, status: Int, field: String)) async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.get(running.url + "/administration/history?" + bad.query)
            #expect(reply.status == bad.status)
            #expect(reply.header("Content-Type") == "application/problem+json")
            let problem = try #require(try reply.json() as? [String: Any])
            #expect(problem["field"] as? String == bad.field)
        }
    }

    @Test("since and until take ISO 8601 with or without fractions, and seconds since 1970")
    func times() async throws {
        let clock = SteppedClock()
        let monitor = try await makeMonitor(.inMemory, clock: clock)  // the catalog at 1_800_000_000
        clock.advance(10)
        try await monitor.setAvailability(productId: 3, isAvailable: true)
        try await RunningMonitor.with(monitor) { running in
            func kinds(_ query: String) async throws -> [String] {
                let reply = try await TestHTTP.get(running.url + "/administration/history?" + query)
                return try #require(try reply.json() as? [[String: Any]]).compactMap { $0["kind"] as? String }
            }
            let late = try await kinds("since=1800000005")
            let early = try await kinds("until=2027-01-15T08:00:05Z")  // 1_800_000_005
            let offset = try await kinds("since=2027-01-15T08:00:09.500Z&until=2027-01-15T10:00:10%2B02:00")
            #expect(late == ["product"])
            #expect(early == ["catalog"])
            #expect(offset == ["product"])
        }
    }
}
