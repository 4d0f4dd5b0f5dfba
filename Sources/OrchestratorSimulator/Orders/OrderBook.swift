/// The Orchestrator's state as the original keeps it: every order ever placed, never removed.
/// A booking event moves its order to the back of the title's queue (priority += 1).
/// A plain value: no I/O, no clock, so the queue rules are tested directly.
public struct OrderBook: Sendable, Equatable {
    public struct Order: Sendable, Equatable {
        /// Arrival order, from 1: breaks ties between equal priorities.
        public var id: Int
        public var customerId: Int32
        public var title: String
        /// How many booking events this order has received.
        public var priority: Int

        public init(id: Int, customerId: Int32, title: String, priority: Int) {
            self.id = id
            self.customerId = customerId
            self.title = title
            self.priority = priority
        }
    }

    /// One title's queue, head first, as pushed to the monitors.
    public struct Queue: Sendable, Equatable {
        public var title: String
        public var customers: [Int32]

        public init(title: String, customers: [Int32]) {
            self.title = title
            self.customers = customers
        }
    }

    /// A booking event that was applied (repeats are not recorded twice).
    public struct Event: Sendable, Equatable {
        public var key: String?
        public var customerId: Int32
        public var title: String
        public var orderId: Int
        /// Extra fields a monitor may send along (the original ignores them).
        public var productId: Int32?
        public var group: String?
    }

    public enum EventOutcome: Sendable, Equatable {
        case applied(Order)
        /// The idempotency key was seen before: nothing changes.
        case repeated
        /// No order, or more than one, matches (customer, title): the original answers 500.
        case unmatched(count: Int)
    }

    public private(set) var orders: [Order] = []
    public private(set) var events: [Event] = []
    public private(set) var repeats = 0
    private var keys: Set<String> = []
    /// Orders grouped by title, kept as they change, so an event costs its title's queue and not
    /// every order (a big shop has a million): title (UTF-8 bytes) → its place in `queues`.
    private var titlePlaces: [[UInt8]: Int] = [:]
    /// Indexes into `orders`, by title, in arrival order.
    private var ordersByTitle: [[Int]] = []
    /// Orders grouped by title (titles in order of their first order), each queue ordered by
    /// priority, then arrival. Titles compare by their UTF-8 bytes, as .NET's ordinal
    /// comparison does (Swift's `String ==` would join «Йод» in NFC and in NFD). An unchanged
    /// queue keeps its storage from one push to the next.
    public private(set) var queues: [Queue] = []

    public init() {}

    @discardableResult
    public mutating func add(customer: Int32, title: String) -> Order {
        let (order, place) = append(customer: customer, title: title)
        rebuildQueue(at: place)
        return order
    }

    /// Many orders at once: each title's queue is ordered once, not once an order.
    public mutating func add(contentsOf new: [(customer: Int32, title: String)]) {
        var touched = Set<Int>()
        for order in new { touched.insert(append(customer: order.customer, title: order.title).place) }
        for place in touched { rebuildQueue(at: place) }
    }

    private mutating func append(customer: Int32, title: String) -> (order: Order, place: Int) {
        let order = Order(id: orders.count + 1, customerId: customer, title: title, priority: 0)
        orders.append(order)
        let key = Array(title.utf8)
        let place: Int
        if let known = titlePlaces[key] {
            place = known
        } else {
            place = queues.count
            titlePlaces[key] = place
            ordersByTitle.append([])
            queues.append(Queue(title: title, customers: []))
        }
        ordersByTitle[place].append(orders.count - 1)
        return (order, place)
    }

    /// Applies a booking event once per `key`. Events without a key (the original monitor sent
    /// none) are applied every time.
    public mutating func apply(key: String?, customer: Int32, title: String,
                               productId: Int32? = nil, group: String? = nil) -> EventOutcome {
        if let key, keys.contains(key) {
            repeats += 1
            return .repeated
        }
        let place = titlePlaces[Array(title.utf8)]
        let matches = place.map { ordersByTitle[$0].filter { orders[$0].customerId == customer } } ?? []
        guard matches.count == 1, let index = matches.first, let place else { return .unmatched(count: matches.count) }
        orders[index].priority += 1
        rebuildQueue(at: place)
        if let key { keys.insert(key) }
        events.append(Event(key: key, customerId: customer, title: title, orderId: orders[index].id,
                            productId: productId, group: group))
        return .applied(orders[index])
    }

    private mutating func rebuildQueue(at place: Int) {
        let sorted = ordersByTitle[place].sorted { (orders[$0].priority, $0) < (orders[$1].priority, $1) }
        queues[place].customers = sorted.map { orders[$0].customerId }
    }
}
