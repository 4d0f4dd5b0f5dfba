import Foundation
import OrchestratorSimulator
import Testing

/// The simulator over real HTTP on loopback, pushing to a real receiver: what goes on the wire.
@Suite("Simulator wire format", .serialized)
struct SimulatorWireTests {
    @Test("add-new-order reads keys in any case; the push is PascalCase, byte for byte")
    func pascalCasePush() async throws {
        let receiver = PushReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        try await RunningSimulator.with(monitors: [receiver.url]) { _, url in
            let first = try await addOrder(url, #"{"customerid":1,"title":"Война и мир. Том 1"}"#)
            #expect(first.status == 200)
            #expect(first.text == #"{"Id":1,"CustomerId":1,"Title":"Война и мир. Том 1","Priority":0}"#)
            #expect(try await addOrder(url, #"{"CUSTOMERID":2,"Title":"Война и мир. Том 2","extra":[1,{"x":null}]}"#).status == 200)
            #expect(try await addOrder(url, #"{"Title":"Война и мир. Том 1","customerId":3}"#).status == 200)
            #expect(receiver.bodies.count == 3, "each new order is pushed before add-new-order answers")
            #expect(receiver.bodies.last == #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":1},{"CustomerId":3}]},{"Title":"Война и мир. Том 2","Customers":[{"CustomerId":2}]}]"#)
            let orders = try await TestHTTP.get(url + "/orchestrator/get-all-orders")
            #expect(orders.status == 200)
            #expect(orders.header("content-type")?.hasPrefix("application/json") == true)
            #expect(orders.text == #"[{"Id":1,"CustomerId":1,"Title":"Война и мир. Том 1","Priority":0},{"Id":2,"CustomerId":2,"Title":"Война и мир. Том 2","Priority":0},{"Id":3,"CustomerId":3,"Title":"Война и мир. Том 1","Priority":0}]"#)
        }
    }

    @Test("request-to-monitoring pushes the current queues to every monitor, then answers 200")
    func requestToMonitoring() async throws {
        let first = PushReceiver(), second = PushReceiver()
        try await first.start()
        try await second.start()
        defer { Task { await first.stop(); await second.stop() } }
        try await RunningSimulator.with(monitors: [first.url, second.url]) { _, url in
            let empty = try await TestHTTP.get(url + "/orchestrator/request-to-monitoring")
            #expect(empty.status == 200)
            #expect(first.bodies == ["[]"])
            try await addOrder(url, #"{"CustomerId":5,"Title":"三体"}"#)
            #expect(try await TestHTTP.get(url + "/orchestrator/request-to-monitoring").status == 200)
            for receiver in [first, second] {
                #expect(receiver.bodies.last == #"[{"Title":"三体","Customers":[{"CustomerId":5}]}]"#)
            }
            #expect(second.bodies.count == 3)
        }
    }

    @Test("order-event moves the customer to the back and pushes the rotated queue")
    func rotation() async throws {
        let receiver = PushReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        try await RunningSimulator.with(monitors: [receiver.url]) { _, url in
            for customer in 1...3 { try await addOrder(url, #"{"CustomerId":\#(customer),"Title":"Идиот"}"#) }
            #expect(try await orderEvent(url, customer: 1, title: "Идиот", key: "a").status == 200)
            #expect(receiver.pushes.last?.first?.customers == [2, 3, 1])
            // The monitor's own event body: PascalCase with extra fields, bound case-insensitively.
            let event = try await TestHTTP.request(
                .POST, url + "/orchestrator/order-event",
                body: #"{"customerId":2,"title":"Идиот","BookingId":"b","ProductId":42,"BookedAt":"2025-01-01T00:00:00Z","Group":"a"}"#,
                headers: [("Idempotency-Key", "b")])
            #expect(event.status == 200)
            #expect(event.body.isEmpty)
            #expect(receiver.pushes.last?.first?.customers == [3, 1, 2])
            #expect(try await allOrders(url).map(\.priority) == [1, 1, 0])
            let events = try await TestHTTP.get(url + "/orchestrator/get-all-events").json() as? [[String: Any]] ?? []
            #expect(events.count == 2)
            #expect(events.last?["ProductId"] as? Int == 42)
            #expect(events.last?["Group"] as? String == "a")
        }
    }

    @Test("the event's push is answered by the monitor before the event is answered")
    func pushBeforeAnswer() async throws {
        let receiver = PushReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        try await RunningSimulator.with(monitors: [receiver.url]) { _, url in
            try await addOrder(url, #"{"CustomerId":1,"Title":"Идиот"}"#)
            let before = receiver.bodies.count
            receiver.state.withLock { $0.journal = [] }
            receiver.hold(true)
            let event = Task {
                let reply = try await orderEvent(url, customer: 1, title: "Идиот", key: "k")
                receiver.mark("event answered")
                return reply.status
            }
            try await eventually("the event's push reached the monitor") { receiver.bodies.count == before + 1 }
            // Give a simulator that does not wait every chance to answer early.
            try await Task.sleep(for: .milliseconds(300))
            receiver.hold(false)
            #expect(try await event.value == 200)
            try await eventually("the push answered") { receiver.journal.count == 2 }
            #expect(receiver.journal == ["push answered", "event answered"])
        }
    }

    @Test("concurrent events: pushes never go back in time; the last one is the final state")
    func serializedPushes() async throws {
        let receiver = PushReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        try await RunningSimulator.with(monitors: [receiver.url]) { simulator, url in
            for customer in 1...20 { try await addOrder(url, #"{"CustomerId":\#(customer),"Title":"Книга \#(customer % 3)"}"#) }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for customer in 1...20 {
                    group.addTask { try await orderEvent(url, customer: customer, title: "Книга \(customer % 3)", key: "k\(customer)").status }
                }
                for try await status in group { #expect(status == 200) }
            }
            let final = simulator.orderBook.queues
            #expect(final.flatMap(\.customers).count == 20)
            let last = receiver.pushes.last ?? []
            #expect(last.map(\.title) == final.map(\.title))
            #expect(last.map(\.customers) == final.map { $0.customers.map(Int.init) })
        }
    }

    @Test("a monitor that is down does not fail the event; the others still get the push")
    func monitorDown() async throws {
        let receiver = PushReceiver()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        let down = "http://127.0.0.1:\(try OrchestratorStandIn.freePort())"
        try await RunningSimulator.with(monitors: [down, receiver.url]) { _, url in
            #expect(try await addOrder(url, #"{"CustomerId":1,"Title":"Идиот"}"#).status == 200)
            #expect(try await orderEvent(url, customer: 1, title: "Идиот", key: "k").status == 200)
            #expect(receiver.bodies.count == 2)
            let orders = try await allOrders(url)
            #expect(orders.first?.priority == 1)
        }
    }
}
