import Foundation

/// What a `:` command line asks for, parsed; `ConsoleState.run` carries it out.
public enum ConsoleCommand: Sendable, Hashable {
    case avail([Int32])
    case unavail([Int32])
    case goto(Int32)
    case customer(Int32)
    case filter(String)
    /// nil direction: ascending, or the other direction when the column is sorted already.
    case sort(ProductColumn, ascending: Bool?)
    case exportProducts(path: String)
    case exportHistory(path: String)
    case stock(Int)
    /// `:help`: the commands on the message line; `:help NAME`: that command's usage.
    case help(String?)
    case pause, resume, undo, quit

    /// Commands `--readonly` refuses.
    public var changesState: Bool {
        switch self {
        case .avail, .unavail, .stock, .pause, .resume, .undo: return true
        default: return false
        }
    }
}

/// The `:` commands: their names, usage (for `:help` and errors), and the parser. Pure: no
/// I/O, so every error is a sentence for the message line, never a crash.
public enum CommandLineSyntax {
    public static let commands: [(name: String, usage: String)] = [
        ("avail", "avail IDS        make products available (IDS: 1-20,25)"),
        ("unavail", "unavail IDS      make products unavailable"),
        ("goto", "goto ID          select product ID"),
        ("customer", "customer ID      show customer ID"),
        ("filter", "filter TEXT      filter products (no TEXT: clear)"),
        ("sort", "sort COLUMN [asc|desc]   columns: " + ProductColumn.allCases.map(\.rawValue).joined(separator: " ")),
        ("export", "export csv PATH | export history csv PATH"),
        ("stock", "stock N          stock arrived: N copies of the selected title available"),
        ("pause", "pause            pause the booking checker"),
        ("resume", "resume           resume the booking checker"),
        ("undo", "undo             undo the last action"),
        ("help", "help [COMMAND]   the commands, or one command's usage (? shows the keys)"),
        ("quit", "quit             stop the monitor"),
    ]

