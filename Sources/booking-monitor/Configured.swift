import ArgumentParser
import BookingConsole
import Foundation

/// config.toml applied to the flags: read at start (`--config`, else the default place if a
/// file is there), its `[run]` or `[demo]` values used for the flags not given, checked
/// again with them. A mistake is one line on stderr and exit status 2.
enum Configured {
    enum Section: String { case run, demo }

    /// The config file read (nil: none), with `options` completed from it.
    static func apply(to options: inout MonitorOptions, section: Section) throws -> ConsoleConfig? {
        let config: ConsoleConfig?
        do {
            config = try load(explicit: options.config)
        } catch {
            throw refuse(error.description)
        }
        guard let config else { return nil }
        let defaults = section == .run ? config.run : config.demo
        if section == .demo, defaults.orchestrator != nil {
            throw refuse("\(config.path): [demo] has no orchestrator: the demo sends events to its own simulator")
        }
        if options.hostFlag == nil { options.hostFlag = defaults.host }
        if options.portFlag == nil { options.portFlag = defaults.port }
        if options.dbPath == nil { options.dbPath = defaults.db }
        if options.orchestratorFlag == nil, section == .run { options.orchestratorFlag = defaults.orchestrator }
        if options.catalog == nil { options.catalog = defaults.catalog }
        if options.groupFlag == nil { options.groupFlag = defaults.group }
        if options.logFile == nil { options.logFile = defaults.logFile }
        if options.mouse == nil { options.mouse = defaults.mouse }
        // On/off flags without a --no- form: the file can turn them on.
        options.ascii = options.ascii || defaults.ascii == true
        options.noColor = options.noColor || defaults.noColor == true
        options.readonly = options.readonly || defaults.readonly == true
        if options.theme == nil { options.theme = config.palette?.rawValue }
        do {
            try options.validate()
        } catch {
            let message = (error as? ValidationError)?.message ?? "\(error)"
            throw refuse("\(message) (with \(config.path))")
        }
        return config
    }

    /// `explicit` must exist; the default place may hold no file.
    static func load(explicit: String?) throws(ConfigError) -> ConsoleConfig? {
        if let explicit { return try ConsoleConfig.load(path: explicit) }
        guard let path = ConsoleConfig.defaultPath(), FileManager.default.fileExists(atPath: path) else { return nil }
        return try ConsoleConfig.load(path: path)
    }

    static func refuse(_ line: String) -> ExitCode {
        FileHandle.standardError.write(Data("booking-monitor: \(line)\n".utf8))
        return ExitCode(2)
    }
}
