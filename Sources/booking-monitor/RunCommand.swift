import ArgumentParser
import AsyncHTTPClient
import BookingCore
import BookingPostgres
import BookingServer
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a monitor: the console (in a terminal) or headless, the booking checker and the HTTP endpoint."
    )

    @OptionGroup var options: MonitorOptions

    func run() async throws {
        var options = options
        let config = try Configured.apply(to: &options, section: .run)
        if options.once {
            // The batch view: one frame from the store, no server, works without a terminal.
            try await reportingFatal { [options] in
                Bootstrap.logging(toFile: nil, format: options.logFormat)
                let (monitor, _) = try await Bootstrap.monitor(options, logger: Logger(label: "booking-monitor"), exclusive: false)
                await ConsoleMode.printOnce(options, monitor: monitor)
            }
            return
        }
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        if !options.headless && !interactive {
            FileHandle.standardError.write(Data("booking-monitor: not a terminal; run with --headless to serve without the console\n".utf8))
            throw ExitCode(2)
        }
        try await reportingFatal { [options] in
            try await ListenCheck.require(host: options.host, port: options.port)
            let console = options.headless ? nil : ConsoleMode(options: options, config: config)
            Bootstrap.logging(toFile: console == nil ? nil : options.resolvedLogFile, format: options.logFormat)
            let registry = Bootstrap.metrics(group: options.group)
            let logger = Logger(label: "booking-monitor")
            let (monitor, shared) = try await Bootstrap.monitor(options, logger: logger)
            var instance = Instance(options: options, monitor: monitor, shared: shared, metrics: registry, logger: logger)
            if let console {
                instance.frontEnds = { link in [console.service(monitor: monitor, link: link, logger: logger)] }
            }
            try await instance.run()
        }
    }
}

/// Everything one monitor process runs, as a service group: the HTTP server, the Orchestrator
/// link, the sweep, and (later) the console. SIGINT/SIGTERM shut it down gracefully.
struct Instance {
    var options: MonitorOptions
    var monitor: Monitor
    /// With a PostgreSQL store: presence, change notifications and the sender role.
    var shared: SharedGroup?
    var metrics: PrometheusCollectorRegistry?
    var logger: Logger
    /// Services that end the whole instance when they return (the console's `q`).
    var frontEnds: @Sendable (OrchestratorLink) -> [any Service] = { _ in [] }
    /// More services that run beside the monitor's own until shutdown (the demo's simulator
    /// and generators). They start after, and stop before, the server, the link and the sweep.
    var background: [any Service] = []

    func run() async throws {
        if !options.isLoopback && options.resolvedToken == nil {
            logger.warning("listening on \(options.host) without --token: anyone who can reach it can switch products and push queues")
        }
        // The store opened (Bootstrap.monitor): what it holds is what the gauges say.
        BookingMetrics.storeUp.record(1)
        await monitor.recordOutboxMetrics()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let softLimit = DescriptorLimit.raise()
        let cap = DescriptorLimit.connectionCap(requested: options.maxConnections, softLimit: softLimit)
        if cap < options.maxConnections {
            logger.warning("open-file limit \(softLimit): at most \(cap) client connections, not --max-connections \(options.maxConnections)")
        }
        let wired = MonitorServices(monitor: monitor, client: client, link: options.linkConfiguration,
                                    server: options.serverConfiguration(connectionCap: cap), senderRole: shared,
                                    metrics: metrics, sweepInterval: options.sweepInterval, logger: logger)
        let link = wired.link, readiness = wired.readiness
        let builtIn: [any Service] = wired.services
            + (shared.map { [SharedGroupService(group: $0, monitor: monitor)] } ?? [])
        // Last, so it is the first told of a shutdown (services stop in reverse order).
        let systemd: [any Service] = SystemdNotify().map {
            [SystemdService(notify: $0, readiness: readiness, monitor: monitor,
                            watchdog: SystemdNotify.watchdogInterval(), logger: logger)]
        } ?? []
        let services = (builtIn + background).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
            + frontEnds(link).map {
                ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                                                               failureTerminationBehavior: .gracefullyShutdownGroup)
            }
            + systemd.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        let group = ServiceGroup(configuration: .init(
            services: services,
            // SIGHUP: the operator's terminal window closed; shut down cleanly rather than die.
            gracefulShutdownSignals: [.sigterm, .sigint, .sighup],
            logger: logger))
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            await monitor.finishChanges()
            shared?.close()
            throw ListenCheck.explain(error, host: options.host, port: options.port)
        }
        try? await client.shutdown()
        await monitor.finishChanges()
        shared?.close()
        logger.info("stopped")
    }
}

/// Keeps this instance in its shared group: catches up on the others' commits, shows who is live.
struct SharedGroupService: Service {
    let group: SharedGroup
    let monitor: Monitor

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await group.run(monitor: monitor)
        }
    }
}

