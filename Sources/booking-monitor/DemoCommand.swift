import ArgumentParser
import BookingCore
import BookingServer
import Foundation
import Logging
import OrchestratorSimulator
import ServiceLifecycle

/// `booking-monitor demo`: the whole loop with no other service. A monitor (the console in a
/// terminal, headless otherwise), an in-process Orchestrator simulator, and two generators:
/// customers ordering random titles of the catalog, and stock arriving at random.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch the whole loop: a monitor, an Orchestrator simulator, customers ordering and stock arriving.",
        discussion: """
            Runs a monitor (the console in a terminal, headless otherwise) and an Orchestrator \
            simulator in one process; the monitor's Orchestrator is the simulator (so there is no \
            --orchestrator). When the default ports 5039 or 5012 are busy it takes free ones and \
            prints them. Orders go to the \
            simulator's add-new-order and stock to the monitor's switch-state, over HTTP. The \
            store is in memory unless --db is given. On exit it prints a summary; its last line, \
            "summary: key=value …", is meant for scripts.
            """
    )

    @OptionGroup var options: MonitorOptions

    @Option(name: .customLong("simulator-port"),
            help: ArgumentHelp("Port of the in-process Orchestrator simulator (0 picks a free one). (default: 5012)", valueName: "port"))
    var simulatorPortFlag: Int?

    @Option(help: "Seconds between two customer orders.")
    var orderEvery: Double = 2

    @Option(help: "Seconds between two stock arrivals (an unavailable product made available).")
    var stockEvery: Double = 3

    @Option(help: "Customers ordering (ids 1…N).")
    var customers = 20

    @Option(help: "Stop after this many seconds (generators stop, deliveries drain, summary printed).")
    var duration: Double?

    @Flag(help: "Start with the generators off (the console's d key turns them on).")
    var generatorsOff = false

    func validate() throws {
        if let simulatorPortFlag, !(0...65535).contains(simulatorPortFlag) {
            throw ValidationError("--simulator-port must be 0…65535, got \(simulatorPortFlag)")
        }
        if options.orchestratorFlag != nil {
            throw OneLine("demo runs its own Orchestrator simulator and sends events there: drop --orchestrator (use `run --orchestrator URL` for a real one)")
        }
        guard orderEvery > 0 else { throw ValidationError("--order-every must be positive, got \(orderEvery)") }
        guard stockEvery > 0 else { throw ValidationError("--stock-every must be positive, got \(stockEvery)") }
        guard (1...100_000).contains(customers) else { throw ValidationError("--customers must be 1…100000, got \(customers)") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive, got \(duration)") }
    }

    func run() async throws {
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        var options = options
        let config = try Configured.apply(to: &options, section: .demo)
        options.headless = options.headless || !interactive
        // The demo is throwaway unless a database is named.
        if options.dbPath == nil { options.inMemory = true }
        if options.logFile == nil, options.inMemory { options.logFile = "booking-monitor-demo.log" }
        try await reportingFatal { [options] in
            let ports = try await DemoPorts(monitor: options.portFlag, host: options.host, simulator: simulatorPortFlag)
            for note in ports.notes { print(note) }
            var monitorOptions = options
            monitorOptions.port = ports.monitor
            monitorOptions.orchestrator = "http://127.0.0.1:\(ports.simulator)"
            let monitorURL = "http://\(Self.loopback(options.host)):\(ports.monitor)"

            let console = options.headless ? nil : ConsoleMode(options: monitorOptions, config: config)
            Bootstrap.logging(toFile: console == nil ? nil : monitorOptions.resolvedLogFile, format: monitorOptions.logFormat)
            let registry = Bootstrap.metrics(group: monitorOptions.group)
            let logger = Logger(label: "booking-monitor")
            let (monitor, shared) = try await Bootstrap.monitor(monitorOptions, logger: logger)
            let simulator = OrchestratorSimulator(
                configuration: .init(host: "127.0.0.1", port: ports.simulator, monitors: [monitorURL]),
                logger: Logger(label: "orchestrator"))
            let generators = DemoGenerators(
                configuration: .init(orchestrator: monitorOptions.orchestrator, monitor: monitorURL,
                                     orderEvery: orderEvery, stockEvery: stockEvery, customers: Int32(customers)),
                running: !generatorsOff, logger: Logger(label: "demo"))
            logger.notice("demo: monitor \(monitorURL), orchestrator simulator \(monitorOptions.orchestrator), \(monitorOptions.inMemory ? "in-memory store" : "store \(monitorOptions.db)")")

            let observer = DemoObserver(products: await monitor.allProducts())
            let changes = await monitor.changes()
            async let observed: Void = observer.consume(changes)

            var instance = Instance(options: monitorOptions, monitor: monitor, shared: shared, metrics: registry, logger: logger)
            instance.background = [simulator] + generators.services
            let stopAfter = duration.map { DemoClock(duration: $0, generators: generators, monitor: monitor, logger: logger) }
            instance.frontEnds = { link in
                (console.map { [$0.service(monitor: monitor, link: link, logger: logger, toggleGenerators: generators.toggle)] } ?? []) + (stopAfter.map { [$0] } ?? [])
            }
            let started = Date()
            var failure: (any Error)?
            do {
                try await instance.run()
            } catch {
                failure = error
            }
            await observed
            // A start-up failure (a port taken meanwhile) is its one line, not a summary of zeros.
            if let failure, failure is Fatal { throw failure }
            let summary = DemoSummary(seconds: Date().timeIntervalSince(started), generated: generators.done,
                                      orders: simulator.orderBook, monitor: await monitor.snapshotNow(),
                                      tally: observer.tally)
            print(summary.text, terminator: "")
            if let failure { throw failure }
        }
    }

    /// A listening address as a client reaches it.
    static func loopback(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "::", "": return "127.0.0.1"
        default: return host.contains(":") ? "[\(host)]" : host
        }
    }
}

