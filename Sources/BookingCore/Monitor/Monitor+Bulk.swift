import Foundation

/// One product's row before and after an operator's action: what an undo needs to put back,
/// and what must still hold for it to be put back.
public struct ProductChange: Sendable, Hashable {
    public var before: Product
    public var after: Product

    public init(before: Product, after: Product) {
        self.before = before
        self.after = after
    }
}

extension Product {
    /// The fields an action changes (availability and booking), not the catalog's.
    public func sameState(as other: Product) -> Bool {
        isAvailable == other.isAvailable && bookedBy == other.bookedBy && bookedAt == other.bookedAt
    }
}

public enum BulkError: Error, Equatable, CustomStringConvertible {
    /// An undo found a product no longer as the action left it (booked since, flipped by
    /// someone else): nothing was written.
    case changedSince(Product)
    /// An undo would take a product from the customer it is booked for (by the action itself
    /// or since): nothing was written.
    case wouldTakeBooking(Product)

    public var description: String {
        switch self {
        case .changedSince(let product):
            return "product \(product.id) changed since (\(product.status.rawValue) now); nothing was undone"
        case .wouldTakeBooking(let product):
            return "product \(product.id) is booked by customer \(product.bookedBy ?? 0); undo would take it from them, nothing was undone"
        }
    }
}

extension Monitor {
    /// A bulk flip (marked products, stock arriving, `:avail 1-20`): every flip, its history
    /// entry and the bookings the flips cause are one store transaction. An id not in this
    /// group changes nothing and is named (`MonitorError.unknownProduct`). Products already in
    /// the wanted state are left out of the result. Returns each changed product before the
    /// flip and as it is after it (booked, when the flip made it available to a queued title).
    @discardableResult
    public func setAvailability(productIds: [Int32], isAvailable: Bool, by actor: String = "api") throws -> [ProductChange] {
        var seen = Set<Int32>()
        let ids = productIds.filter { seen.insert($0).inserted }
        if let unknown = ids.first(where: { state.product(id: $0) == nil }), !store.isShared {
            throw MonitorError.unknownProduct(unknown)
        }
        if !store.isShared, ids.allSatisfy({ state.product(id: $0)?.isAvailable == isAvailable }) { return [] }
        let (flips, bookings) = try transact { tx -> ([ProductChange], [(Booking, Product)]) in
            var next = state
            var flips: [ProductChange] = []
            var titles = Set<TitleKey>()
            for id in ids {
                guard let before = state.product(id: id) else { throw MonitorError.unknownProduct(id) }
                guard before.isAvailable != isAvailable else { continue }
                var product = before
                product.isAvailable = isAvailable
                if isAvailable { product.bookedBy = nil; product.bookedAt = nil }
                try tx.update(product, was: before, source: actor, at: now())
                next.apply(.product(product))
                flips.append(ProductChange(before: before, after: product))
                if isAvailable { titles.insert(TitleKey(product.title)) }
            }
            let plan = titles.isEmpty ? [] : next.plan(titles: titles)
            return (flips, try write(plan, tx, extraAvailable: nil, planned: next))
        }
        guard !flips.isEmpty else { return [] }
        let word = isAvailable ? "available" : "unavailable"
        record(.operatorAction, flips.count == 1 ? "\(actor): product \(flips[0].after.id) \(word)"
               : "\(actor): \(flips.count) products \(word) (\(Self.idList(flips.map(\.after.id))))")
        for flip in flips { emit(state.apply(.product(flip.after))) }
        applyBookings(bookings)
        return flips.map { ProductChange(before: $0.before, after: state.product(id: $0.after.id) ?? $0.after) }
    }

    /// Undo: puts each product back as it was before an action (`change.before`), in one
    /// transaction, if every one is still as the action left it (`change.after`); otherwise
    /// writes nothing and throws `BulkError.changedSince` for the first that is not. A released
    /// copy goes back to the customer it was taken from, with its old booking: that booking
    /// and its event were never undone, and the Orchestrator, which was not told of the
    /// release, is not told of its undoing either. A product put back to available is booked
    /// at once if its title is queued, as any flip.
    @discardableResult
    public func revert(_ changes: [ProductChange], by actor: String) throws -> [ProductChange] {
        let (reverted, bookings) = try transact { tx -> ([ProductChange], [(Booking, Product)]) in
            var next = state
            var reverted: [ProductChange] = []
            var titles = Set<TitleKey>()
            for change in changes {
                guard let current = state.product(id: change.after.id) else {
                    throw MonitorError.unknownProduct(change.after.id)
                }
                if current.status == .booked, !current.sameState(as: change.before) {
                    throw BulkError.wouldTakeBooking(current)
                }
                guard current.sameState(as: change.after) else { throw BulkError.changedSince(current) }
                var product = current
                product.isAvailable = change.before.isAvailable
                product.bookedBy = change.before.bookedBy
                product.bookedAt = change.before.bookedAt
                try tx.update(product, was: current, source: actor, at: now())
                next.apply(.product(product))
                reverted.append(ProductChange(before: current, after: product))
                if product.isAvailable { titles.insert(TitleKey(product.title)) }
            }
            let plan = titles.isEmpty ? [] : next.plan(titles: titles)
            return (reverted, try write(plan, tx, extraAvailable: nil, planned: next))
        }
        guard !reverted.isEmpty else { return [] }
        record(.operatorAction, "\(actor): \(Self.counted(reverted.count)) put back (\(Self.idList(reverted.map(\.after.id))))")
        for change in reverted { emit(state.apply(.product(change.after))) }
        applyBookings(bookings)
        return reverted.map { ProductChange(before: $0.before, after: state.product(id: $0.after.id) ?? $0.after) }
    }

    static func counted(_ count: Int) -> String { count == 1 ? "1 product" : "\(count) products" }

    /// "1, 2, 5" or "1, 2, 3, 4, 5 and 995 more".
    static func idList(_ ids: [Int32]) -> String {
        let shown = ids.prefix(5).map(String.init).joined(separator: ", ")
        return ids.count > 5 ? "\(shown) and \(ids.count - 5) more" : shown
    }
}
