import BookingCore
import Foundation

/// One operator action the console can still take back: what each product it changed was
/// before and became after (as the monitor answered). `U`/Ctrl-Z undoes the newest one.
public struct UndoEntry: Sendable, Hashable {
    /// "product 12 available", "3 products unavailable", for messages.
    public var label: String
    public var changes: [ProductChange]
    public var at: Date

    public init(label: String, changes: [ProductChange], at: Date) {
        self.label = label
        self.changes = changes
        self.at = at
    }

    /// How many actions the stack keeps; older ones are forgotten.
    public static let stackLimit = 10

    /// Why this action can no longer be undone against the products as they are now, one
    /// reason per blocking product; empty when it can be. An action that booked a product, a
    /// product booked since, a released copy whose customer got another copy of its title
    /// since, or a product flipped by someone else all block: undoing would take a copy from
    /// a customer, give one twice, or overwrite another's change.
    public func blockers(current: (Int32) -> Product?, products: [Product], timeZone: TimeZone) -> [String] {
        var reasons: [String] = []
        var holding: [Int32: [Product]] = [:]
        if changes.contains(where: { $0.before.status == .booked }) {
            for product in products where product.status == .booked { holding[product.bookedBy!, default: []].append(product) }
        }
        for change in changes {
            let id = change.after.id
            guard let now = current(id) else {
                reasons.append("product \(id) is no longer in this group")
                continue
            }
            let bookedByAction = change.after.status == .booked && change.after.bookedAt != change.before.bookedAt
            if bookedByAction || (now.status == .booked && !now.sameState(as: change.after)) {
                let customer = now.bookedBy ?? change.after.bookedBy ?? 0
                let when = (now.bookedAt ?? change.after.bookedAt).map { " at " + TimeText.time($0, in: timeZone) } ?? ""
                reasons.append("product \(id) was booked by customer \(customer)\(when) \(bookedByAction && now.sameState(as: change.after) ? "by that action" : "since"); undo would take it from them")
                continue
            }
            guard now.sameState(as: change.after) else {
                reasons.append("product \(id) was made \(now.isAvailable ? "available" : "unavailable") since by someone else")
                continue
            }
            if change.before.status == .booked, let customer = change.before.bookedBy,
               let other = holding[customer]?.first(where: { $0.id != id && $0.bookedBy == customer && $0.status == .booked
                   && TitleKey.same($0.title, change.before.title) && ($0.bookedAt ?? .distantPast) >= at }) {
                reasons.append("customer \(customer) got product \(other.id) of «\(other.title)» since; undo would give them a second copy")
            }
        }
        return reasons
    }

    /// The message for an undo that is blocked: the first reason, and how many more.
    public static func blockedMessage(_ reasons: [String]) -> String {
        let more = reasons.count > 1 ? " (and \(reasons.count - 1) more product\(reasons.count == 2 ? "" : "s"))" : ""
        return "cannot undo: " + reasons[0] + more
    }
}

extension ConsoleState {
    /// Remembers an action the monitor carried out, for `U`.
    public mutating func remember(_ entry: UndoEntry) {
        guard !entry.changes.isEmpty else { return }
        undoStack.append(entry)
        if undoStack.count > UndoEntry.stackLimit { undoStack.removeFirst(undoStack.count - UndoEntry.stackLimit) }
    }

    /// `U`: the newest action's undo as an effect, or a message saying why not. A blocked
    /// action leaves the stack (it cannot become undoable again), so the next `U` looks at the
    /// one before it, which is checked on its own.
    mutating func undoLast(model: ConsoleModel, now: Date) -> Effect? {
        guard let entry = undoStack.last else {
            show("nothing to undo", kind: .error, now: now)
            return nil
        }
        let wanted = Set(entry.changes.map(\.after.id))
        var current: [Int32: Product] = [:]
        for product in model.snapshot.products where wanted.contains(product.id) { current[product.id] = product }
        let reasons = entry.blockers(current: { current[$0] }, products: model.snapshot.products, timeZone: timeZone)
        guard reasons.isEmpty else {
            undoStack.removeLast()
            show(UndoEntry.blockedMessage(reasons) + " (\(entry.label) dropped from undo)", kind: .error, now: now)
            return nil
        }
        return .undo(entry)
    }
}