/// Held for the life of the process.
nonisolated(unsafe) private var instanceLock: InstanceLock?
/// The terminal's stderr while it is redirected to the log file (console mode).
nonisolated(unsafe) private var terminalStderr: Int32 = -1

enum Bootstrap {
    /// Logs go to stderr, or to `path` while the console owns the screen; `format` as
    /// `--log-format` says (text under systemd drops its own timestamps: the journal has them).
    static func logging(toFile path: String?, format: LogFormat = .text) {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        if let path {
            // The console owns the terminal: stderr becomes the log file, so nothing (our logs,
            // a library's stray print to stderr) can scribble over the screen.
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            if fd >= 0 {
                terminalStderr = dup(STDERR_FILENO)
                dup2(fd, STDERR_FILENO)
                close(fd)
            }
        }
        let style: OperatorLogHandler.Style? = switch format {
        case .json: .json
        case .text: path == nil && OperatorLogHandler.stderrIsJournal() ? .journal : nil
        }
        LoggingSystem.bootstrap { label in
            if let style {
                var handler = OperatorLogHandler(label: label, style: style)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func restoreTerminalStderr() {
        guard terminalStderr >= 0 else { return }
        dup2(terminalStderr, STDERR_FILENO)
        close(terminalStderr)
        terminalStderr = -1
    }

    static func metrics(group: String) -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        BookingMetrics.registerAtStart(version: BuildInfo.version, commit: BuildInfo.commit, group: group)
        return registry
    }

    /// Opens the store, applies the catalog (or seeds the demo one on an empty store).
    /// `exclusive` takes the one-checker-per-database lock (everything but a read-only look).
    static func monitor(_ options: MonitorOptions, logger: Logger,
                        exclusive: Bool = true) async throws -> (Monitor, SharedGroup?) {
        MallocTuning.giveLargeBlocksBack()
        let catalog: [Product]?
        do {
            catalog = try options.catalog.map { file throws(Catalog.LoadError) in try Catalog.load(file: file) }
        } catch {
            throw Fatal(error.description)
        }
        if exclusive, case .sqlite(.file(let path)) = options.store {
            // A shared PostgreSQL store needs no such lock: its instances coordinate in the database.
            instanceLock = try InstanceLock(database: path)
        }
        let monitor: Monitor
        var shared: SharedGroup?
        switch options.store {
        case .sqlite(let location):
            do {
                let store = try SQLiteStore(location, fullSync: options.fullSync, history: options.historyRetention)
                var group = options.group
                if exclusive {
                    try store.recordGroup(group)
                } else if options.groupFlag == nil, let stored = try store.storedGroup() {
                    group = stored
                }
                monitor = try Monitor(store: store, group: group, orchestrator: options.orchestrator, logger: logger)
            } catch {
                throw Fatal("\(location.description): cannot open the database: \(error)")
            }
        case .postgres(let url):
            do {
                let store = try PostgresStore(url: url, group: options.group, instance: options.instanceName,
                                              timeouts: options.sharedStoreTimeouts, history: options.historyRetention,
                                              logger: logger)
                monitor = try Monitor(store: store, group: options.group, orchestrator: options.orchestrator, logger: logger)
                shared = SharedGroup(store: store, instance: options.instanceName, logger: logger)
            } catch StoreError.unreachable(let reason) {
                throw Fatal("\(url): cannot open the database: \(reason)")
            } catch let error as StoreError {
                throw Fatal(error.description)
            } catch {
                throw Fatal("\(url): cannot open the database: \(PostgresErrors.describe(error))")
            }
        }
        if let catalog {
            let (added, updated) = try await monitor.applyCatalog(catalog)
            logger.info("catalog \(options.catalog!): \(catalog.count) products, \(added) new, \(updated) updated")
        } else if await monitor.allProducts().isEmpty {
            try await monitor.applyCatalog(Catalog.demo)
            logger.notice("empty store and no --catalog: seeded the built-in demo catalog (\(Catalog.demo.count) products)")
        }
        return (monitor, shared)
    }
}

/// A start-up failure: printed as one line, exit status 1.
struct Fatal: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension AsyncParsableCommand {
    /// Runs `body`; any failure becomes one line on the terminal's stderr and exit status 1.
    /// (While the console ran, stderr was the log file: it is given back first.)
    func reportingFatal(_ body: () async throws -> Void) async throws {
        do {
            try await body()
            Bootstrap.restoreTerminalStderr()
        } catch let exit as ExitCode {
            Bootstrap.restoreTerminalStderr()
            throw exit
        } catch {
            Bootstrap.restoreTerminalStderr()
            let message = (error as? Fatal)?.description ?? "\(error)"
            FileHandle.standardError.write(Data("booking-monitor: \(message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
