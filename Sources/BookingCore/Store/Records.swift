import Foundation
import GRDB

// Row decoding for the domain types; column names are those of `Migrations`.

extension Product: FetchableRecord {
    public init(row: Row) {
        let bookedAt: Double? = row["booked_at"]
        self.init(id: row["id"], title: row["title"], description: row["description"],
                  isAvailable: row["is_available"], bookedBy: row["booked_by"],
                  bookedAt: bookedAt.map(Date.init(timeIntervalSince1970:)))
    }
}

extension Booking: FetchableRecord {
    public init(row: Row) {
        self.init(id: row["id"], sequence: row["sequence"], productId: row["product_id"], title: row["title"],
                  customerId: row["customer_id"], bookedAt: Date(timeIntervalSince1970: row["booked_at"]),
                  snapshotSequence: row["snapshot_sequence"])
    }
}

extension OutboxEvent: FetchableRecord {
    public init(row: Row) {
        let lastAttemptAt: Double? = row["last_attempt_at"]
        let deliveredAt: Double? = row["delivered_at"]
        self.init(booking: Booking(row: row), state: State(rawValue: row["state"]) ?? .pending,
                  attempts: row["attempts"], lastError: row["last_error"],
                  lastAttemptAt: lastAttemptAt.map(Date.init(timeIntervalSince1970:)),
                  deliveredAt: deliveredAt.map(Date.init(timeIntervalSince1970:)))
    }
}

/// How a queue snapshot is kept in its BLOB: compact JSON of `[CustomerQueue]`.
enum QueueCoding {
    static func encode(_ queues: [CustomerQueue]) throws -> Data {
        try JSONEncoder().encode(queues)
    }

    static func decode(_ data: Data) throws -> [CustomerQueue] {
        try JSONDecoder().decode([CustomerQueue].self, from: data)
    }
}
