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
