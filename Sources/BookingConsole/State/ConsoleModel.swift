import BookingCore
import Foundation

/// The monitor snapshot the console shows, with what the view derives from it once per change
/// rather than once per row: the filtered product rows and each title's queue length.
public struct ConsoleModel: Sendable {
    public private(set) var snapshot: MonitorSnapshot
    public private(set) var filter: String
    /// The Products pane's order; nil: by id, as the monitor keeps them.
    public private(set) var sort: ProductSort?
    /// Indices into `snapshot.products` that match the filter; nil when there is no filter.
    private var matches: [Int]?
    /// `matches` (or every index) in `sort`'s order; nil when there is no sort. Sorted again
    /// only when the products, the filter or the sort change, not per frame.
    private var sorted: [Int]?
    /// What `sorted` was made from: the products' version, the filter, the queue push.
    private var sortedFrom: (version: UInt64, filter: String, queues: Int64)?
    /// Customers queued per title, by its bytes.
    public private(set) var queueLengths: [TitleKey: Int]
    /// The widest queue title in columns, for the Queues pane's first column.
    public private(set) var queueTitleWidth = 0
    /// Customers in all queues (`snapshot.queues.customerCount`, which walks every queue).
    public private(set) var queueCustomerCount = 0
    /// The queue snapshot `queueLengths`, `queueTitleWidth` and `queueCustomerCount` were derived from: a snapshot
    /// with 1M entries costs milliseconds to walk, so it is walked once per push, not per frame.
    private var queueSequence: Int64 = -1
    /// Titles folded for matching (lower case, no diacritics), aligned with
    /// `snapshot.products`, and the titles they were folded from. Kept across snapshots: a
    /// title that did not change is the same string storage, so checking costs little.
    private var foldedTitles: [String] = []
    private var foldedFrom: [String] = []
    /// The history of the product or customer the open view shows, newest first (read from
    /// the store by the controller when the view opens and after each change).
    public var viewHistory: [HistoryEntry] = []
    /// When each product last changed (htop's highlight_changes), by id, and each queue, by
    /// title: derived by comparing a snapshot with the one before. Entries past
    /// `highlightFor` are dropped on the next update.
    public private(set) var productChanges: [Int32: Date] = [:]
    public private(set) var queueChanges: [TitleKey: Date] = [:]
    /// The queues of the snapshot before, to tell which queue a push changed. An unchanged
    /// queue shares its storage with the one before (`SetQueueStream`), so comparing is cheap.
    private var previousQueues: [CustomerQueue] = []
    /// Bookings per minute over the last hour (the header's sparkline).
    public var rate = BookingRate()
    public static let highlightFor: TimeInterval = 5

    public init(snapshot: MonitorSnapshot, filter: String = "", sort: ProductSort? = nil) {
        self.snapshot = snapshot
        self.filter = filter
        self.sort = sort
        self.matches = nil
        self.queueLengths = [:]
        refresh()
    }

    /// `now`: when the snapshot was taken; with it, what changed since the last one is noted
    /// (rows to highlight, bookings to count).
    public mutating func update(_ snapshot: MonitorSnapshot, now: Date? = nil) {
        let previous = self.snapshot
        self.snapshot = snapshot
        refresh(now: now)
        guard let now else { return }
        let booked = snapshot.totals.bookings - previous.totals.bookings
        if booked > 0 { rate.record(booked, at: now, now: now) }
        noteProductChanges(from: previous.products, to: snapshot.products, now: now)
        productChanges = productChanges.filter { now.timeIntervalSince($0.value) < Self.highlightFor }
        queueChanges = queueChanges.filter { now.timeIntervalSince($0.value) < Self.highlightFor }
    }

    /// One pass over the products: by position while ids line up (the usual case: the same
    /// catalog, in id order), by id otherwise.
    private mutating func noteProductChanges(from old: [Product], to new: [Product], now: Date) {
        if old.count == new.count {
            var aligned = true
            for index in new.indices where old[index] != new[index] {
                guard old[index].id == new[index].id else { aligned = false; break }
                productChanges[new[index].id] = now
            }
            if aligned { return }
        }
        let before = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for product in new where before[product.id] != product { productChanges[product.id] = now }
    }

    /// True while the product's change is highlighted.
    public func changedRecently(product id: Int32, now: Date) -> Bool {
        productChanges[id].map { now.timeIntervalSince($0) < Self.highlightFor } ?? false
    }

    public func changedRecently(queue title: String, now: Date) -> Bool {
        queueChanges[TitleKey(title)].map { now.timeIntervalSince($0) < Self.highlightFor } ?? false
    }

    /// When the next highlight ends, for the redraw that removes it.
    public var nextHighlightExpiry: Date? {
        let latest = (productChanges.values.min().map { [$0] } ?? []) + (queueChanges.values.min().map { [$0] } ?? [])
        return latest.min().map { $0.addingTimeInterval(Self.highlightFor) }
    }

    public mutating func setFilter(_ filter: String) {
        guard filter != self.filter else { return }
        self.filter = filter
        rematch()
        resort()
    }

