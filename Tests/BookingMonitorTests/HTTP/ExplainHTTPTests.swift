import BookingCore
import Foundation
import Testing

/// `GET /administration/explain` on a real server: each reason, reached through the API the
/// Orchestrator and an operator use, and the bad questions it refuses.
@Suite("Explanations through the HTTP API")
struct ExplainHTTPTests {
    static let tom1 = "Война и мир. Том 1"
    static let catalog = testCatalog + [
        Product(id: 6, title: Titles.nfc, description: "", isAvailable: false),
        Product(id: 7, title: Titles.idiot, description: "", isAvailable: false),
    ]

    /// Every byte percent-encoded, so the title arrives exactly as written (NFD stays NFD).
    static func encoded(_ title: String) -> String {
        title.utf8.map { String(format: "%%%02X", $0) }.joined()
    }

    static func explain(_ running: RunningMonitor, _ customer: Int32, _ title: String) async throws -> [String: Any] {
        let reply = try await TestHTTP.get(running.url + "/administration/explain?customer=\(customer)&title=\(encoded(title))")
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.header("content-type") == "application/json; charset=utf-8")
        return try #require(try reply.json() as? [String: Any])
    }

    static func product(_ running: RunningMonitor, _ id: Int32) async throws -> [String: Any] {
        let reply = try await TestHTTP.get(running.url + "/administration/explain?product=\(id)")
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(try reply.json() as? [String: Any])
    }

    static func flip(_ running: RunningMonitor, _ id: Int32) async throws {
        let reply = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/\(id)?isAvailable=true")
        #expect(reply.status == 200, "\(reply.text)")
    }

    @Test("each reason of the list, through the API, from bookings the API made")
    func everyReason() async throws {
        let monitor = try await makeMonitor(.inMemory, catalog: Self.catalog)
        try await RunningMonitor.with(monitor) { running in
            let push = #"[{"Title":"\#(Self.tom1)","Customers":[{"CustomerId":1},{"CustomerId":2},{"CustomerId":3},{"CustomerId":4},{"CustomerId":5}]}]"#
            let pushed = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: push)
            #expect(pushed.status == 200)
            // Product 1 goes to 1; delivered; made available again it goes to 2 (1 is booked from
            // this snapshot); again, to 3 (2's event is pending: the Orchestrator is unreachable).
            try await Self.flip(running, 1)
            let first = try #require(await monitor.snapshotNow().outbox.first { $0.booking.customerId == 1 })
            try await monitor.markDelivered(sequence: first.booking.sequence)
            try await Self.flip(running, 1)
            try await Self.flip(running, 1)

            let one = try await Self.explain(running, 1, Self.tom1)
            #expect(one["reason"] as? String == "booked-from-this-snapshot")
            let two = try await Self.explain(running, 2, Self.tom1)
            #expect(two["reason"] as? String == "event-pending")
            #expect(two["product"] as? Int == 1)
            let three = try await Self.explain(running, 3, Self.tom1)
            #expect(three["reason"] as? String == "booked")
            #expect(three["product"] as? Int == 1 && three["bookedAt"] is String)
            #expect(["pending", "parked"].contains(three["eventState"] as? String))
            let four = try await Self.explain(running, 4, Self.tom1)
            #expect(four["reason"] as? String == "no-copy-available")
            #expect(four["copies"] as? Int == 3 && four["available"] as? Int == 0 && four["position"] as? Int == 4)

            await monitor.setPaused(true)
            try await Self.flip(running, 2)
            let paused = try await Self.explain(running, 4, Self.tom1)
            #expect(paused["reason"] as? String == "paused")
            #expect(paused["product"] as? Int == 2 && paused["paused"] as? Bool == true)
            let five = try await Self.explain(running, 5, Self.tom1)
            #expect(five["reason"] as? String == "waiting-behind")
            #expect(five["ahead"] as? Int == 1)

            let stranger = try await Self.explain(running, 99, Self.tom1)
            #expect(stranger["reason"] as? String == "not-queued")
            let foreign = try await Self.explain(running, 1, "Не наш")
            #expect(foreign["reason"] as? String == "title-not-carried")
            #expect(foreign["nearMatch"] == nil)

            // Product 2: available, held by the pause, for customer 4; 1, 2 and 3 skipped.
            let held = try await Self.product(running, 2)
            #expect(held["status"] as? String == "available" && held["next"] as? Int == 4)
            let skipped = try #require(held["skipped"] as? [[String: Any]])
            #expect(skipped.map { $0["customer"] as? Int } == [1, 2, 3])
            #expect(skipped.map { $0["reason"] as? String } == ["booked-from-this-snapshot", "event-pending", "event-pending"])
            let booked = try await Self.product(running, 1)
            #expect(booked["status"] as? String == "booked" && booked["holder"] as? Int == 3 && booked["since"] is String)
            let off = try await Self.product(running, 3)
            #expect(off["status"] as? String == "unavailable")
        }
    }

    @Test("title-not-carried names the near match: NFD against NFC, case, trailing space",
          arguments: [(Titles.nfd, Titles.nfc, "Unicode form"), ("идиот", Titles.idiot, "case"),
                      (Titles.idiotSpace, Titles.idiot, "spacing")])
    func nearMatch(_ asked: String, _ carried: String, _ differs: String) async throws {
        let monitor = try await makeMonitor(.inMemory, catalog: Self.catalog)
        try await RunningMonitor.with(monitor) { running in
            let answer = try await Self.explain(running, 1, asked)
            #expect(answer["reason"] as? String == "title-not-carried")
            #expect((answer["title"] as? String).map(Titles.bytes) == Titles.bytes(asked), "the title's bytes come back")
            #expect((answer["nearMatch"] as? String).map(Titles.bytes) == Titles.bytes(carried))
            #expect(answer["nearMatchDiffers"] as? String == differs)
        }
        // The title as carried, byte for byte, is carried: not-queued, not a near match.
        let exact = await monitor.explain(customer: 1, title: carried)
        #expect(exact.reason == .notQueued && exact.nearMatch == nil)
    }

    @Test("bad questions: 400 problem+json naming the parameter; an unknown product 404",
          arguments: [("customer=abc&title=x", 400, "customer"), ("customer=1", 400, "title"),
                      ("customer=1&title=", 400, "title"), ("", 400, "customer"), ("title=x", 400, "customer"),
                      ("customer=2147483648&title=x", 400, "customer"), ("product=x", 400, "product"),
                      ("product=1&customer=1", 400, "customer"), ("product=1&title=x", 400, "title"),
                      ("product=99999", 404, "product")])
    func badQuestions(_ query: String, _ status: Int, _ field: String) async throws {
        let monitor = try await makeMonitor(.inMemory, catalog: Self.catalog)
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.get(running.url + "/administration/explain?" + query)
            #expect(reply.status == status, "\(query): \(reply.text)")
            #expect(reply.header("content-type") == "application/problem+json")
            let problem = try #require(try reply.json() as? [String: Any])
            #expect(problem["field"] as? String == field, "\(query): \(reply.text)")
        }
    }
}
