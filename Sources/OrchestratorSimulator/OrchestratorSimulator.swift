import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A stand-in for the Orchestrator, for development and demos: the original's four endpoints
/// and behaviour (see docs and `SimulatorRoutes`), state in memory, pushes fanned out to every
/// monitor in `monitors`.
public final class OrchestratorSimulator: Service, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; `boundPort` tells which.
        public var port: Int
        /// Base URLs of the monitors to push queues to, e.g. `http://localhost:5039`.
        public var monitors: [String]
        /// Per-monitor timeout of one set-queue push, in seconds.
        public var pushTimeout: Double

        public init(host: String = "127.0.0.1", port: Int = 5012, monitors: [String] = ["http://localhost:5039"],
                    pushTimeout: Double = 5) {
            self.host = host
            self.port = port
            self.monitors = monitors
            self.pushTimeout = pushTimeout
        }
    }

    public let configuration: Configuration
    let book = Mutex(OrderBook())
    let fanout: QueueFanout
    let logger: Logger
    private let bound = Mutex<Int?>(nil)

    /// A client that fails at once when a monitor refuses the connection, instead of retrying
    /// until the push timeout: one monitor that is down must not stall every event. Never shut
    /// down, like `HTTPClient.shared`.
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(2)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init(configuration: Configuration, client: HTTPClient = OrchestratorSimulator.client, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        fanout = QueueFanout(monitors: configuration.monitors, client: client, timeout: configuration.pushTimeout,
                             logger: logger)
    }

    /// The port it listens on, once it does.
    public var boundPort: Int? { bound.withLock { $0 } }

    /// A copy of the orders, queues and applied events at this instant.
    public var orderBook: OrderBook { book.withLock { $0 } }

    /// How many events were applied, without copying the orders.
    public var eventCount: Int { book.withLock { $0.events.count } }

    /// The queues at this instant, without copying the orders.
    var queues: [OrderBook.Queue] { book.withLock { $0.queues } }

    public func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SimulatorProblemMiddleware())
        SimulatorRoutes(simulator: self).register(on: router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? self.configuration.port
                self.bound.withLock { $0 = port }
                self.logger.info("orchestrator simulator on http://\(self.configuration.host):\(port), pushing to \(self.configuration.monitors.joined(separator: ", "))")
            },
            logger: logger)
        try await app.run()
    }

    // MARK: The Orchestrator's operations (the routes call these)

    /// Adds an order and pushes the queues before returning.
    public func addOrder(customer: Int32, title: String) async -> OrderBook.Order {
        let order = book.withLock { $0.add(customer: customer, title: title) }
        logger.info("new order #\(order.id): customer \(customer) «\(title)»")
        await fanout.push(current: { self.queues }, reason: "new order #\(order.id)")
        return order
    }

    /// Adds many orders at once (a big shop's standing orders, a bench), then pushes once.
    public func addOrders(_ orders: [(customer: Int32, title: String)]) async {
        book.withLock { $0.add(contentsOf: orders) }
        await fanout.push(current: { self.queues }, reason: "\(orders.count) orders added")
    }

    /// Applies a booking event; when it changed something, pushes the queues before returning.
    public func receiveEvent(key: String?, customer: Int32, title: String, productId: Int32? = nil,
                             group: String? = nil) async -> OrderBook.EventOutcome {
        let outcome = book.withLock {
            $0.apply(key: key, customer: customer, title: title, productId: productId, group: group)
        }
        let from = [group.map { "group \($0)" }, productId.map { "product \($0)" }, key.map { "key \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        switch outcome {
        case .applied(let order):
            logger.info("order-event: customer \(customer) «\(title)» booked (\(from)); to the back, priority \(order.priority)")
            await fanout.push(current: { self.queues }, reason: "order-event for customer \(customer) «\(title)»")
        case .repeated:
            logger.info("order-event: repeated key \(key ?? ""), dropped (customer \(customer) «\(title)»)")
        case .unmatched(let count):
            logger.warning("order-event: \(count) orders match customer \(customer) «\(title)»; answering 500 (\(from))")
        }
        return outcome
    }

    /// `request-to-monitoring`: pushes the current queues to every monitor.
    public func pushQueues(reason: String = "request-to-monitoring") async {
        await fanout.push(current: { self.queues }, reason: reason)
    }
}
