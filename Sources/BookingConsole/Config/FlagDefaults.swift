import TOMLKit

/// `[run]` and `[demo]` in config.toml: values for flags not given on the command line (a flag
/// given always wins). Names are the flags' own, without the dashes.
public struct FlagDefaults: Sendable, Equatable {
    public var host: String?
    public var port: Int?
    public var db: String?
    public var orchestrator: String?
    public var catalog: String?
    public var group: String?
    public var logFile: String?
    public var ascii: Bool?
    public var mouse: Bool?
    public var noColor: Bool?
    public var readonly: Bool?

    public init() {}

    enum Kind { case text, port, flag }

    /// Every setting with its kind: one line a setting. (Computed: key paths are not Sendable.)
    static var settings: [(name: String, kind: Kind, path: WritableKeyPath<FlagDefaults, String?>?,
                           number: WritableKeyPath<FlagDefaults, Int?>?, flag: WritableKeyPath<FlagDefaults, Bool?>?)] { [
        ("host", .text, \.host, nil, nil),
        ("port", .port, nil, \.port, nil),
        ("db", .text, \.db, nil, nil),
        ("orchestrator", .text, \.orchestrator, nil, nil),
        ("catalog", .text, \.catalog, nil, nil),
        ("group", .text, \.group, nil, nil),
        ("log-file", .text, \.logFile, nil, nil),
        ("ascii", .flag, nil, nil, \.ascii),
        ("mouse", .flag, nil, nil, \.mouse),
        ("no-color", .flag, nil, nil, \.noColor),
        ("readonly", .flag, nil, nil, \.readonly),
    ] }

    init(_ table: TOMLTable, section: String, lines: ConfigLines,
         fail: (Int?, String) -> ConfigError) throws(ConfigError) {
        self.init()
        let names = Self.settings.map(\.name)
        for (name, value) in table {
            let line = lines.line(ofKey: name, in: section)
            guard let setting = Self.settings.first(where: { $0.name == name }) else {
                throw fail(line, "unknown setting \"\(name)\" in [\(section)] (known: \(names.joined(separator: ", ")))")
            }
            switch setting.kind {
            case .text:
                guard let text = value.string, !text.isEmpty else { throw fail(line, "\(name) is text in quotes, not empty") }
                self[keyPath: setting.path!] = text
            case .port:
                guard let port = value.int, (0...65535).contains(port) else {
                    throw fail(line, "\(name) is a whole number 0…65535")
                }
                self[keyPath: setting.number!] = port
            case .flag:
                guard let flag = value.bool else { throw fail(line, "\(name) is true or false") }
                self[keyPath: setting.flag!] = flag
            }
        }
    }

    /// The settings that have a value, as a TOML table.
    func table() -> TOMLTable {
        let table = TOMLTable()
        for setting in Self.settings {
            if let path = setting.path, let text = self[keyPath: path] { table[setting.name] = text }
            if let number = setting.number, let value = self[keyPath: number] { table[setting.name] = value }
            if let flag = setting.flag, let value = self[keyPath: flag] { table[setting.name] = value }
        }
        return table
    }

    /// `other`'s values where this has none.
    public func over(_ other: FlagDefaults) -> FlagDefaults {
        var merged = self
        for setting in Self.settings {
            if let path = setting.path, merged[keyPath: path] == nil { merged[keyPath: path] = other[keyPath: path] }
            if let number = setting.number, merged[keyPath: number] == nil { merged[keyPath: number] = other[keyPath: number] }
            if let flag = setting.flag, merged[keyPath: flag] == nil { merged[keyPath: flag] = other[keyPath: flag] }
        }
        return merged
    }
}

extension ConsoleConfig {
    /// The effective configuration as TOML that `parse` reads back: the theme, every command's
    /// keys (the file's where it binds them, the keymap's otherwise), and `[run]`/`[demo]`
    /// as given (`run`, `demo`: the file's values over the flags' defaults).
    public func toml(keymap: Keymap = .demo, palette: Palette, run: FlagDefaults, demo: FlagDefaults) -> String {
        let table = TOMLTable()
        table["theme"] = palette.rawValue
        let keys = TOMLTable()
        let effective = self.keymap(keymap)
        for (name, command) in Command.names {
            guard let binding = effective.bindings.first(where: { $0.command == command }) else { continue }
            keys[name] = TOMLArray(binding.keys.map(\.name))
        }
        table["keys"] = keys
        table["run"] = run.table()
        table["demo"] = demo.table()
        return "# booking-monitor configuration (booking-monitor config --print)\n" + table.convert(to: .toml) + "\n"
    }
}
