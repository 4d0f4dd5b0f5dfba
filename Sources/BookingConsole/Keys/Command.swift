/// The three panes, in focus order; `1`–`3` pick them.
public enum Pane: Int, Sendable, CaseIterable, Hashable {
    case products, queues, activity

    public var name: String {
        switch self {
        case .products: return "Products"
        case .queues: return "Queues"
        case .activity: return "Activity"
        }
    }
}

/// What a key asks for. The keymap turns keys into commands; `ConsoleState.reduce` applies the
/// ones that only move the view and returns an `Effect` for the ones the monitor executes.
public enum Command: Sendable, Hashable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case nextPane, previousPane
    case focus(Pane)
    case toggleAvailability
    case setAvailable
    case setUnavailable
    case startFilter
    case clearFilter
    case togglePause
    case resend
    /// The demo's customer and stock generators on or off (bound only in `Keymap.demo`).
    case toggleGenerators
    case toggleHelp
    /// The undelivered events and the Orchestrator's last answer to each, in full.
    case toggleOutbox
    /// `Enter`: the selected product's detail, or the selected queue in full.
    case open
    /// `c`: asks for a customer id, then shows that customer.
    case askCustomer
    case quit

    /// Commands `--readonly` turns off.
    public var changesState: Bool {
        switch self {
        case .toggleAvailability, .setAvailable, .setUnavailable, .togglePause, .resend, .toggleGenerators: return true
        default: return false
        }
    }
}
