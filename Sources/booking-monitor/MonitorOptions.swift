import ArgumentParser
import BookingConsole
import BookingCore
import BookingPostgres
import BookingServer
import Foundation

/// A refusal of the flags printed as one line, without the usage ArgumentParser adds to a
/// `ValidationError`.
struct OneLine: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The flags of a monitor instance; scripts rely on them, so names and defaults are a contract.
struct MonitorOptions: ParsableArguments {
    @Flag(help: "Run without the console (for machines without a terminal).")
    var headless = false

    /// Optional, like the other flags config.toml can set, so a value in the file is used only
    /// when the flag is not given.
    @Option(name: .customLong("host"), help: ArgumentHelp("Address to listen on. (default: 127.0.0.1)", valueName: "host"))
    var hostFlag: String?

    var host: String {
        get { hostFlag ?? "127.0.0.1" }
        set { hostFlag = newValue }
    }

    /// Optional so the demo can tell "not given" (it then falls back to a free port) from a
    /// port asked for.
    @Option(name: .customLong("port"), help: ArgumentHelp("Port to listen on (0 picks a free one). (default: 5039)", valueName: "port"))
    var portFlag: Int?

    var port: Int {
        get { portFlag ?? 5039 }
        set { portFlag = newValue }
    }

    @Option(name: .customLong("orchestrator"), help: ArgumentHelp(
        "The Orchestrator's base URL; booking events go to {URL}/orchestrator/order-event. (default: http://localhost:5012)",
        valueName: "orchestrator"))
    var orchestratorFlag: String?

    var orchestrator: String {
        get { orchestratorFlag ?? "http://localhost:5012" }
        set { orchestratorFlag = newValue }
    }

