import Foundation
import OrchestratorSimulator
import Testing

/// order-event's answers: repeats dropped by key, 500 as the original, 4xx for bad input.
@Suite("Simulator events and bad input", .serialized)
struct SimulatorEventTests {
    @Test("a repeated Idempotency-Key answers 200, applies nothing and pushes nothing")
    func idempotent() async throws {
        let receiver = PushReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        try await RunningSimulator.with(monitors: [receiver.url]) { simulator, url in
            try await addOrder(url, #"{"CustomerId":1,"Title":"Идиот"}"#)
            try await addOrder(url, #"{"CustomerId":2,"Title":"Идиот"}"#)
            #expect(try await orderEvent(url, customer: 1, title: "Идиот", key: "booking-1").status == 200)
            let pushes = receiver.bodies.count
            for _ in 1...3 {
                #expect(try await orderEvent(url, customer: 1, title: "Идиот", key: "booking-1").status == 200)
            }
            #expect(receiver.bodies.count == pushes)
            #expect(try await allOrders(url).map(\.priority) == [1, 0])
            #expect(simulator.orderBook.repeats == 3)
            #expect(simulator.orderBook.events.count == 1)
            // A new key for the same pair is a new booking.
            #expect(try await orderEvent(url, customer: 1, title: "Идиот", key: "booking-2").status == 200)
            #expect(try await allOrders(url).map(\.priority) == [2, 0])
        }
    }

    @Test("500 problem+json when no order, or more than one, matches (customer, title)")
    func unmatched() async throws {
        try await RunningSimulator.with(monitors: []) { simulator, url in
            let none = try await orderEvent(url, customer: 9, title: "Идиот", key: "k")
            #expect(none.status == 500)
            #expect(none.header("content-type") == "application/problem+json")
            #expect((try none.json() as? [String: Any])?["detail"] as? String == "no order for customer 9 and title «Идиот»; exactly one must match")
            try await addOrder(url, #"{"CustomerId":9,"Title":"Идиот"}"#)
            try await addOrder(url, #"{"CustomerId":9,"Title":"Идиот"}"#)
            let two = try await orderEvent(url, customer: 9, title: "Идиот", key: "k")
            #expect(two.status == 500)
            #expect(((try two.json() as? [String: Any])?["detail"] as? String)?.hasPrefix("2 orders") == true)
            #expect(simulator.orderBook.events.isEmpty)
            #expect(try await allOrders(url).map(\.priority) == [0, 0])
        }
    }

    @Test("bad input is 400 problem+json naming the field, and changes nothing",
          arguments: [
              (#"{"Title":"Идиот"}"#, "CustomerId"),
              (#"{"CustomerId":"one","Title":"Идиот"}"#, "CustomerId"),
              (#"{"CustomerId":3000000000,"Title":"Идиот"}"#, "CustomerId"),
              (#"{"CustomerId":1.5,"Title":"Идиот"}"#, "CustomerId"),
              (#"{"CustomerId":null,"Title":"Идиот"}"#, "CustomerId"),
              (#"{"CustomerId":1}"#, "Title"),
              (#"{"CustomerId":1,"Title":7}"#, "Title"),
              (#"{"CustomerId":1,"Title":"  "}"#, "Title"),
              (#"[{"CustomerId":1,"Title":"Идиот"}]"#, nil),
              (#"{"CustomerId":1,"Title":"Идиот""#, nil),
              ("", nil),
          ] as [(String, String?)])
    func badInput(body: String, field: String?) async throws {
        try await RunningSimulator.with(monitors: []) { simulator, url in
            for path in ["add-new-order", "order-event"] {
                let reply = try await TestHTTP.request(.POST, url + "/orchestrator/" + path, body: body)
                #expect(reply.status == 400, "\(path) \(body)")
                #expect(reply.header("content-type") == "application/problem+json")
                let problem = try reply.json() as? [String: Any] ?? [:]
                #expect(problem["field"] as? String == field, "\(path) \(body): \(reply.text)")
                #expect((problem["detail"] as? String)?.isEmpty == false)
            }
            #expect(simulator.orderBook.orders.isEmpty)
        }
    }

    @Test("an unknown route is a 404 problem+json")
    func unknownRoute() async throws {
        try await RunningSimulator.with(monitors: []) { _, url in
            let reply = try await TestHTTP.get(url + "/orchestrator/nope")
            #expect(reply.status == 404)
            #expect(reply.header("content-type") == "application/problem+json")
        }
    }
}
