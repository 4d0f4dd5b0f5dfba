/// Where a setting is in config.toml, for error messages: TOMLKit gives values without their
/// place, so this finds the line of a key in a table, and of a string after it, by looking at
/// the lines. It reads nothing: TOMLKit has parsed the file already.
struct ConfigLines {
    private let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The 1-based line of `key = …` in `[table]` (nil: the top level before any table).
    func line(ofKey key: String, in table: String?) -> Int? {
        lines(ofKeysIn: table)[key]
    }

    /// The 1-based line of every `key = …` in `[table]` (nil: the top level), by key (the
    /// first when repeated), in one pass over the file.
    func lines(ofKeysIn table: String?) -> [String: Int] {
        var found: [String: Int] = [:]
        var current: String?
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("["), !line.hasPrefix("[["), let close = line.firstIndex(of: "]") {
                current = String(line[line.index(after: line.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard current == table, let equals = line.firstIndex(of: "=") else { continue }
            var key = line[..<equals].trimmingCharacters(in: .whitespaces)
            if key.count >= 2, let first = key.first, first == key.last, first == "\"" || first == "'" {
                key = String(key.dropFirst().dropLast())
            }
            if found[key] == nil { found[key] = index + 1 }
        }
        return found
    }

    /// The line of `[table]` itself.
    func line(ofTable table: String) -> Int? {
        lines.firstIndex { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("[") && trimmed.dropFirst().prefix(while: { $0 != "]" })
                .trimmingCharacters(in: .whitespaces) == table
        }.map { $0 + 1 }
    }

    /// The first line from `start` holding `"value"` (a key name in a binding's list, which
    /// may run over several lines).
    func line(ofString value: String, from start: Int) -> Int {
        for index in max(0, start - 1)..<lines.count {
            if lines[index].contains("\"\(value)\"") || lines[index].contains("'\(value)'") { return index + 1 }
        }
        return start
    }
}
