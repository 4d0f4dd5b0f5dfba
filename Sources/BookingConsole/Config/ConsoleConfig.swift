import Foundation
import TOMLKit

/// config.toml: key bindings, the colour theme, and defaults for the flags of `run` and
/// `demo`. Read with TOMLKit and checked as a whole at start; anything wrong is one
/// `ConfigError` naming the file and line.
///
/// ```toml
/// theme = "light"
///
/// [keys]
/// move-down = ["j", "Down"]
/// toggle-availability = ["Space", "t"]
///
/// [run]
/// port = 5098
/// ```
public struct ConsoleConfig: Sendable, Equatable {
    /// The file, as errors name it.
    public var path: String
    /// Only the commands the file binds; the others keep the keymap's keys.
    public var bindings: [Command: [Key]] = [:]
    public var palette: Palette?
    public var run = FlagDefaults()
    public var demo = FlagDefaults()

    public init(path: String) { self.path = path }

    /// The top-level names; `[run]` and `[demo]` take `FlagDefaults.settings`.
    static let topLevel = ["theme", "keys", "run", "demo"]

    /// Reads and checks `path`.
    public static func load(path: String) throws(ConfigError) -> ConsoleConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (not UTF-8 text, or no permission)" : "no such file"
            throw ConfigError(path: path, line: nil, message: reason)
        }
        return try parse(text, path: path)
    }

    /// `$XDG_CONFIG_HOME/booking-monitor/config.toml`, else `~/.config/booking-monitor/config.toml`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return xdg + "/booking-monitor/config.toml"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/booking-monitor/config.toml"
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> ConsoleConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigError(path: path, line: nil, message: "\(error)")
        }
        let lines = ConfigLines(text)
        var config = ConsoleConfig(path: path)
        func fail(_ line: Int?, _ message: String) -> ConfigError { ConfigError(path: path, line: line, message: message) }

        for (name, _) in table where !topLevel.contains(name) {
            throw fail(lines.line(ofKey: name, in: nil) ?? lines.line(ofTable: name),
                       "unknown setting \"\(name)\" (known: \(topLevel.joined(separator: ", ")))")
        }
        if let theme = table["theme"] {
            let line = lines.line(ofKey: "theme", in: nil)
            guard let name = theme.string else { throw fail(line, "theme is a name in quotes: one of \(Palette.names)") }
            guard let palette = Palette(name: name) else { throw fail(line, "unknown theme \"\(name)\" (themes: \(Palette.names))") }
            config.palette = palette
        }
        if let keys = table["keys"] {
            guard let keys = keys.table else { throw fail(lines.line(ofKey: "keys", in: nil), "keys is a table: [keys]") }
            config.bindings = try bindings(keys, lines: lines, fail: fail)
        }
        for section in ["run", "demo"] {
            guard let value = table[section] else { continue }
            guard let settings = value.table else { throw fail(lines.line(ofKey: section, in: nil), "\(section) is a table: [\(section)]") }
            let defaults = try FlagDefaults(settings, section: section, lines: lines, fail: fail)
            if section == "demo", defaults.orchestrator != nil {
                // Checked here too, so `config --check` says it, not only the demo's start.
                throw fail(lines.line(ofKey: "orchestrator", in: "demo"),
                           "[demo] has no orchestrator: the demo sends events to its own simulator")
            }
            if section == "run" { config.run = defaults } else { config.demo = defaults }
        }
        return config
    }

    private static func bindings(_ keys: TOMLTable, lines: ConfigLines,
                                 fail: (Int?, String) -> ConfigError) throws(ConfigError) -> [Command: [Key]] {
        var bindings: [Command: [Key]] = [:]
        var lineOf: [Command: Int] = [:]
        // In the file's order, so the first mistake is the one reported (the lines found in one
        // pass: a lookup per comparison made a 4,000-line table take minutes).
        let keyLines = lines.lines(ofKeysIn: "keys")
        let entries = keys.map { ($0.0, $0.1) }.sorted { (keyLines[$0.0] ?? 0) < (keyLines[$1.0] ?? 0) }
        for (name, value) in entries {
            let line = keyLines[name]
            guard let command = Command(name: name) else {
                throw fail(line, "unknown command \"\(name)\" in [keys] (`booking-monitor config --print` lists them)")
            }
            var names: [String] = []
            if let single = value.string {
                names = [single]
            } else if let array = value.array {
                for element in array {
                    guard let name = element.string else {
                        throw fail(line, "\(command.name): keys are names in quotes, such as [\"j\", \"Down\"]")
                    }
                    names.append(name)
                }
            } else {
                throw fail(line, "\(command.name): a binding is a list of key names, such as [\"j\", \"Down\"]")
            }
            var bound: [Key] = []
            var seen = Set<Key>()
            for keyName in names {
                guard let key = Key(name: keyName) else {
                    throw fail(line.map { lines.line(ofString: keyName, from: $0) },
                               "unknown key name \"\(keyName)\" for \(command.name) (keys are named like \"j\", \"G\", \"Down\", \"PageUp\", \"Ctrl-F\", \"F1\", \"Space\", \"Enter\", \"Esc\")")
                }
                if seen.insert(key).inserted { bound.append(key) }
            }
            bindings[command] = bound
            lineOf[command] = line
        }
        if bindings[.quit]?.isEmpty == true {
            throw fail(lineOf[.quit], "quit needs at least one key: without one the console cannot be left")
        }
        // A key may do one thing: checked on the demo's keymap, which has every command.
        // The first clash in the file's order: where a key is bound a second time (a keymap
        // default counts as before the file), whichever key it is.
        var first: (line: Int, key: Key, earlier: Command, clashing: Command)?
        for (key, commands) in Keymap.demo.rebinding(bindings).conflicts {
            let ordered = commands.sorted { (lineOf[$0] ?? 0, $0.name) < (lineOf[$1] ?? 0, $1.name) }
            guard ordered.count > 1, let line = lineOf[ordered[1]] else { continue }
            if first.map({ (line, key.name) < ($0.line, $0.key.name) }) ?? true {
                first = (line, key, ordered[0], ordered[1])
            }
        }
        if let first {
            throw fail(lines.line(ofString: first.key.name, from: first.line),
                       "key \"\(first.key.name)\" is bound to both \(first.earlier.name) and \(first.clashing.name)")
        }
        return bindings
    }

    /// `base` with the file's bindings.
    public func keymap(_ base: Keymap) -> Keymap { base.rebinding(bindings) }
}

/// A mistake in config.toml: `config.toml:7: key "j" is bound to both move-down and open`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based; nil when the mistake has no one line (a missing file).
    public var line: Int?
    public var message: String

    public var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
}