    /// At most this many ids in one command (a typo such as 1-1000000000 must not hang).
    public static let maxIds = 100_000

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public static func parse(_ text: String) -> Result<ConsoleCommand, Failure> {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first else { return .failure(Failure("type a command: \(names)")) }
        let name = first.lowercased()
        let rest = Array(words.dropFirst())
        func one(_ what: String) -> Result<String, Failure> {
            rest.count == 1 ? .success(rest[0]) : .failure(Failure("\(name): give \(what) (\(usage(name)))"))
        }
        switch name {
        case "avail", "unavail":
            guard !rest.isEmpty else { return .failure(Failure("\(name): give product ids, e.g. 1-20,25")) }
            return ids(rest.joined(separator: ","), command: name).map { name == "avail" ? .avail($0) : .unavail($0) }
        case "goto", "customer":
            return one("an id").flatMap { word in
                guard let id = Int32(word) else { return .failure(Failure("\(name): \(word): not an id")) }
                return .success(name == "goto" ? .goto(id) : .customer(id))
            }
        case "filter":
            let start = text.range(of: first)!.upperBound
            return .success(.filter(String(text[start...]).trimmingCharacters(in: .whitespaces)))
        case "sort":
            guard (1...2).contains(rest.count) else { return .failure(Failure("sort: \(usage("sort"))")) }
            guard let column = ProductColumn(rawValue: rest[0].lowercased()) else {
                return .failure(Failure("sort: \(rest[0]): not a column (\(ProductColumn.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            guard rest.count == 2 else { return .success(.sort(column, ascending: nil)) }
            switch rest[1].lowercased() {
            case "asc": return .success(.sort(column, ascending: true))
            case "desc": return .success(.sort(column, ascending: false))
            default: return .failure(Failure("sort: \(rest[1]): asc or desc"))
            }
        case "export":
            if rest.count == 2, rest[0].lowercased() == "csv" { return .success(.exportProducts(path: rest[1])) }
            if rest.count == 3, rest[0].lowercased() == "history", rest[1].lowercased() == "csv" {
                return .success(.exportHistory(path: rest[2]))
            }
            return .failure(Failure("export: \(usage("export"))"))
        case "stock":
            return one("a number of copies").flatMap { word in
                guard let count = Int(word), count > 0, count <= maxIds else {
                    return .failure(Failure("stock: \(word): a number of copies from 1 to \(maxIds)"))
                }
                return .success(.stock(count))
            }
        case "help":
            guard rest.count <= 1 else { return .failure(Failure("help: \(usage("help"))")) }
            guard let name = rest.first?.lowercased() else { return .success(.help(nil)) }
            guard commands.contains(where: { $0.name == name }) else {
                return .failure(Failure("help: \(name): not a command (\(names))"))
            }
            return .success(.help(name))
        case "pause", "resume", "undo", "quit", "q":
            guard rest.isEmpty else { return .failure(Failure("\(name) takes nothing after it")) }
            switch name {
            case "pause": return .success(.pause)
            case "resume": return .success(.resume)
            case "undo": return .success(.undo)
            default: return .success(.quit)
            }
        default:
            return .failure(Failure("\(first): not a command (\(names))"))
        }
    }

    static var names: String { commands.map(\.name).joined(separator: ", ") }

    /// `:help`'s line: every command with its arguments.
    public static var summary: String {
        "commands: " + commands.map { $0.usage.components(separatedBy: "  ").first!.trimmingCharacters(in: .whitespaces) }
            .joined(separator: ", ") + " (:help NAME for one; ? for the keys)"
    }

    public static func usage(_ name: String) -> String { commands.first { $0.name == name }?.usage ?? name }

    /// `1-20,25` as ids in the order given, each once. `command` names the command in errors.
    public static func ids(_ text: String, command: String) -> Result<[Int32], Failure> {
        var result: [Int32] = []
        var seen = Set<Int32>()
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard let low = Int32(bounds[0]), bounds.count == 1 || Int32(bounds[1]) != nil else {
                return .failure(Failure("\(command): \(part): not an id range"))
            }
            let high = bounds.count == 2 ? Int32(bounds[1])! : low
            guard low <= high else { return .failure(Failure("\(command): \(part): the range runs backwards")) }
            guard Int(high) - Int(low) + result.count < maxIds else {
                return .failure(Failure("\(command): more than \(maxIds) ids at once"))
            }
            for id in low...high where seen.insert(id).inserted { result.append(id) }
        }
        guard !result.isEmpty else { return .failure(Failure("\(command): give product ids, e.g. 1-20,25")) }
        return .success(result)
    }

    /// Tab: the text with its last word completed as far as the candidates agree, and the
    /// candidates when there are several (command names, then per command: sort columns and
    /// directions, `csv`/`history`).
    public static func complete(_ text: String) -> (text: String, candidates: [String]) {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if text.hasSuffix(" ") || words.isEmpty { words.append("") }
        let partial = words.last!.lowercased()
        let options: [String]
        switch (words.count, words.first!.lowercased()) {
        case (1, _): options = commands.map(\.name)
        case (2, "sort"): options = ProductColumn.allCases.map(\.rawValue)
        case (3, "sort"): options = ["asc", "desc"]
        case (2, "export"): options = ["csv", "history"]
        case (3, "export") where words[1].lowercased() == "history": options = ["csv"]
        default: options = []
        }
        let matching = options.filter { $0.hasPrefix(partial) }
        guard let firstMatch = matching.first else { return (text, []) }
        var common = firstMatch
        for option in matching.dropFirst() {
            while !option.hasPrefix(common) { common.removeLast() }
        }
        words[words.count - 1] = common
        var completed = words.joined(separator: " ")
        if matching.count == 1 { completed += " " }
        return (completed, matching.count > 1 ? matching : [])
    }

    /// Tab on the PATH of `export csv PATH` / `export history csv PATH`: the path completed as
    /// far as the entries of its directory agree (a directory gets its `/`), and the
    /// candidates when several fit; nil when the text is not at a path. `listing` gives a
    /// directory's entries, directories ending in `/` (the controller reads the file system).
    public static func completePath(_ text: String, listing: (String) -> [String]) -> (text: String, candidates: [String])? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let atPath = words.count >= 1 && words[0].lowercased() == "export" && !text.hasSuffix(" ")
            && (words.count == 3 && words[1].lowercased() == "csv"
                || words.count == 4 && words[1].lowercased() == "history" && words[2].lowercased() == "csv")
        let afterCsv = text.hasSuffix(" ") && (words.count == 2 && words.last?.lowercased() == "csv"
                                              || words.count == 3 && words.last?.lowercased() == "csv")
        guard atPath || afterCsv else { return nil }
        let partial = afterCsv ? "" : words.last!
        let slash = partial.lastIndex(of: "/")
        let directory = slash.map { String(partial[...$0]) } ?? ""
        let name = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let matching = listing(directory.isEmpty ? "." : directory).filter { $0.hasPrefix(name) }.sorted()
        guard let first = matching.first else { return (text, []) }
        var common = first
        for entry in matching.dropFirst() {
            while !entry.hasPrefix(common) { common.removeLast() }
        }
        let prefix = afterCsv ? text : String(text.dropLast(partial.count))
        return (prefix + directory + common, matching.count > 1 ? matching : [])
    }
}
