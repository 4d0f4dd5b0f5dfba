import BookingCore
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import Prometheus
import Synchronization

/// Where the monitor listens and how much it accepts.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Larger request bodies get `413`.
    public var maxBody: Int
    /// Bearer token required by state-changing requests; nil leaves them open.
    public var token: String?
    /// With a token: require it for reads as well.
    public var tokenReads: Bool
    /// Seconds a connection may sit with no request in progress before it is closed; nil: never.
    public var idleTimeout: Double?
    /// Seconds a request's headers may take from its first byte; nil: no limit.
    public var headerTimeout: Double?
    /// Open client connections at most (see `ConnectionCap`); nil: no cap.
    public var maxConnections: Int?

    /// The timeouts' defaults are Kestrel's (the original monitor ran on it): keep-alive 130 s,
    /// request headers 30 s. The Orchestrator's .NET client drops pooled connections idle for
    /// a minute or two, so it lets go first.
    public init(host: String = "127.0.0.1", port: Int = 5039, maxBody: Int = 64 << 20,
                token: String? = nil, tokenReads: Bool = false,
                idleTimeout: Double? = 130, headerTimeout: Double? = 30, maxConnections: Int? = 1000) {
        self.host = host
        self.port = port
        self.maxBody = maxBody
        self.token = token
        self.tokenReads = tokenReads
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.maxConnections = maxConnections
    }
}

/// `GET /health/ready` answers 200 once the store is open and the server listens.
public final class Readiness: Sendable {
    private let state = Mutex<Int?>(nil)
    public init() {}
    /// The port the server is bound to, once it is.
    public var boundPort: Int? { state.withLock { $0 } }
    func listening(on port: Int) { state.withLock { $0 = port } }
}

/// The monitor's HTTP endpoint: the Orchestrator contract, health, link and metrics.
public enum HTTPServer {
    public static func make(monitor: Monitor, link: OrchestratorLink?, configuration: ServerConfiguration,
                            readiness: Readiness, metrics: PrometheusCollectorRegistry?,
                            logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        // Metrics outermost, so it counts the status the client gets (a problem's 404, not a 500).
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        if let token = configuration.token {
            router.add(middleware: TokenMiddleware(token: token, protectReads: configuration.tokenReads))
        }
        AdministrationRoutes(monitor: monitor, maxBody: configuration.maxBody).register(on: router)
        LinkRoutes(monitor: monitor, link: link).register(on: router)
        ExplainRoutes(monitor: monitor).register(on: router)
        HistoryRoutes(monitor: monitor).register(on: router)
        router.get("health/live") { _, _ in try JSONCoding.response(["status": "live"]) }
        router.get("health/ready") { _, _ in
            guard readiness.boundPort != nil else { throw Problem(.serviceUnavailable, "not listening yet") }
            if let since = monitor.storeHealth.failingSince {
                throw Problem(.serviceUnavailable, "the store takes no writes since \(since) (see /administration/link and the log)")
            }
            return try JSONCoding.response(["status": "ready"])
        }
        OpenAPIRoute.register(on: router)
        if let metrics {
            router.get("metrics") { _, _ in
                var buffer: [UInt8] = []
                metrics.emit(into: &buffer)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
            }
        }
        let seconds = { (value: Double) in TimeAmount.nanoseconds(Int64(value * 1_000_000_000)) }
        let server = HTTPServerBuilder.guarded(
            limits: .init(maxBody: configuration.maxBody, headerTimeout: configuration.headerTimeout.map(seconds),
                          tooLarge: { [maxBody = configuration.maxBody] path, declared in
                              guard path.hasPrefix("/administration/set-queue") else { return }
                              let detail = RequestGate.tooLargeDetail(declared, maxBody: maxBody)
                              Task { await monitor.refusePush(.tooLarge, detail) }
                          }),
            idleTimeout: configuration.idleTimeout.map(seconds),
            cap: configuration.maxConnections.map { ConnectionCap(limit: $0) })
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                readiness.listening(on: channel.localAddress?.port ?? configuration.port)
                logger.info("listening on http://\(configuration.host):\(channel.localAddress?.port ?? configuration.port)")
            },
            logger: logger
        )
    }
}
