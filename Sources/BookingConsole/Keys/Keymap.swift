/// One row of the keymap: the keys, what they do, and how the footer and help show them.
public struct Binding: Sendable {
    public var keys: [Key]
    public var command: Command
    /// Short text for the footer; nil keeps the binding out of the footer.
    public var hint: String?
    /// The line in the `?` help.
    public var help: String
    /// The key label used in the footer and the help, when the keys' own labels are too long.
    public var label: (@Sendable (Bool) -> String)?
    /// A shorter label for the footer only (`↑↓` for moving, `q` for quitting).
    public var footerLabel: (@Sendable (Bool) -> String)?
    /// The hint comes after every other one: a wide footer shows it, a narrow one keeps the
    /// keys an operator needs first (quit, help).
    public var hintLater = false

    public init(_ keys: [Key], _ command: Command, hint: String? = nil, hintLater: Bool = false, help: String,
                label: (@Sendable (Bool) -> String)? = nil, footerLabel: (@Sendable (Bool) -> String)? = nil) {
        self.keys = keys
        self.command = command
        self.hint = hint
        self.hintLater = hintLater
        self.help = help
        self.label = label
        self.footerLabel = footerLabel
    }

    public func keyLabel(ascii: Bool) -> String {
        if let label { return label(ascii) }
        return keys.map { $0.label(ascii: ascii) }.joined(separator: "/")
    }
}

/// The one table of keys. The footer hints and the `?` help are drawn from it, so a binding
/// added here is documented on screen with no other change.
public struct Keymap: Sendable {
    public var bindings: [Binding]

    public static let standard = Keymap(bindings: [
        Binding([.up, .character("k")], .moveUp, help: "move up",
                label: { $0 ? "Up/k" : "↑/k" }),
        Binding([.down, .character("j")], .moveDown, hint: "move", help: "move down",
                label: { $0 ? "Down/j" : "↓/j" }, footerLabel: { $0 ? "j/k" : "↑↓" }),
        Binding([.pageUp, .control("b")], .pageUp, help: "page up"),
        Binding([.pageDown, .control("f")], .pageDown, help: "page down"),
        Binding([.home, .character("g")], .top, help: "first row", label: { _ in "g/Home" }),
        Binding([.end, .character("G")], .bottom, help: "last row", label: { _ in "G/End" }),
        Binding([.tab], .nextPane, hint: "pane", help: "focus the next pane"),
        Binding([.backTab], .previousPane, help: "focus the previous pane"),
        Binding([.character("1")], .focus(.products), help: "focus Products"),
        Binding([.character("2")], .focus(.queues), help: "focus Queues"),
        Binding([.character("3")], .focus(.activity), help: "focus Activity"),
        Binding([.space], .toggleAvailability, hint: "toggle", help: "toggle the selected product's availability"),
        Binding([.character("a")], .setAvailable, help: "make the selected (or marked) products available, books if queued"),
        Binding([.character("u")], .setUnavailable, help: "make the selected (or marked) products unavailable"),
        Binding([.character("m")], .toggleMark, hint: "mark", hintLater: true, help: "mark or unmark the selected product, move down"),
        Binding([.character("V")], .markRange, help: "mark from the last mark to the selected product"),
        Binding([.character("*"), .control("a")], .markAll, help: "mark every product shown (after the filter)",
                label: { _ in "*/Ctrl-A" }),
        Binding([.character("x")], .clearMarks, help: "clear the marks (a and u act on marked products)"),
        Binding([.character("+")], .stockArrived, hint: "stock", hintLater: true, help: "stock arrived: make N copies of the selected title available"),
        Binding([.character("U"), .control("z")], .undo, hint: "undo", hintLater: true, help: "undo the last change while it can be undone",
                label: { _ in "U/Ctrl-Z" }, footerLabel: { _ in "U" }),
        Binding([.character("s")], .sortNext, hint: "sort", hintLater: true, help: "sort products by the next column"),
        Binding([.character("S")], .sortReverse, help: "reverse the sort"),
        Binding([.character(":")], .openCommandLine, hint: "command", hintLater: true, help: "command line (:help lists its commands; Up/Down history, Tab completes)"),
        Binding([.character("/")], .startFilter, hint: "filter", help: "filter products by title or id (Enter keeps, Esc clears)"),
        Binding([.escape], .clearFilter, help: "go back from a view, clear the filter, close help"),
        Binding([.character("p")], .togglePause, hint: "pause", help: "pause or resume the booking checker"),
        Binding([.character("r")], .resend, hint: "resend", help: "resend pending and parked events now"),
        Binding([.character("o")], .toggleOutbox,
                help: "show undelivered events and the Orchestrator's last answer to each"),
        Binding([.character("?"), .function(1)], .toggleHelp, hint: "help", help: "show or hide this help",
                label: { _ in "?" }),
        Binding([.character("q"), .control("c")], .quit, hint: "quit", help: "quit (stops the monitor)",
                label: { _ in "q/Ctrl-C" }, footerLabel: { _ in "q" }),
        // Last, so the narrowest footer keeps the keys above.
        Binding([.enter], .open, hint: "detail",
                help: "open the selected product's detail or the selected queue in full (Esc goes back)"),
        Binding([.character("c")], .askCustomer, hint: "customer",
                help: "show a customer: type the id, Enter (queues, bookings, events, why not)"),
    ])

