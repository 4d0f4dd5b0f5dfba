import Foundation
import ServiceLifecycle

/// Customers placing orders: every `orderEvery` seconds, a random customer orders a random
/// title of the monitor's catalog, through the Orchestrator's `add-new-order`.
///
/// A (customer, title) pair is ordered at most once: the Orchestrator answers 500 to an event
/// that matches two orders, so a repeated pair would park that customer's bookings.
struct OrderGenerator: Service {
    let generators: DemoGenerators

    func run() async throws {
        let configuration = generators.configuration
        let placed = PlacedOrders()
        await generators.tick(every: configuration.orderEvery) {
            do {
                let titles = Set(try await DemoHTTP.products(generators.client, monitor: configuration.monitor).map(\.title))
                guard let (customer, title) = await placed.pick(titles: titles, customers: configuration.customers) else {
                    return // every customer has ordered every title
                }
                let body = try JSONSerialization.data(withJSONObject: ["CustomerId": Int(customer), "Title": title])
                _ = try await DemoHTTP.send(generators.client, .POST, configuration.orchestrator + "/orchestrator/add-new-order",
                                            json: body)
                await placed.insert(customer: customer, title: title)
                generators.counts.withLock { $0.orders += 1 }
            } catch {
                generators.failed("order not placed: \(error)")
            }
        }
    }
}

/// The pairs already ordered, so none is ordered twice.
actor PlacedOrders {
    private var pairs: Set<Pair> = []

    struct Pair: Hashable {
        var customer: Int32
        var title: String
    }

    func pick(titles: Set<String>, customers: Int32) -> (Int32, String)? {
        let open = titles.sorted().flatMap { title in
            (1...max(1, customers)).compactMap { customer in
                pairs.contains(Pair(customer: customer, title: title)) ? nil : Pair(customer: customer, title: title)
            }
        }
        return open.randomElement().map { ($0.customer, $0.title) }
    }

    func insert(customer: Int32, title: String) {
        pairs.insert(Pair(customer: customer, title: title))
    }
}
