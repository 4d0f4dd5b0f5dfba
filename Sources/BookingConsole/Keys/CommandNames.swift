/// Commands by name, as config.toml's `[keys]` table spells them. One line a command: a new
/// command is bindable from the file once it has its line here (a test checks that every
/// command of the keymap has one).
extension Command {
    public static let names: [(name: String, command: Command)] = [
        ("move-up", .moveUp),
        ("move-down", .moveDown),
        ("page-up", .pageUp),
        ("page-down", .pageDown),
        ("first-row", .top),
        ("last-row", .bottom),
        ("next-pane", .nextPane),
        ("previous-pane", .previousPane),
        ("focus-products", .focus(.products)),
        ("focus-queues", .focus(.queues)),
        ("focus-activity", .focus(.activity)),
        ("toggle-availability", .toggleAvailability),
        ("set-available", .setAvailable),
        ("set-unavailable", .setUnavailable),
        ("filter", .startFilter),
        ("back", .clearFilter),
        ("toggle-pause", .togglePause),
        ("resend", .resend),
        ("toggle-generators", .toggleGenerators),
        ("help", .toggleHelp),
        ("outbox", .toggleOutbox),
        ("open", .open),
        ("customer", .askCustomer),
        ("toggle-mark", .toggleMark),
        ("mark-range", .markRange),
        ("mark-all", .markAll),
        ("clear-marks", .clearMarks),
        ("stock-arrived", .stockArrived),
        ("undo", .undo),
        ("command-line", .openCommandLine),
        ("sort-next", .sortNext),
        ("sort-reverse", .sortReverse),
        ("quit", .quit),
    ]

    /// nil for a name that is no command.
    public init?(name: String) {
        guard let entry = Self.names.first(where: { $0.name == name }) else { return nil }
        self = entry.command
    }

    /// The command's name in config.toml.
    public var name: String { Self.names.first { $0.command == self }?.name ?? "\(self)" }
}
