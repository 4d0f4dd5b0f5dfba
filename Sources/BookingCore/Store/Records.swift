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

extension HistoryEntry: FetchableRecord {
    public init(row: Row) {
        self.init(sequence: row["sequence"], time: Date(timeIntervalSince1970: row["at"]),
                  kind: Kind(rawValue: row["kind"]) ?? .product, source: row["source"], instance: row["instance"],
                  productId: row["product_id"], customerId: row["customer_id"], title: row["title"],
                  bookingId: row["booking_id"], summary: row["summary"], detail: row["detail"])
    }
}

/// How a queue snapshot was kept in one BLOB before the stores kept a row per queue (v5; still
/// read from a store that has not had a push since): a compact binary form, `BMQ1`, then for each
/// queue its title (length-prefixed UTF-8) and its customer ids (count-prefixed), all integers
/// little-endian. A 1M-entry push is written in milliseconds, where JSONEncoder took most of a
/// second. Blobs written as JSON (`[` first) are still read.
public enum QueueCoding {
    private static let magic: [UInt8] = Array("BMQ1".utf8)

    public static func encode(_ queues: [CustomerQueue]) throws -> Data {
        var bytes = magic
        bytes.reserveCapacity(queues.reduce(8) { $0 + 8 + $1.title.utf8.count + 4 * $1.customers.count })
        func append(_ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        append(UInt32(queues.count))
        for queue in queues {
            append(UInt32(queue.title.utf8.count))
            bytes.append(contentsOf: queue.title.utf8)
            append(UInt32(queue.customers.count))
            for customer in queue.customers { append(UInt32(bitPattern: customer)) }
        }
        return Data(bytes)
    }

    /// One queue's customers as a store keeps them in its row: 4 bytes each, little-endian.
    public static func encode(customers: [Int32]) -> Data {
        var data = Data(count: customers.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (index, customer) in customers.enumerated() {
                raw.storeBytes(of: customer.littleEndian, toByteOffset: index * 4, as: Int32.self)
            }
        }
        return data
    }

    public static func decode(customers data: Data) throws -> [Int32] {
        guard data.count % 4 == 0 else { throw StoreError.corruptSnapshot }
        return data.withUnsafeBytes { raw in
            (0..<raw.count / 4).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        }
    }

    public static func decode(_ data: Data) throws -> [CustomerQueue] {
        guard data.starts(with: magic) else { return try JSONDecoder().decode([CustomerQueue].self, from: data) }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> [CustomerQueue] in
            var offset = magic.count
            func read() throws -> UInt32 {
                guard offset + 4 <= raw.count else { throw StoreError.corruptSnapshot }
                defer { offset += 4 }
                return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            }
            let count = Int(try read())
            var queues: [CustomerQueue] = []
            queues.reserveCapacity(count)
            for _ in 0..<count {
                let length = Int(try read())
                guard offset + length <= raw.count else { throw StoreError.corruptSnapshot }
                let title = String(decoding: raw[offset..<offset + length], as: UTF8.self)
                offset += length
                let customers = Int(try read())
                guard offset + 4 * customers <= raw.count else { throw StoreError.corruptSnapshot }
                var ids = [Int32]()
                ids.reserveCapacity(customers)
                for _ in 0..<customers { ids.append(Int32(bitPattern: try read())) }
                queues.append(CustomerQueue(title: title, customers: ids))
            }
            return queues
        }
    }
}
