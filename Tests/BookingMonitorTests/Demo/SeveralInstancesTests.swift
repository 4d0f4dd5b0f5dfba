import Foundation
import Testing

/// Two real monitor processes with disjoint catalogs (`examples/`), one real simulator process
/// fanning out to both: each books only its own products, both see every queue, and the
/// simulator's queues agree with the events it received.
@Suite("Several instances, one Orchestrator simulator", .serialized)
struct SeveralInstancesTests {
    struct CatalogProduct: Decodable {
        var id: Int
        var title: String
    }

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    static func catalog(_ name: String) throws -> (path: String, products: [CatalogProduct]) {
        let path = examples.appendingPathComponent(name).path
        return (path, try JSONDecoder().decode([CatalogProduct].self, from: Data(contentsOf: URL(fileURLWithPath: path))))
    }

    static func json(_ url: String) async throws -> [[String: Any]] {
        try await TestHTTP.get(url).json() as? [[String: Any]] ?? []
    }

    @Test("bookings land only on the owning instance; queues match the events received")
    func twoMonitors() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let a = try Self.catalog("catalog-a.json"), b = try Self.catalog("catalog-b.json")
        #expect(Set(a.products.map(\.title)).isDisjoint(with: b.products.map(\.title)), "the example catalogs are disjoint")
        let (simulatorPort, portA, portB) = (try OrchestratorStandIn.freePort(), try OrchestratorStandIn.freePort(),
                                             try OrchestratorStandIn.freePort())
        let simulator = "http://127.0.0.1:\(simulatorPort)"
        let monitorA = "http://127.0.0.1:\(portA)", monitorB = "http://127.0.0.1:\(portB)"

        let orchestrator = try ChildProcess(["orchestrator", "--port", "\(simulatorPort)", "--monitor", monitorA,
                                             "--monitor", monitorB], logTo: dir.file("orchestrator.log"))
        defer { _ = orchestrator.terminate() }
        try await eventually("simulator listening") {
            (try? await TestHTTP.get(simulator + "/orchestrator/get-all-orders"))?.status == 200
        }
        func monitor(_ group: String, port: Int, catalog: String) throws -> ChildProcess {
            try ChildProcess(["--headless", "--port", "\(port)", "--db", dir.file("\(group).sqlite"), "--catalog", catalog,
                              "--group", group, "--orchestrator", simulator], logTo: dir.file("\(group).log"))
        }
        let processA = try monitor("a", port: portA, catalog: a.path)
        defer { _ = processA.terminate() }
        let processB = try monitor("b", port: portB, catalog: b.path)
        defer { _ = processB.terminate() }
        for url in [monitorA, monitorB] {
            try await eventually("\(url) ready") { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }
        }

        // Three customers queue for every title of both catalogs.
        let titles = Array(Set(a.products.map(\.title) + b.products.map(\.title))).sorted()
        for title in titles {
            for customer in 1...3 {
                let reply = try await addOrder(simulator, #"{"CustomerId":\#(customer),"Title":"\#(title)"}"#)
                #expect(reply.status == 200)
            }
        }
        // Each instance shows every queue, its own titles and the other's.
        for url in [monitorA, monitorB] {
            try await eventually("\(url) has every queue") {
                let queues = try await Self.json(url + "/administration/get-queues-list")
                return Set(queues.compactMap { $0["title"] as? String }) == Set(titles)
                    && queues.allSatisfy { ($0["customers"] as? [Any])?.count == 3 }
            }
        }

        // Stock arrives for every product, each on its own instance.
        for (url, catalog) in [(monitorA, a), (monitorB, b)] {
            for product in catalog.products {
                let reply = try await TestHTTP.request(.PUT, url + "/administration/switch-state/\(product.id)?isAvailable=true")
                #expect(reply.status == 200)
            }
        }
        let total = a.products.count + b.products.count
        try await eventually("every product booked and its event received", within: 60) {
            try await Self.json(simulator + "/orchestrator/get-all-events").count >= total
        }
        for url in [monitorA, monitorB] {
            try await eventually("\(url) outbox drained") {
                (try? await TestHTTP.get(url + "/administration/link").json() as? [String: Any])?["pending"] as? Int == 0
            }
            let products = try await Self.json(url + "/administration/get-products")
            #expect(products.allSatisfy { $0["isAvailable"] as? Bool == false }, "\(url): every product booked")
        }

        let events = try await Self.json(simulator + "/orchestrator/get-all-events")
        #expect(events.count == total, "one event per product: nothing booked twice, nothing lost")
        let owners: [String: [Int: String]] = [
            "a": Dictionary(uniqueKeysWithValues: a.products.map { ($0.id, $0.title) }),
            "b": Dictionary(uniqueKeysWithValues: b.products.map { ($0.id, $0.title) }),
        ]
        for event in events {
            let group = event["Group"] as? String ?? "?"
            let product = event["ProductId"] as? Int ?? -1
            #expect(owners[group]?[product] != nil, "group \(group) booked product \(product), which it does not own")
            #expect(owners[group]?[product] == event["Title"] as? String, "the booked product carries the event's title")
        }
        #expect(Set(events.compactMap { $0["ProductId"] as? Int }).count == total, "each product booked once")
        #expect(events.count(where: { $0["Group"] as? String == "a" }) == a.products.count)
        #expect(events.count(where: { $0["Group"] as? String == "b" }) == b.products.count)

        // The simulator's queues are consistent with the events it received...
        let orders = try await Self.json(simulator + "/orchestrator/get-all-orders")
        #expect(orders.count == titles.count * 3)
        for order in orders {
            let received = events.count {
                $0["CustomerId"] as? Int == order["CustomerId"] as? Int && $0["Title"] as? String == order["Title"] as? String
            }
            #expect(order["Priority"] as? Int == received, "order \(order): priority = events received for it")
        }
        // ...and both monitors hold the simulator's latest queues, head first.
        let expected = Dictionary(grouping: orders, by: { $0["Title"] as? String ?? "" }).mapValues { list in
            list.sorted { ($0["Priority"] as? Int ?? 0, $0["Id"] as? Int ?? 0) < ($1["Priority"] as? Int ?? 0, $1["Id"] as? Int ?? 0) }
                .map { $0["CustomerId"] as? Int ?? -1 }
        }
        for url in [monitorA, monitorB] {
            try await eventually("\(url) holds the latest queues") {
                let queues = try await Self.json(url + "/administration/get-queues-list")
                let held = Dictionary(uniqueKeysWithValues: queues.map {
                    ($0["title"] as? String ?? "", ($0["customers"] as? [[String: Any]] ?? []).map { $0["customerId"] as? Int ?? -1 })
                })
                return held == expected
            }
        }
        for process in [processA, processB, orchestrator] {
            #expect(process.terminate() == 0, "\(process.log.suffix(1500))")
        }
    }
}
