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
    /// `m`: marks or unmarks the selected product and moves down.
    case toggleMark
    /// `V`: marks every product from the last mark to the selection.
    case markRange
    /// `*`, Ctrl-A: marks every product shown (after the filter).
    case markAll
    /// `x`: clears the marks.
    case clearMarks
    /// `+`: stock arrived: asks how many copies of the selected title to make available.
    case stockArrived
    /// `U`, Ctrl-Z: undoes the last operator action while it can be undone.
    case undo
    /// `:`: the command line.
    case openCommandLine
    /// `s`: sorts Products by the next column.
    case sortNext
    /// `S`: reverses the sort.
    case sortReverse
    /// Sorts Products by a column; again on the same column reverses it (a heading click).
    case sortBy(ProductColumn)
    case quit

    /// Commands `--readonly` turns off.
    public var changesState: Bool {
        switch self {
        case .toggleAvailability, .setAvailable, .setUnavailable, .togglePause, .resend, .toggleGenerators,
             .stockArrived, .undo: return true
        default: return false
        }
    }
}
