import Foundation

/// A product of this instance's group: one physical copy of a title.
public struct Product: Sendable, Equatable, Hashable {
    public var id: Int32
    public var title: String
    public var description: String
    public var isAvailable: Bool
    /// The customer the product was last booked for, while it stays unavailable after that booking.
    public var bookedBy: Int32?
    public var bookedAt: Date?

    public init(id: Int32, title: String, description: String, isAvailable: Bool,
                bookedBy: Int32? = nil, bookedAt: Date? = nil) {
        self.id = id
        self.title = title
        self.description = description
        self.isAvailable = isAvailable
        self.bookedBy = bookedBy
        self.bookedAt = bookedAt
    }

    /// What the console shows: A available, B booked (unavailable because of a booking),
    /// U unavailable for any other reason.
    public enum Status: Character, Sendable {
        case available = "A"
        case booked = "B"
        case unavailable = "U"
    }

    public var status: Status {
        if isAvailable { return .available }
        return bookedBy == nil ? .unavailable : .booked
    }
}
