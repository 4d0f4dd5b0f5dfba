import BookingCore
import Foundation
import Testing

/// Every client mistake: a 4xx problem+json naming the field, and nothing changes.
@Suite("HTTP bad input")
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var method: NIOHTTP1Method
        var path: String
        var body: String?
        var status: Int
        var field: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown product id", method: .PUT, path: "/administration/switch-state/999?isAvailable=true",
             status: 404, field: "id"),
        Case(name: "non-integer id", method: .PUT, path: "/administration/switch-state/abc?isAvailable=true",
             status: 400, field: "id"),
        Case(name: "id beyond 32 bits", method: .PUT, path: "/administration/switch-state/4294967296?isAvailable=true",
             status: 400, field: "id"),
        Case(name: "isAvailable missing", method: .PUT, path: "/administration/switch-state/1", status: 400,
             field: "isAvailable"),
        Case(name: "isAvailable not a boolean", method: .PUT, path: "/administration/switch-state/1?isAvailable=yes",
             status: 400, field: "isAvailable"),
        Case(name: "malformed JSON", method: .POST, path: "/administration/set-queue", body: #"[{"Title": "#,
             status: 400, field: nil),
        Case(name: "object instead of array", method: .POST, path: "/administration/set-queue",
             body: #"{"Title":"a","Customers":[]}"#, status: 400, field: nil),
        Case(name: "title missing", method: .POST, path: "/administration/set-queue",
             body: #"[{"Customers":[{"CustomerId":1}]}]"#, status: 400, field: "[0].title"),
        Case(name: "customer id a string", method: .POST, path: "/administration/set-queue",
             body: #"[{"Title":"a","Customers":[{"CustomerId":1}]},{"Title":"b","Customers":[{"CustomerId":"x"}]}]"#,
             status: 400, field: "[1].customers[0].customerid"),
        Case(name: "customer id beyond 32 bits", method: .POST, path: "/administration/set-queue",
             body: #"[{"Title":"a","Customers":[{"CustomerId":3000000000}]}]"#, status: 400,
             field: "[0].customers[0].customerid"),
        Case(name: "title repeated", method: .POST, path: "/administration/set-queue",
             body: #"[{"Title":"a","Customers":[]},{"Title":"a","Customers":[]}]"#, status: 400, field: "[1].title"),
        Case(name: "unknown route", method: .GET, path: "/administration/nope", status: 404, field: nil),
    ]

    @Test("rejected with problem+json naming the field; state unchanged", arguments: cases)
    func rejected(_ badCase: Case) async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await monitor.replaceQueues([CustomerQueue(title: "Война и мир. Том 1", customers: [5])])
        let before = await monitor.snapshotNow()
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.request(badCase.method, running.url + badCase.path, body: badCase.body)
            #expect(reply.status == badCase.status)
            #expect(reply.header("Content-Type") == "application/problem+json")
            let problem = try #require(try reply.json() as? [String: Any])
            #expect(problem["status"] as? Int == badCase.status)
            #expect((problem["detail"] as? String)?.isEmpty == false)
            #expect(problem["field"] as? String == badCase.field)
        }
        let after = await monitor.snapshotNow()
        #expect(after.products == before.products)
        #expect(after.queues == before.queues)
        #expect(after.outbox.isEmpty)
    }

    @Test("a body over --max-body gets 413 problem+json and changes nothing")
    func tooLarge() async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, maxBody: 1024) { running in
            let customers = (0..<500).map { #"{"CustomerId":\#($0)}"# }.joined(separator: ",")
            let reply = try await TestHTTP.request(.POST, running.url + "/administration/set-queue",
                                                   body: #"[{"Title":"a","Customers":[\#(customers)]}]"#)
            #expect(reply.status == 413)
            #expect(reply.header("Content-Type") == "application/problem+json")
        }
        #expect(await monitor.queues() == .empty)
    }
}
