import Foundation
import ServiceLifecycle

/// Stock arriving: every `stockEvery` seconds, a random unavailable product of the monitor is
/// made available through `PUT switch-state/{id}?isAvailable=true`. If its title has a queue,
/// the monitor books it at once.
struct StockGenerator: Service {
    let generators: DemoGenerators

    func run() async throws {
        let configuration = generators.configuration
        await generators.tick(every: configuration.stockEvery) {
            do {
                let products = try await DemoHTTP.products(generators.client, monitor: configuration.monitor)
                guard let product = products.filter({ !$0.isAvailable }).randomElement() else { return }
                _ = try await DemoHTTP.send(generators.client, .PUT,
                                            configuration.monitor + "/administration/switch-state/\(product.id)?isAvailable=true")
                generators.counts.withLock { $0.stock += 1 }
                generators.logger.info("demo: stock arrived: product \(product.id) «\(product.title)»")
            } catch {
                generators.failed("stock not delivered: \(error)")
            }
        }
    }
}
