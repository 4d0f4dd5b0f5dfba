import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The demo's load: customers placing orders with the Orchestrator and stock arriving at the
/// monitor, both over HTTP so the demo exercises the real paths. One switch turns both on and
/// off (the console's key calls `toggle()`); it is safe to call from any thread.
public final class DemoGenerators: Sendable {
    public struct Configuration: Sendable {
        /// The Orchestrator (simulator) base URL: orders go to `add-new-order`.
        public var orchestrator: String
        /// The monitor's base URL: titles come from `get-products`, stock goes to `switch-state`.
        public var monitor: String
        /// Seconds between two orders, and between two stock arrivals.
        public var orderEvery: Double
        public var stockEvery: Double
        /// Customer ids are drawn from 1...customers.
        public var customers: Int32

        public init(orchestrator: String, monitor: String, orderEvery: Double = 2, stockEvery: Double = 3,
                    customers: Int32 = 20) {
            self.orchestrator = orchestrator
            self.monitor = monitor
            self.orderEvery = orderEvery
            self.stockEvery = stockEvery
            self.customers = customers
        }
    }

    public struct Counts: Sendable, Equatable {
        public var orders = 0
        public var stock = 0
        public var failures = 0

        public init(orders: Int = 0, stock: Int = 0, failures: Int = 0) {
            self.orders = orders
            self.stock = stock
            self.failures = failures
        }
    }

    public let configuration: Configuration
    let client: HTTPClient
    let logger: Logger
    private let on: Atomic<Bool>
    let counts = Mutex(Counts())

    public init(configuration: Configuration, running: Bool = true, client: HTTPClient = OrchestratorSimulator.client, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        on = Atomic(running)
    }

    /// Whether the generators are producing.
    public var isRunning: Bool { on.load(ordering: .relaxed) }

    /// Flips the generators on or off; returns the new state.
    @discardableResult
    public func toggle() -> Bool {
        let now = !on.load(ordering: .relaxed)
        set(running: now)
        return now
    }

    public func set(running: Bool) {
        on.store(running, ordering: .relaxed)
        logger.info("demo generators \(running ? "on" : "off")")
    }

    /// What the generators have done so far.
    public var done: Counts { counts.withLock { $0 } }

    /// The two loops, to run in the instance's service group.
    public var services: [any Service] {
        [OrderGenerator(generators: self), StockGenerator(generators: self)]
    }

    func tick(every seconds: Double, _ body: @escaping @Sendable () async -> Void) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(seconds))
                if Task.isCancelled { return }
                if self.isRunning { await body() }
            }
        }
    }

    func failed(_ what: String) {
        counts.withLock { $0.failures += 1 }
        logger.debug("demo: \(what)")
    }
}