    public mutating func setSort(_ sort: ProductSort?) {
        guard sort != self.sort else { return }
        self.sort = sort
        resort()
    }

    private mutating func refresh(now: Date? = nil) {
        rematch()
        defer { resort() }
        guard snapshot.queues.sequence != queueSequence || queueSequence == 0 else { return }
        let first = queueSequence < 0
        queueSequence = snapshot.queues.sequence
        var lengths: [TitleKey: Int] = [:]
        lengths.reserveCapacity(snapshot.queues.queues.count)
        var width = 0
        var customers = 0
        let previous = previousQueues
        var previousByTitle: [TitleKey: [Int32]]?  // built only when titles moved
        for (position, queue) in snapshot.queues.queues.enumerated() {
            let key = TitleKey(queue.title)
            lengths[key, default: 0] += queue.customers.count
            width = max(width, DisplayWidth.of(queue.title))
            customers += queue.customers.count
            guard !first, let now else { continue }
            let before: [Int32]?
            if position < previous.count, TitleKey.same(previous[position].title, queue.title) {
                before = previous[position].customers
            } else {
                if previousByTitle == nil {
                    previousByTitle = Dictionary(previous.map { (TitleKey($0.title), $0.customers) },
                                                 uniquingKeysWith: { first, _ in first })
                }
                before = previousByTitle?[key]
            }
            if before != queue.customers { queueChanges[key] = now }
        }
        previousQueues = snapshot.queues.queues
        queueLengths = lengths
        queueTitleWidth = width
        queueCustomerCount = customers
    }

    /// Rows of the Products pane (after the filter).
    public var productCount: Int { matches?.count ?? snapshot.products.count }

    public func product(at row: Int) -> Product? {
        guard row >= 0, row < productCount else { return nil }
        return snapshot.products[sorted?[row] ?? matches?[row] ?? row]
    }

    /// The row showing product `id`, nil when the filter hides it (a linear walk: called
    /// once per change to keep the selection on its product, not per frame).
    public func row(of id: Int32) -> Int? {
        if sorted == nil, matches == nil {
            // Sorted by id: a binary search.
            var low = 0, high = snapshot.products.count
            while low < high {
                let middle = (low + high) / 2
                if snapshot.products[middle].id < id { low = middle + 1 } else { high = middle }
            }
            return low < snapshot.products.count && snapshot.products[low].id == id ? low : nil
        }
        let products = snapshot.products
        if let sorted { return sorted.firstIndex { products[$0].id == id } }
        return matches?.firstIndex { products[$0].id == id }
    }

    /// The products as the pane shows them: filtered, in the sort's order.
    public var shownProducts: [Product] {
        (0..<productCount).map { product(at: $0)! }
    }

    private mutating func resort() {
        guard let sort, sort != ProductSort(.id) else {
            sorted = nil
            sortedFrom = nil
            return
        }
        let version = snapshot.productsVersion
        if version != 0, let from = sortedFrom, from.version == version, from.filter == filter,
           from.queues == queueSequence, sorted != nil, lastSort == sort {
            return
        }
        foldTitles()
        sorted = ProductSort.order(matches ?? Array(snapshot.products.indices), products: snapshot.products,
                                   folded: foldedTitles, queueLengths: queueLengths, by: sort)
        sortedFrom = (version, filter, queueSequence)
        sortCount += 1
        lastSort = sort
    }

    private var lastSort: ProductSort?
    /// How many times the rows were sorted: once per change of the products, the filter or
    /// the sort, never per frame (a test reads it).
    public private(set) var sortCount = 0

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
    private mutating func rematch() {
        let needle = Self.fold(filter.trimmingCharacters(in: .whitespaces))
        guard !needle.isEmpty else {
            matches = nil
            return
        }
        let products = snapshot.products
        foldTitles()
        let numeric = needle.allSatisfy { $0.isASCII && $0.isNumber }
        let bytes = Array(needle.utf8)
        var result: [Int] = []
        for index in products.indices {
            if numeric, String(products[index].id).hasPrefix(needle) {
                result.append(index)
            } else if Self.contains(foldedTitles[index], bytes) {
                result.append(index)
            }
        }
        matches = result
    }

    /// Brings `foldedTitles` up to date with the products' titles.
    private mutating func foldTitles() {
        let products = snapshot.products
        if foldedFrom.count != products.count {
            foldedFrom = products.map(\.title)
            foldedTitles = foldedFrom.map(Self.fold)
        } else {
            for index in products.indices where !TitleKey.same(foldedFrom[index], products[index].title) {
                foldedFrom[index] = products[index].title
                foldedTitles[index] = Self.fold(products[index].title)
            }
        }
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Substring search on UTF-8 bytes (both sides folded the same way).
    private static func contains(_ haystack: String, _ needle: [UInt8]) -> Bool {
        var haystack = haystack
        return haystack.withUTF8 { text in
            guard needle.count <= text.count, let first = needle.first else { return needle.isEmpty }
            var start = 0
            let last = text.count - needle.count
            while start <= last {
                if text[start] == first {
                    var offset = 1
                    while offset < needle.count, text[start + offset] == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
