import Foundation

/// The customers waiting for one title, head first, as the Orchestrator last pushed them.
public struct CustomerQueue: Sendable, Equatable, Hashable, Codable {
    public var title: String
    public var customers: [Int32]

    public init(title: String, customers: [Int32]) {
        self.title = title
        self.customers = customers
    }
}

/// One set-queue push: the whole list of queues, replacing the previous snapshot.
public struct QueueSnapshot: Sendable, Equatable {
    /// Increases by one with every push this store has received; bookings remember it.
    public var sequence: Int64
    public var receivedAt: Date?
    public var queues: [CustomerQueue]

    public init(sequence: Int64, receivedAt: Date?, queues: [CustomerQueue]) {
        self.sequence = sequence
        self.receivedAt = receivedAt
        self.queues = queues
    }

    public static let empty = QueueSnapshot(sequence: 0, receivedAt: nil, queues: [])

    public var customerCount: Int { queues.reduce(0) { $0 + $1.customers.count } }
}

extension CustomerQueue {
    /// The same title (byte for byte) and the same customers in the same order. Two pushes that
    /// share a queue's storage (an unchanged segment, `SetQueueStream`) compare in constant time.
    public func isSame(as other: CustomerQueue) -> Bool {
        customers == other.customers && TitleKey.same(title, other.title)
    }
}

extension QueueSnapshot {
    /// The positions whose queue is not the same as `previous`'s at that position, ascending:
    /// what a store writes for this push when it holds `previous` (positions past this push's
    /// end are dropped).
    public func positionsChanged(from previous: [CustomerQueue]) -> [Int] {
        queues.indices.filter { $0 >= previous.count || !queues[$0].isSame(as: previous[$0]) }
    }
}
