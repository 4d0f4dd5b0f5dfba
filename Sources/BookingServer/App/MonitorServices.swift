import AsyncHTTPClient
import BookingCore
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// The services of one monitor, wired in one place: the HTTP server, the Orchestrator link and
/// the safety sweep, on the monitor's clock. `run` (the executable), the in-process tests and
/// the bench all start these, so what they exercise is what the executable runs.
public struct MonitorServices: Sendable {
    public let monitor: Monitor
    public let link: OrchestratorLink
    public let readiness: Readiness
    /// Server, link and sweeper, in start order (a service group stops them in reverse).
    public let services: [any Service]

    /// - Parameters:
    ///   - clock: the link's and the sweep's time; nil: the monitor's clock.
    ///   - sweepInterval: seconds between safety sweeps; nil: no sweeper.
    public init(monitor: Monitor, client: HTTPClient, link configuration: LinkConfiguration,
                server: ServerConfiguration, senderRole: (any SenderRole)? = nil,
                metrics: PrometheusCollectorRegistry? = nil, sweepInterval: Double? = 1,
                clock: (any BookingClock)? = nil,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                logger: Logger) {
        let clock = clock ?? monitor.clock
        let readiness = Readiness()
        let link = OrchestratorLink(monitor: monitor, client: client, configuration: configuration,
                                    senderRole: senderRole, readiness: readiness, clock: clock, random: random,
                                    logger: logger)
        let http = HTTPServer.make(monitor: monitor, link: link, configuration: server, readiness: readiness,
                                   metrics: metrics, logger: logger)
        self.monitor = monitor
        self.link = link
        self.readiness = readiness
        self.services = [http, link] + (sweepInterval.map { [Sweeper(monitor: monitor, interval: $0, clock: clock)] } ?? [])
    }
}

/// The safety sweep: booking normally happens the moment something changes; this catches
/// anything a failed write left behind.
public struct Sweeper: Service {
    let monitor: Monitor
    let interval: Double
    let clock: any BookingClock

    public init(monitor: Monitor, interval: Double, clock: any BookingClock) {
        self.monitor = monitor
        self.interval = interval
        self.clock = clock
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await clock.sleep(for: interval)
                await monitor.sweep()
            }
        }
    }
}
