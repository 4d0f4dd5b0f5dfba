import BookingCore
import Foundation

/// The monitor snapshot the console shows, with what the view derives from it once per change
/// rather than once per row: the filtered product rows and each title's queue length.
public struct ConsoleModel: Sendable {
    public private(set) var snapshot: MonitorSnapshot
    public private(set) var filter: String
    /// Indices into `snapshot.products` that match the filter; nil when there is no filter.
    private var matches: [Int]?
    public private(set) var queueLengths: [String: Int]

    public init(snapshot: MonitorSnapshot, filter: String = "") {
        self.snapshot = snapshot
        self.filter = filter
        self.matches = nil
        self.queueLengths = [:]
        refresh()
    }

    public mutating func update(_ snapshot: MonitorSnapshot) {
        self.snapshot = snapshot
        refresh()
    }

    public mutating func setFilter(_ filter: String) {
        guard filter != self.filter else { return }
        self.filter = filter
        matches = Self.match(filter, in: snapshot.products)
    }

    private mutating func refresh() {
        matches = Self.match(filter, in: snapshot.products)
        var lengths: [String: Int] = [:]
        for queue in snapshot.queues.queues { lengths[queue.title, default: 0] += queue.customers.count }
        queueLengths = lengths
    }

    /// Rows of the Products pane (after the filter).
    public var productCount: Int { matches?.count ?? snapshot.products.count }

    public func product(at row: Int) -> Product? {
        guard row >= 0, row < productCount else { return nil }
        return snapshot.products[matches?[row] ?? row]
    }

    public var queueCount: Int { snapshot.queues.queues.count }
    public var activityCount: Int { snapshot.activity.count }

    public func count(of pane: Pane) -> Int {
        switch pane {
        case .products: return productCount
        case .queues: return queueCount
        case .activity: return activityCount
        }
    }

    /// A filter matches a title containing it (ignoring case and diacritics) or, when it is a
    /// number, a product id starting with it.
    static func match(_ filter: String, in products: [Product]) -> [Int]? {
        let needle = filter.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return nil }
        let numeric = needle.allSatisfy(\.isASCII) && needle.allSatisfy(\.isNumber)
        var result: [Int] = []
        for (index, product) in products.enumerated() {
            if numeric, String(product.id).hasPrefix(needle) {
                result.append(index)
            } else if product.title.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil {
                result.append(index)
            }
        }
        return result
    }
}
