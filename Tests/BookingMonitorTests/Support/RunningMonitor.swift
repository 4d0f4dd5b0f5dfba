import AsyncHTTPClient
import BookingCore
import BookingServer
import Foundation
import Logging
import ServiceLifecycle

/// A monitor served for real: the HTTP API on a loopback port and the Orchestrator link,
/// as the executable runs them, inside the test process.
struct RunningMonitor {
    let monitor: Monitor
    let link: OrchestratorLink
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    /// `standIn`, when given, is the Orchestrator: the link talks to it, and it pushes to this
    /// monitor from the first resync on.
    static func with<T>(_ monitor: Monitor, orchestrator: String = "http://127.0.0.1:1",
                        standIn: OrchestratorStandIn? = nil,
                        configure: (inout LinkConfiguration) -> Void = { _ in },
                        clock: (any BookingClock)? = nil,
                        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                        maxBody: Int = 64 << 20,
                        token: String? = nil, tokenReads: Bool = false,
                        server: (inout ServerConfiguration) -> Void = { _ in },
                        sweepInterval: Double? = 1,
                        _ body: (RunningMonitor) async throws -> T) async throws -> T {
        var configuration = LinkConfiguration(orchestrator: standIn?.url ?? orchestrator, group: "test")
        configuration.attemptTimeout = 2
        configuration.backoff = Backoff(base: 0.02, cap: 0.2)
        configure(&configuration)
        var serverConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0, maxBody: maxBody,
                                                      token: token, tokenReads: tokenReads)
        server(&serverConfiguration)
        // The executable's wiring, sweeper included.
        let wired = MonitorServices(monitor: monitor, client: TestHTTP.client, link: configuration,
                                    server: serverConfiguration, sweepInterval: sweepInterval, clock: clock,
                                    random: random, logger: quietLogger)
        let link = wired.link, readiness = wired.readiness
        standIn?.setMonitor(listeningAt: readiness)
        let group = ServiceGroup(configuration: .init(services: wired.services, logger: quietLogger))
        let runner = Task { try await group.run() }
        defer { runner.cancel() }
        let deadline = Date().addingTimeInterval(20)
        while readiness.boundPort == nil, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        guard let port = readiness.boundPort else { throw CancellationError() }
        let result: T
        do {
            result = try await body(RunningMonitor(monitor: monitor, link: link, port: port))
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await runner.value
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = try? await runner.value
        return result
    }
}
