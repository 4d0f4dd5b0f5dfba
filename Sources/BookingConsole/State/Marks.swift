import BookingCore
import Foundation

/// Marks and the bulk actions on them: `m` marks one and moves down, `V` marks from the last
/// mark to the selection, `*`/Ctrl-A marks every product shown (after the filter), `x` clears.
extension ConsoleState {
    mutating func toggleMark(model: ConsoleModel, now: Date) {
        guard let product = selectedForMarking(model: model, now: now) else { return }
        if marks.remove(product.id) == nil { marks.insert(product.id) }
        markAnchor = product.id
        select(row: cursor(.products).selected + 1, model: model)
    }

    mutating func markRange(model: ConsoleModel, now: Date) {
        guard let product = selectedForMarking(model: model, now: now) else { return }
        let here = cursor(.products).selected
        let from = markAnchor.flatMap { model.row(of: $0) } ?? here
        for row in min(from, here)...max(from, here) {
            if let id = model.product(at: row)?.id { marks.insert(id) }
        }
        markAnchor = product.id
        show("\(marks.count) marked", now: now)
    }

    mutating func markAllShown(model: ConsoleModel, now: Date) {
        for row in 0..<model.productCount { marks.insert(model.product(at: row)!.id) }
        show("\(marks.count) marked\(filter.isEmpty ? "" : " (every product the filter shows)")", now: now)
    }

    mutating func clearMarks(now: Date) {
        guard !marks.isEmpty else { return }
        show("\(marks.count) marks cleared", now: now)
        marks = []
        markAnchor = nil
    }

    private mutating func selectedForMarking(model: ConsoleModel, now: Date) -> Product? {
        guard focus == .products else {
            show("marks are for products: press 1 first", kind: .error, now: now)
            return nil
        }
        guard let product = model.product(at: cursor(.products).selected) else {
            show("no product selected", kind: .error, now: now)
            return nil
        }
        return product
    }

    /// `a`/`u` with marks: one bulk request for every marked product.
    mutating func actOnMarks(available: Bool, model: ConsoleModel, now: Date) -> Effect? {
        let ids = marks.sorted()
        return bulk(BulkRequest(productIds: ids, isAvailable: available, label: "\(Self.counted(ids.count)) marked",
                                clearsMarks: true), model: model, now: now)
    }

    /// A bulk request, asking first when it would release booked products from their customers.
    mutating func bulk(_ request: BulkRequest, model: ConsoleModel, now: Date) -> Effect? {
        let wanted = Set(request.productIds)
        let products = model.snapshot.products.filter { wanted.contains($0.id) }
        let changing = products.filter { $0.isAvailable != request.isAvailable }
        guard !changing.isEmpty else {
            show("nothing to change: \(request.label) \(products.count == 1 ? "is" : "are") \(request.isAvailable ? "available" : "unavailable") already",
                 now: now)
            return nil
        }
        let booked = request.isAvailable ? changing.filter { $0.status == .booked } : []
        guard booked.isEmpty else {
            let who = booked.prefix(3).map { "\($0.id) from customer \($0.bookedBy ?? 0)" }.joined(separator: ", ")
                + (booked.count > 3 ? ", …" : "")
            let question = booked.count == 1
                ? "release product \(booked[0].id) from customer \(booked[0].bookedBy ?? 0)"
                : "release \(booked.count) booked products from their customers (\(who))"
            let next = booked.count == 1 ? "the next in its queue gets it" : "the next in each queue gets them"
            confirmation = Confirmation(
                question: "\(question)? \(next); the Orchestrator is not told  y/N",
                effect: .bulk(request), declined: "nothing changed: \(booked.count) booked product\(booked.count == 1 ? "" : "s") stay booked")
            return nil
        }
        return .bulk(request)
    }

    // MARK: Sort

    /// `s`: the next column (from no sort: status, since id is the order already).
    mutating func sortNextColumn(now: Date) {
        let column = (sort?.column ?? .id).next
        sortBy(column, ascending: true, now: now)
    }

    /// `S`: the other direction.
    mutating func reverseSort(now: Date) {
        let current = sort ?? ProductSort(.id)
        sortBy(current.column, ascending: !current.ascending, now: now)
    }

    /// A column and a direction; nil direction: ascending, or the other one when the column is
    /// the sorted one already (a click on its heading). The selection stays on its product.
    public mutating func sortBy(_ column: ProductColumn, ascending: Bool?, now: Date) {
        let current = sort ?? ProductSort(.id)
        let direction = ascending ?? (current.column == column ? !current.ascending : true)
        let next = ProductSort(column, ascending: direction)
        sort = next == ProductSort(.id) ? nil : next
        show("sorted by \(next.column.rawValue), \(next.ascending ? "ascending" : "descending")", now: now)
    }
}
