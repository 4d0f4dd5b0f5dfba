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

/// What the console does outside itself: the monitor (or the link) executes these.
public enum Effect: Sendable, Hashable {
    case setAvailability(productId: Int32, isAvailable: Bool)
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
