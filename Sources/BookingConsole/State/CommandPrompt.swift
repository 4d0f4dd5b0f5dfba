import BookingCore
import Foundation

/// The `:` prompt being typed: its text, where ↑/↓ are in the history, and Tab's candidates.
public struct CommandLineEditor: Sendable, Hashable {
    public var text = ""
    /// The history entry shown (an index into `commandHistory`); nil: the text being typed.
    public var historyIndex: Int?
    /// What was typed before ↑ went into the history, given back by ↓ past the newest entry.
    public var draft = ""
    /// Tab's completions when more than one fits, shown after the text.
    public var candidates: [String] = []

    public init(text: String = "") { self.text = text }
}

/// `+`: stock arrived for a title; the number of copies being typed.
public struct StockPrompt: Sendable, Hashable {
    public var title: String
    public var typed = ""
}

extension ConsoleState {
    /// How many commands the history keeps (in memory and in its file).
    public static let commandHistoryLimit = 500

    mutating func editCommandLine(_ key: Key, model: ConsoleModel, now: Date) -> Effect? {
        guard var editor = commandLine else { return nil }
        editor.candidates = []
        switch key {
        case .escape, .control("c"):
            // Ctrl-C cancels a prompt as in a shell; it quits only from the dashboard.
            commandLine = nil
            return nil
        case .backspace:
            if editor.text.isEmpty { commandLine = nil; return nil }
            editor.text.removeLast()
        case .control("u"):
            editor.text = ""
        case .up:
            guard !commandHistory.isEmpty else { break }
            if editor.historyIndex == nil { editor.draft = editor.text }
            let index = max(0, (editor.historyIndex ?? commandHistory.count) - 1)
            editor.historyIndex = index
            editor.text = commandHistory[index]
        case .down:
            guard let index = editor.historyIndex else { break }
            if index + 1 < commandHistory.count {
                editor.historyIndex = index + 1
                editor.text = commandHistory[index + 1]
            } else {
                editor.historyIndex = nil
                editor.text = editor.draft
            }
        case .tab:
            let (text, candidates) = CommandLineSyntax.complete(editor.text)
            editor.text = text
            editor.candidates = candidates
        case .enter:
            commandLine = nil
            let text = editor.text.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            if commandHistory.last != text { commandHistory.append(text) }
            if commandHistory.count > Self.commandHistoryLimit {
                commandHistory.removeFirst(commandHistory.count - Self.commandHistoryLimit)
            }
            switch CommandLineSyntax.parse(text) {
            case .failure(let failure):
                show(failure.description, kind: .error, now: now)
                return nil
            case .success(let command):
                return run(command, model: model, now: now)
            }
        case .character(let c) where !(c.asciiValue.map { $0 < 0x20 } ?? false):
            editor.text.append(c)
            editor.historyIndex = nil
        default:
            break
        }
        commandLine = editor
        return nil
    }

    /// Carries out a parsed `:` command: what only moves the view here, the rest as effects.
    public mutating func run(_ command: ConsoleCommand, model: ConsoleModel, now: Date) -> Effect? {
        if command.changesState, readonly {
            let name = String(describing: command).prefix { $0 != "(" }
            show("read-only: :\(name) is off (--readonly)", kind: .error, now: now)
            return nil
        }
        switch command {
        case .avail(let ids), .unavail(let ids):
            let target: Bool
            if case .avail = command { target = true } else { target = false }
            let name = target ? "avail" : "unavail"
            let known = Set(model.snapshot.products.map(\.id))
            if let unknown = ids.first(where: { !known.contains($0) }) {
                show("\(name): no product \(unknown) in this group; nothing was changed", kind: .error, now: now)
                return nil
            }
            return bulk(BulkRequest(productIds: ids, isAvailable: target, label: ":\(name) \(Self.counted(ids.count))"),
                        model: model, now: now)
        case .goto(let id):
            guard model.snapshot.products.contains(where: { $0.id == id }) else {
                show("goto: no product \(id) in this group", kind: .error, now: now)
                return nil
            }
            views = []
            focus = .products
            if model.row(of: id) == nil {
                // Hidden by the filter: the controller clears it and the selection follows the id.
                setFilter("")
                show("goto: product \(id) was hidden by the filter; the filter is cleared", now: now)
            }
            selectedProduct = id
            if let row = model.row(of: id) { select(row: row, model: model) }
        case .customer(let id):
            openView(.customer(id))
        case .filter(let text):
            focus = .products
            setFilter(text)
        case .sort(let column, let ascending):
            sortBy(column, ascending: ascending, now: now)
        case .exportProducts(let path):
            return .exportProducts(path: path)
        case .exportHistory(let path):
            return .exportHistory(path: path)
        case .stock(let count):
            return stockArrived(count: count, model: model, now: now)
        case .pause:
            return model.snapshot.paused ? nil : .setPaused(true)
        case .resume:
            return model.snapshot.paused ? .setPaused(false) : nil
        case .undo:
            return undoLast(model: model, now: now)
        case .help(let name):
            show(name.map { ":" + CommandLineSyntax.usage($0) } ?? CommandLineSyntax.summary, now: now)
        case .quit:
            return .quit
        }
        return nil
    }

    mutating func editStockPrompt(_ key: Key, model: ConsoleModel, now: Date) -> Effect? {
        guard var prompt = stockPrompt else { return nil }
        switch key {
        case .escape, .control("c"):
            stockPrompt = nil
        case .backspace:
            prompt.typed = String(prompt.typed.dropLast())
            stockPrompt = prompt
        case .enter:
            stockPrompt = nil
            guard let count = Int(prompt.typed), count > 0, count <= CommandLineSyntax.maxIds else {
                show("stock: a number of copies from 1 to \(CommandLineSyntax.maxIds), got \"\(prompt.typed)\"",
                     kind: .error, now: now)
                return nil
            }
            return stockArrived(count: count, title: prompt.title, model: model, now: now)
        case .character(let c) where c.isASCII && c.isNumber:
            if prompt.typed.count < 6 { prompt.typed.append(c) }
            stockPrompt = prompt
        default:
            break
        }
        return nil
    }

    /// Stock arrived: `count` copies of `title` (default: the selected product's) made
    /// available, chosen among its unavailable, unbooked copies, lowest id first.
    mutating func stockArrived(count: Int, title: String? = nil, model: ConsoleModel, now: Date) -> Effect? {
        guard let title = title ?? model.product(at: cursor(.products).selected)?.title else {
            show("stock: select a product of the title first", kind: .error, now: now)
            return nil
        }
        let copies = model.snapshot.products.filter { TitleKey.same($0.title, title) && $0.status == .unavailable }
        guard !copies.isEmpty else {
            show("stock: no copy of «\(title)» is unavailable and unbooked; nothing to make available", kind: .error, now: now)
            return nil
        }
        let chosen = copies.prefix(count).map(\.id)
        let note = chosen.count < count
            ? "only \(chosen.count) of \(count) copies of «\(title)» were unavailable and unbooked" : nil
        return .bulk(BulkRequest(productIds: chosen, isAvailable: true,
                                 label: "stock «\(title)» \(Self.counted(chosen.count))", note: note))
    }

    static func counted(_ count: Int) -> String { count == 1 ? "1 product" : "\(count) products" }
}
