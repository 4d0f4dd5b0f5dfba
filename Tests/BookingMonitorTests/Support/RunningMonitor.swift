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

    static func with<T>(_ monitor: Monitor, orchestrator: String = "http://127.0.0.1:1",
                        configure: (inout LinkConfiguration) -> Void = { _ in },
                        clock: any LinkClock = SystemLinkClock(),
                        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                        maxBody: Int = 64 << 20,
                        token: String? = nil, tokenReads: Bool = false,
                        server: (inout ServerConfiguration) -> Void = { _ in },
                        _ body: (RunningMonitor) async throws -> T) async throws -> T {
        var configuration = LinkConfiguration(orchestrator: orchestrator, group: "test")
        configuration.attemptTimeout = 2
        configuration.backoff = Backoff(base: 0.02, cap: 0.2)
        configure(&configuration)
        let readiness = Readiness()
        var serverConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0, maxBody: maxBody,
                                                      token: token, tokenReads: tokenReads)
        server(&serverConfiguration)
        let link = OrchestratorLink(monitor: monitor, client: TestHTTP.client, configuration: configuration,
                                    readiness: readiness, clock: clock, random: random, logger: quietLogger)
        let server = HTTPServer.make(monitor: monitor, link: link,
                                     configuration: serverConfiguration,
                                     readiness: readiness, metrics: nil, logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [server, link], logger: quietLogger))
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
