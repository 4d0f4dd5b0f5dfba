import BookingCore
import Foundation
import Testing

/// The Orchestrator's contract (../shared/wire-contract.md), over a real loopback server.
@Suite("HTTP wire contract")
struct WireContractTests {
    @Test("get-products: camelCase, declaration order, Cyrillic and CJK as UTF-8")
    func getProducts() async throws {
        let monitor = try await makeMonitor(.inMemory, catalog: [
            Product(id: 1, title: "Война и мир. Том 1", description: "Роман", isAvailable: false),
            Product(id: 2, title: "三体 \"A/B\"", description: "科幻\n", isAvailable: true),
        ])
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.get(running.url + "/administration/get-products")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(reply.text == #"[{"id":1,"title":"Война и мир. Том 1","description":"Роман","isAvailable":false},"#
                + #"{"id":2,"title":"三体 \"A/B\"","description":"科幻\n","isAvailable":true}]"#)
        }
    }

    @Test("set-queue accepts PascalCase and camelCase; get-queues-list answers camelCase, titles byte for byte",
          arguments: [
              #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":1},{"CustomerId":3}]},{"Title":"Война и мир. Том 2","Customers":[{"CustomerId":2}]}]"#,
              #"[{"title":"Война и мир. Том 1","customers":[{"customerId":1},{"customerId":3}]},{"TITLE":"Война и мир. Том 2","cUsToMeRs":[{"customerid":2}]}]"#,
          ])
    func setQueueBothCases(body: String) async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor) { running in
            let set = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: body)
            #expect(set.status == 200)
            #expect(set.body.isEmpty)
            let list = try await TestHTTP.get(running.url + "/administration/get-queues-list")
            #expect(list.text == #"[{"title":"Война и мир. Том 1","customers":[{"customerId":1},{"customerId":3}]},"#
                + #"{"title":"Война и мир. Том 2","customers":[{"customerId":2}]}]"#)
        }
    }

    @Test("a title in decomposed Unicode comes back in the same bytes")
    func titleBytesRoundTrip() async throws {
        let title = "Ёлка e\u{301} 𝄞"
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor) { running in
            let body = #"[{"Title":""# + title + #"","Customers":[]}]"#
            #expect(try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: body).status == 200)
            let list = try await TestHTTP.get(running.url + "/administration/get-queues-list")
            #expect(Array(list.body) == Array(#"[{"title":""#.utf8) + Array(title.utf8) + Array(#"","customers":[]}]"#.utf8))
        }
    }

    @Test("switch-state: 200 with an empty body; isAvailable in any case, like ASP.NET",
          arguments: [("true", true), ("True", true), ("FALSE", false), ("false", false)])
    func switchState(value: String, expected: Bool) async throws {
        let monitor = try await makeMonitor(.inMemory)
        if !expected { try await monitor.setAvailability(productId: 3, isAvailable: true) }
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/3?isAvailable=\(value)")
            #expect(reply.status == 200)
            #expect(reply.body.isEmpty)
            #expect(await monitor.product(id: 3)?.isAvailable == expected)
        }
    }

    @Test("health: live at once, ready once listening")
    func health() async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor) { running in
            let live = try await TestHTTP.get(running.url + "/health/live")
            let ready = try await TestHTTP.get(running.url + "/health/ready")
            #expect(live.status == 200 && ready.status == 200)
        }
    }
}