/// The two ports, with 0 replaced by a free one: each side must know the other's address
/// before either starts. A default port that is busy gives way to a free one (the demo should
/// just work); a port asked for that is busy is an error naming its flag.
struct DemoPorts {
    static let defaultMonitor = 5039
    static let defaultSimulator = 5012

    var monitor: Int
    var simulator: Int
    /// What was changed, for the person who started the demo.
    var notes: [String] = []

    init(monitor: Int?, host: String, simulator: Int?) async throws {
        self.monitor = 0
        self.simulator = 0
        self.monitor = try await pick(monitor, default: Self.defaultMonitor, host: host, flag: "--port", what: "the monitor")
        self.simulator = try await pick(simulator, default: Self.defaultSimulator, host: "127.0.0.1", flag: "--simulator-port",
                                        what: "the Orchestrator simulator")
        guard self.monitor != self.simulator else {
            throw Fatal("--port and --simulator-port are both \(self.monitor); give them different ports")
        }
    }

    private mutating func pick(_ asked: Int?, default port: Int, host: String, flag: String, what: String) async throws -> Int {
        guard let asked else {
            guard await ListenCheck.probe(host: host, port: port) == .free else {
                let free = try Self.free()
                notes.append("demo: port \(port) is in use; \(what) listens on port \(free) instead (\(flag) picks one)")
                return free
            }
            return port
        }
        if asked == 0 { return try Self.free() }
        try await ListenCheck.require(host: host, port: asked, flag: flag)
        return asked
    }

    static func free() throws -> Int {
        guard let port = FreePort.loopback() else { throw Fatal("cannot find a free port for the demo") }
        return port
    }

}

/// `--duration`: after it, the generators stop and the outbox drains (so the summary shows
/// every booking delivered), then the demo ends.
struct DemoClock: Service {
    let duration: Double
    let generators: DemoGenerators
    let monitor: Monitor
    let logger: Logger
    /// How long to wait for undelivered events before ending anyway.
    static let drainLimit: Double = 20

    func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: .seconds(duration))
            guard !Task.isCancelled else { return }
            generators.set(running: false)
            logger.info("demo: \(duration) s are up; waiting for deliveries")
            let deadline = Date().addingTimeInterval(Self.drainLimit)
            var quiet = 0
            // Settled: nothing pending on three looks in a row (a delivery can unblock a booking).
            while quiet < 3, Date() < deadline, !Task.isCancelled {
                quiet = await monitor.snapshotNow().pendingCount == 0 ? quiet + 1 : 0
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
