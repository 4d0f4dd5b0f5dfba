import Foundation

/// A terminal size in columns and rows.
public struct Size: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }

    /// Parses `120x40` (also `120×40`).
    public init?(parsing text: String) {
        let parts = text.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" })
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else { return nil }
        self.init(width: w, height: h)
    }
}

/// The selected row and the first visible row of a list pane.
public struct Cursor: Sendable, Hashable {
    public var selected = 0
    public var offset = 0

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }
}

/// A line under the panes that clears itself.
public struct StatusMessage: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case info, error }
    public var text: String
    public var kind: Kind
    public var expires: Date
}

/// "release product 12 from customer 14? y/N": asked before an action that cannot be taken
/// back by the console, such as handing a booked copy to the next customer.
public struct Confirmation: Sendable, Hashable {
    public var question: String
    public var effect: Effect
    /// Said when the answer is no.
    public var declined: String
}

/// A flip of several products in one store transaction (marked products, stock arriving,
/// `:avail IDS`).
public struct BulkRequest: Sendable, Hashable {
    public var productIds: [Int32]
    public var isAvailable: Bool
    /// What the operator asked for, for the message and the undo list ("3 marked products").
    public var label: String
    /// Said before the result ("only 2 of 5 copies were unavailable").
    public var note: String?
    /// The marks are cleared once it is done (it acted on them).
    public var clearsMarks: Bool

    public init(productIds: [Int32], isAvailable: Bool, label: String, note: String? = nil, clearsMarks: Bool = false) {
        self.productIds = productIds
        self.isAvailable = isAvailable
        self.label = label
        self.note = note
        self.clearsMarks = clearsMarks
    }
}

/// What the console does outside itself: the monitor (or the link) executes these.
public enum Effect: Sendable, Hashable {
    case setAvailability(productId: Int32, isAvailable: Bool)
    case bulk(BulkRequest)
    /// Puts the products of an action back (`Monitor.revert`).
    case undo(UndoEntry)
    /// `:export csv PATH`: the Products pane as shown (filter and sort applied).
    case exportProducts(path: String)
    /// `:export history csv PATH`: the store's history, newest first.
    case exportHistory(path: String)
    case setPaused(Bool)
    case resend
    case toggleGenerators
    case quit
}

/// A view that replaces the three panes (`Enter`, `c`); `Esc` goes back to the one before.
public enum ConsoleView: Sendable, Hashable {
    /// One product: every field, its booking and event, why it is (not) booked, its history.
    case product(Int32)
    /// One title's whole queue, each customer with its state and reason.
    case queue(String)
    /// One customer: place in every queue, what they got, pending events, why not, history.
    case customer(Int32)
}

/// Everything the console remembers between frames that the monitor does not: focus,
/// selection and scroll per pane, the filter, the message line, the help overlay.
public struct ConsoleState: Sendable, Hashable {
    public var size: Size
    public var focus: Pane = .products
    public var cursors: [Pane: Cursor] = [.products: Cursor(), .queues: Cursor(), .activity: Cursor()]
    public var filter = ""
    public var editingFilter = false
    public var message: StatusMessage?
    public var helpShown = false
    /// The undelivered events with their last answers in full (`o`).
    public var outboxShown = false
    /// A question on the message line that the next key answers (`y` carries the effect out).
    public var confirmation: Confirmation?
    public var readonly = false
    /// The views opened over the dashboard, the current one last (empty: the dashboard).
    public var views: [ConsoleView] = []
    /// Selection and scroll of the current view (reset when one opens or closes).
    public var viewCursor = Cursor()
    /// The customer id being typed after `c`; nil when not asking.
    public var customerPrompt: String?
    /// Marked products, by id (`m`, `V`, `*`); `a`/`u` act on them when there are any.
    public var marks: Set<Int32> = []
    /// The last product marked or unmarked with `m`: `V` marks from it to the selection.
    public var markAnchor: Int32?
    /// The Products pane's order; nil: by id.
    public var sort: ProductSort?
    /// The product the Products selection is on: kept on it when the rows move (a sort, a
    /// push that re-sorts), by id rather than row.
    public var selectedProduct: Int32?
    /// The `:` prompt while it is open.
    public var commandLine: CommandLineEditor?
    /// Commands run, oldest first (the controller loads and saves them across runs).
    public var commandHistory: [String] = []
    /// `+`: the title whose stock arrived and the number of copies being typed.
    public var stockPrompt: StockPrompt?
    /// Actions `U` can take back, newest last.
    public var undoStack: [UndoEntry] = []
    /// For times in messages (an undo's reason).
    public var timeZone: TimeZone = .current

    public var view: ConsoleView? { views.last }

    public static let messageLifetime: TimeInterval = 4

    public init(size: Size, readonly: Bool = false) {
        self.size = size
        self.readonly = readonly
    }

    public func cursor(_ pane: Pane) -> Cursor { cursors[pane] ?? Cursor() }

    public mutating func show(_ text: String, kind: StatusMessage.Kind = .info, now: Date) {
        message = StatusMessage(text: text, kind: kind, expires: now.addingTimeInterval(Self.messageLifetime))
    }

    /// Drops an expired message; true when that changed anything.
    @discardableResult
    public mutating func expireMessage(now: Date) -> Bool {
        guard let message, message.expires <= now else { return false }
        self.message = nil
        return true
    }
}