    /// `booking-monitor demo`: the standard keys plus `d`, which turns the generators on or off.
    public static let demo: Keymap = {
        var keymap = standard
        let help = keymap.bindings.firstIndex { $0.command == .toggleHelp } ?? keymap.bindings.endIndex
        keymap.bindings.insert(Binding([.character("d")], .toggleGenerators, hint: "demo",
                                       help: "demo: start or stop the customers ordering and the stock arriving"),
                               at: help)
        return keymap
    }()

    public func command(for key: Key) -> Command? {
        for binding in bindings where binding.keys.contains(key) { return binding.command }
        return nil
    }

    /// Footer hints in table order; `readonly` leaves out keys that would be refused.
    public func hints(readonly: Bool, ascii: Bool) -> [(key: String, text: String)] {
        let shown = bindings.filter { $0.hint != nil && !(readonly && $0.command.changesState) && !$0.keys.isEmpty }
        return (shown.filter { !$0.hintLater } + shown.filter(\.hintLater)).map { binding in
            (binding.footerLabel?(ascii) ?? binding.keyLabel(ascii: ascii), binding.hint!)
        }
    }

    /// How the footer names the key of `command` (its first key); nil when nothing is bound.
    public func label(for command: Command, ascii: Bool) -> String? {
        guard let binding = bindings.first(where: { $0.command == command }), !binding.keys.isEmpty else { return nil }
        return binding.footerLabel?(ascii) ?? binding.keys[0].label(ascii: ascii)
    }

    /// The keys of each command in `keys` replaced (the others keep theirs). A rebound
    /// command's labels are its keys' own; moving's short footer label goes when either
    /// direction is rebound.
    public func rebinding(_ keys: [Command: [Key]]) -> Keymap {
        var keymap = self
        for index in keymap.bindings.indices {
            let command = keymap.bindings[index].command
            if command == .moveDown, keys[.moveUp] != nil { keymap.bindings[index].footerLabel = nil }
            guard let new = keys[command] else { continue }
            keymap.bindings[index].keys = new
            keymap.bindings[index].label = nil
            keymap.bindings[index].footerLabel = nil
        }
        return keymap
    }

    /// Every key with the commands it is bound to, when more than one.
    public var conflicts: [(key: Key, commands: [Command])] {
        var seen: [Key: [Command]] = [:]
        var order: [Key] = []
        for binding in bindings {
            for key in binding.keys {
                if seen[key] == nil { order.append(key) }
                if seen[key]?.contains(binding.command) != true { seen[key, default: []].append(binding.command) }
            }
        }
        return order.compactMap { key in (seen[key]?.count ?? 0) > 1 ? (key, seen[key]!) : nil }
    }
}
