import BookingCore
import Foundation

/// A sortable column of the Products pane (the description is not one).
public enum ProductColumn: String, Sendable, CaseIterable, Hashable {
    case id, status, title, customer, booked, queue

    /// The next column for `s`, in the pane's left-to-right order.
    public var next: ProductColumn {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// The Products pane's order: a column and a direction. No sort (nil in `ConsoleState`) is
/// id ascending, the monitor's own order, and draws no arrow.
public struct ProductSort: Sendable, Hashable {
    public var column: ProductColumn
    public var ascending: Bool

    public init(_ column: ProductColumn, ascending: Bool = true) {
        self.column = column
        self.ascending = ascending
    }

    public func arrow(ascii: Bool) -> String {
        ascending ? (ascii ? "^" : "▲") : (ascii ? "v" : "▼")
    }

    /// Row order for `indices` of `products` (the filter's matches, or all). Ties keep id
    /// order; descending is the exact reverse of ascending. `folded` holds each product's
    /// title folded as the filter folds it (case and accents ignored), aligned with `products`.
    static func order(_ indices: [Int], products: [Product], folded: [String], queueLengths: [TitleKey: Int],
                      by sort: ProductSort) -> [Int] {
        var result = indices
        switch sort.column {
        case .id:
            break  // `products` is sorted by id already
        case .status:
            let rank: (Product) -> Int = { ["A": 0, "B": 1, "U": 2][$0.status.rawValue] ?? 3 }
            let keys = products.map(rank)
            result.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        case .title:
            result.sort { folded[$0] != folded[$1] ? folded[$0] < folded[$1] : $0 < $1 }
        case .customer:
            // Not booked last.
            let keys = products.map { $0.status == .booked ? Int64($0.bookedBy ?? 0) : Int64.max }
            result.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        case .booked:
            let keys = products.map { $0.status == .booked ? ($0.bookedAt?.timeIntervalSince1970 ?? 0) : .infinity }
            result.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        case .queue:
            let keys = products.map { queueLengths[TitleKey($0.title)] ?? 0 }
            result.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
        }
        if !sort.ascending { result.reverse() }
        return result
    }
}