    /// Optional so a command can tell "not given" from the default (the demo is throwaway then).
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "SQLite database file (WAL), or postgres://user:password@host:port/database: one store shared by several instances of a group. (default: booking-monitor.sqlite)",
        valueName: "path-or-url"))
    var dbPath: String?

    @Option(help: "This instance's name among the instances sharing a PostgreSQL store. (default: HOST:PORT)")
    var name: String?

    /// The database file: `--db`, or booking-monitor.sqlite in the working directory.
    var db: String { dbPath ?? "booking-monitor.sqlite" }

    @Flag(help: "Keep state in memory only: a throwaway run.")
    var inMemory = false

    @Option(help: "JSON file listing this instance's products (get-products shape).")
    var catalog: String?

    /// Optional so `--once` can show the group a SQLite store was run for when none is given.
    @Option(name: .customLong("group"), help: ArgumentHelp(
        "Name of this instance's product group, shown in the console and sent with events. (default: default)",
        valueName: "group"))
    var groupFlag: String?

    var group: String {
        get { groupFlag ?? "default" }
        set { groupFlag = newValue }
    }

    @Option(help: "Seconds between safety sweeps (booking also happens at once on every change).")
    var sweepInterval: Double = 1

    @Option(help: "Days the history of changes (GET /administration/history, the console's detail views) is kept; pruned by the sweep.")
    var historyDays: Double = 30

    @Option(help: "History entries kept at most; the oldest beyond are pruned by the sweep.")
    var historyRows = 1_000_000

    var historyRetention: HistoryRetention { HistoryRetention(days: historyDays, rows: historyRows) }

    @Option(help: "Largest accepted request body in bytes; larger ones get 413 (a 1M-entry push is about 23 MB).")
    var maxBody = 64 << 20

    @Option(help: "Seconds a client connection may send nothing while no answer is owed: between requests, or in the middle of one's body (0: no limit).")
    var idleTimeout: Double = 130

    @Option(help: "Seconds a request's headers may take to arrive, from its first byte (0: no limit).")
    var headerTimeout: Double = 30

    @Option(help: "Client connections open at once, at most; beyond it the longest-idle one is closed (lowered to fit the open-file limit).")
    var maxConnections = 1000

    @Option(help: "Per-attempt timeout for order-event, in seconds.")
    var attemptTimeout: Double = 5

    @Option(help: "Consecutive failures that open the circuit breaker.")
    var breakerThreshold = 5

    @Option(help: "Seconds the breaker stays open before one trial request.")
    var breakerOpen: Double = 30

    @Option(help: "Attempts answered with 500 before an event is parked.")
    var maxAttempts = 10

    @Option(help: ArgumentHelp("Also ask the Orchestrator for the queues at this interval, e.g. 30s, 5m, 1h (default: off; it is asked at start, after outages and refused pushes).",
                               valueName: "duration"))
    var resyncEvery: String?

    @Option(help: "Seconds of silence after which a light probe (GET /) checks that the Orchestrator answers.")
    var probeEvery: Double = 5

    @Option(help: "Shared store: seconds a write waits for the group's lock before it answers 503.")
    var dbLockTimeout: Double = 3

    @Option(help: "Shared store: seconds a statement may run, and a transaction may idle, before the server ends it (a frozen instance's locks are freed then).")
    var dbTimeout: Double = 5

    @Option(help: "Shared store: seconds the sender role outlives its last heartbeat; a frozen sender loses it then.")
    var senderLease: Double = 5

    @Option(help: "Log file while the console runs (default: beside the database).")
    var logFile: String?

    @Option(help: "Log lines as text, or json: one object a line with time, level, message and fields such as booking, product, customer.")
    var logFormat: LogFormat = .text

    @Option(help: ArgumentHelp("Require Authorization: Bearer TOKEN on state-changing requests (or set BOOKING_MONITOR_TOKEN).",
                               valueName: "TOKEN"))
    var token: String?

    @Flag(help: "With a token, require it for reads too.")
    var tokenReads = false

    @Flag(help: "fsync every commit (survives power loss, not just a crash of the process).")
    var fullSync = false

    // MARK: Console

    @Flag(help: "Draw borders and marks in ASCII (on by itself when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "Monochrome: no colours, states shown by letters, bold and reverse (also NO_COLOR).")
    var noColor = false

    @Flag(help: "Console keys that change state (availability, pause, resend) are turned off.")
    var readonly = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Click, double-click and the wheel in the console; --no-mouse leaves the mouse to the terminal (selecting text). (default: --mouse)"))
    var mouse: Bool?

    @Option(help: ArgumentHelp("Console colours: dark, light (for a white background) or colourblind (blue and orange, never red against green). (default: dark, or theme in config.toml)",
                               valueName: "theme"))
    var theme: String?

    @Option(help: ArgumentHelp("The config file: key bindings, theme, defaults for flags. (default: $XDG_CONFIG_HOME/booking-monitor/config.toml, else ~/.config/booking-monitor/config.toml, if it exists)",
                               valueName: "path"))
    var config: String?

    @Flag(help: "Print the dashboard once as plain text and exit (no terminal needed; the HTTP server is not started).")
    var once = false

    @Option(help: ArgumentHelp("Size of the --once dashboard, WIDTHxHEIGHT (default: the terminal's, else 120x40).",
                               valueName: "WxH"))
    var size: String?

    func validate() throws {
        if let dbPath {
            do {
                if try PostgresURL(dbPath) != nil, inMemory {
                    throw ValidationError("--in-memory keeps state in this process only; it cannot go with a postgres:// --db")
                }
            } catch let error as PostgresURL.InvalidURL {
                throw ValidationError(error.description)
            }
        }
        if let theme, Palette(name: theme) == nil {
            throw OneLine("--theme must be one of \(Palette.names), got \"\(theme)\"")
        }
        if let size, ConsoleSize.parse(size) == nil {
            throw ValidationError("--size must be WIDTHxHEIGHT such as 120x40, got \"\(size)\"")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535, got \(port)") }
        guard sweepInterval > 0 else { throw ValidationError("--sweep-interval must be positive, got \(sweepInterval)") }
        guard historyDays > 0, historyDays.isFinite else {
            throw ValidationError("--history-days must be a positive number of days, got \(historyDays)")
        }
        guard historyRows > 0 else { throw ValidationError("--history-rows must be at least 1, got \(historyRows)") }
        guard maxBody > 0 else { throw ValidationError("--max-body must be positive, got \(maxBody)") }
        guard attemptTimeout > 0 else { throw ValidationError("--attempt-timeout must be positive") }
        guard breakerThreshold > 0 else { throw ValidationError("--breaker-threshold must be at least 1") }
        guard breakerOpen >= 0 else { throw ValidationError("--breaker-open must not be negative") }
        if tokenReads, resolvedToken == nil { throw ValidationError("--token-reads needs --token or BOOKING_MONITOR_TOKEN") }
        guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must not be negative, got \(idleTimeout)") }
        guard headerTimeout >= 0 else { throw ValidationError("--header-timeout must not be negative, got \(headerTimeout)") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1, got \(maxConnections)") }
        if let token, token.isEmpty || token.trimmingCharacters(in: .whitespacesAndNewlines) != token {
            // A token pasted with a newline or given empty would lock out (or open up) every client.
            // Not echoed: it is a secret.
            throw OneLine(token.isEmpty ? "--token is empty: give the token, or leave --token out for an open API"
                                        : "--token has surrounding spaces or newlines; give the token alone")
        }
        if let token = ProcessInfo.processInfo.environment["BOOKING_MONITOR_TOKEN"], self.token == nil,
           token.trimmingCharacters(in: .whitespacesAndNewlines) != token {
            throw OneLine("BOOKING_MONITOR_TOKEN has surrounding spaces or newlines; set it to the token alone")
        }
        guard maxAttempts > 0 else { throw ValidationError("--max-attempts must be at least 1") }
        for (flag, value) in [("--db-lock-timeout", dbLockTimeout), ("--db-timeout", dbTimeout), ("--sender-lease", senderLease)]
        where !(value >= 0.1 && value <= 3600) {
            throw ValidationError("\(flag) must be between 0.1 and 3600 seconds, got \(value)")
        }
        guard probeEvery > 0 else { throw ValidationError("--probe-every must be positive, got \(probeEvery)") }
        if let resyncEvery, DurationText.seconds(resyncEvery).map({ $0 > 0 }) != true {
            throw ValidationError("--resync-every must be a duration such as 30s, 5m or 1h, got \"\(resyncEvery)\"")
        }
        guard let url = URL(string: orchestrator), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("--orchestrator must be an http(s) URL such as http://localhost:5012, got \"\(orchestrator)\"")
        }
    }

    /// `--token`, else `BOOKING_MONITOR_TOKEN`; an empty value means none.
    var resolvedToken: String? {
        let token = token ?? ProcessInfo.processInfo.environment["BOOKING_MONITOR_TOKEN"]
        return token?.isEmpty == false ? token : nil
    }

    var isLoopback: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") }

    /// `connectionCap`: `--max-connections` as the descriptor limit allows (`DescriptorLimit`).
    func serverConfiguration(connectionCap: Int) -> ServerConfiguration {
        ServerConfiguration(host: host, port: port, maxBody: maxBody, token: resolvedToken, tokenReads: tokenReads,
                            idleTimeout: idleTimeout > 0 ? idleTimeout : nil,
                            headerTimeout: headerTimeout > 0 ? headerTimeout : nil,
                            maxConnections: connectionCap)
    }

    /// Where state lives: a SQLite file or memory (one instance), or a shared PostgreSQL database.
    enum StoreChoice {
        case sqlite(SQLiteStore.Location)
        case postgres(PostgresURL)
    }

    /// `validate()` has checked the URL already.
    var store: StoreChoice {
        if let dbPath, let url = try? PostgresURL(dbPath) { return .postgres(url) }
        return .sqlite(inMemory ? .inMemory : .file(db))
    }

    /// How the other instances of a shared store see this one.
    var instanceName: String {
        if let name, !name.isEmpty { return name }
        let host = ProcessInfo.processInfo.hostName
        return port == 0 ? "\(host) pid \(getpid())" : "\(host):\(port)"
    }

    var resolvedLogFile: String {
        if let logFile { return logFile }
        if inMemory { return "booking-monitor.log" }
        if case .postgres = store { return "booking-monitor.log" }
        let url = URL(fileURLWithPath: db)
        return url.deletingPathExtension().appendingPathExtension("log").path
    }

    var sharedStoreTimeouts: SharedStoreTimeouts {
        var timeouts = SharedStoreTimeouts()
        timeouts.lock = dbLockTimeout
        timeouts.statement = dbTimeout
        timeouts.idleInTransaction = dbTimeout
        timeouts.lease = senderLease
        return timeouts
    }

    var linkConfiguration: LinkConfiguration {
        var configuration = LinkConfiguration(orchestrator: orchestrator, group: group)
        configuration.attemptTimeout = attemptTimeout
        configuration.breakerThreshold = breakerThreshold
        configuration.breakerOpenFor = breakerOpen
        configuration.maxAttempts = maxAttempts
        configuration.probeInterval = probeEvery
        configuration.resyncEvery = resyncEvery.flatMap(DurationText.seconds)
        return configuration
    }
}

/// Durations as flags take them: `250ms`, `30s`, `5m`, `1h`, or plain seconds.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, unit) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * unit }
        }
        return Double(text)
    }
}
