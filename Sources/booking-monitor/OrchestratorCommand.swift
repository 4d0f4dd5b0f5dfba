import ArgumentParser
import Foundation
import Logging
import OrchestratorSimulator
import ServiceLifecycle

/// `booking-monitor orchestrator`: the Orchestrator simulator on its own, for development and
/// for running several monitors side by side (one `--monitor` per instance).
struct OrchestratorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator",
        abstract: "Run an Orchestrator simulator: the original's API, queues pushed to every --monitor.",
        discussion: """
            Serves POST /orchestrator/add-new-order, GET /orchestrator/get-all-orders, \
            GET /orchestrator/request-to-monitoring and POST /orchestrator/order-event like the \
            original Orchestrator, keeping orders in memory. Every change pushes the full queue \
            list (PascalCase) to {URL}/administration/set-queue of each --monitor, before the \
            request that caused it is answered. A development and demo tool, not a replacement.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 5012

    @Option(name: .customLong("monitor"),
            help: "A monitor's base URL to push queues to; repeat for several instances (default: http://localhost:5039).")
    var monitors: [String] = []

    @Option(help: "Per-monitor timeout of one set-queue push, in seconds.")
    var pushTimeout: Double = 5

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535, got \(port)") }
        guard pushTimeout > 0 else { throw ValidationError("--push-timeout must be positive, got \(pushTimeout)") }
        for monitor in monitors {
            guard let url = URL(string: monitor), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ValidationError("--monitor must be an http(s) URL such as http://localhost:5039, got \"\(monitor)\"")
            }
        }
    }

    var simulatorConfiguration: OrchestratorSimulator.Configuration {
        OrchestratorSimulator.Configuration(host: host, port: port,
                                            monitors: monitors.isEmpty ? ["http://localhost:5039"] : monitors,
                                            pushTimeout: pushTimeout)
    }

    func run() async throws {
        try await reportingFatal {
            Bootstrap.logging(toFile: nil)
            // A port in use is the same one line as for `run`, not the service group's raw bind error.
            try await ListenCheck.require(host: host, port: port)
            let logger = Logger(label: "orchestrator")
            let simulator = OrchestratorSimulator(configuration: simulatorConfiguration, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [simulator], gracefulShutdownSignals: [.sigterm, .sigint],
                                                          logger: logger))
            do {
                try await group.run()
            } catch {
                throw ListenCheck.explain(error, host: host, port: port)
            }
            logger.info("stopped")
        }
    }
}
