import BookingCore
import BookingPostgres
import Foundation
import Testing

/// The queue snapshot as both stores keep it since v5: a row per queue, and a push writes the
/// rows of the queues it changed. What must hold: a restart (or another instance) reads exactly
/// the last push, whatever its shape, and a push does not write the queues it left as they were.
@Suite("Queue rows: a push writes what changed, the store holds one whole snapshot")
struct QueueRowsTests {
    static func queues(_ count: Int, turn: Int = 0) -> [CustomerQueue] {
        (0..<count).map { title in
            CustomerQueue(title: "Книга № \(title)", customers: (0..<5).map { Int32(title * 10 + ($0 + turn) % 5) })
        }
    }

    @Test("a push that changes one queue leaves the other rows alone; a restart reads the push", arguments: StoreKind.allCases)
    func oneQueueOneRow(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor()
        try await monitor.replaceQueues(Self.queues(50))
        // Which rows the next push writes: a trigger's log in SQLite, the rows' versions in PostgreSQL.
        if kind == .sqlite {
            try await place.execute("""
                CREATE TABLE written (position INTEGER);
                CREATE TRIGGER log_written AFTER INSERT ON queue_entry BEGIN INSERT INTO written VALUES (new.position); END;
                """)
        }
        var next = Self.queues(50)
        next[7].customers.reverse()
        try await monitor.replaceQueues(next)
        let written = try await place.rows(kind == .sqlite ? "SELECT CAST(position AS TEXT) FROM written" : """
            SELECT CAST(position AS TEXT) FROM queue_entry WHERE changed_version = (SELECT max(changed_version) FROM queue_entry)
            """)
        #expect(written == [["7"]], "only queue 7's row was written")
        #expect(try await place.rows("SELECT CAST(count(*) AS TEXT) FROM queue_entry") == [["50"]])
        let restarted = try await place.monitor()
        #expect(await restarted.queues().queues == next)
        #expect(await restarted.queues().sequence == 2)
    }

    @Test("pushes that drop, add, reorder and empty queues: each restart reads the last push", arguments: StoreKind.allCases)
    func shapes(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        var pushes: [[CustomerQueue]] = [Self.queues(20), Array(Self.queues(20).prefix(12)), Self.queues(30, turn: 1),
                                         Self.queues(30, turn: 1).reversed(), [], Self.queues(3)]
        var moved = Self.queues(3)
        moved.insert(CustomerQueue(title: "Йод", customers: [99]), at: 1)
        pushes.append(moved)
        // Titles are bytes: U+0000 inside one, and the same title without it, are two.
        pushes.append([CustomerQueue(title: "a\u{0}b", customers: [1]), CustomerQueue(title: "a", customers: [2]),
                       CustomerQueue(title: "Йод", customers: [3])])
        for (index, queues) in pushes.enumerated() {
            let monitor = try await place.monitor()
            try await monitor.replaceQueues(queues)
            let restarted = try await place.monitor()
            #expect(await restarted.queues().queues == queues, "push \(index + 1)")
        }
    }

    @Test("a store whose snapshot is still v1's one body is read, and its next push writes every row", arguments: StoreKind.allCases)
    func oneBodyBeforeRows(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let old = Self.queues(10)
        do {
            let monitor = try await place.monitor()
            try await monitor.replaceQueues(old)
        }
        // As a v4 store left it: the queues in the body, no rows.
        let hex = try QueueCoding.encode(old).map { String(format: "%02x", $0) }.joined()
        let blob = kind == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
        try await place.execute("UPDATE queue_snapshot SET body = \(blob), entries = NULL")
        try await place.execute("DELETE FROM queue_entry")
        let monitor = try await place.monitor()
        #expect(await monitor.queues().queues == old, "the v1 body is read")
        var next = old
        next[2].customers = [1]
        try await monitor.replaceQueues(next)
        #expect(try await place.rows("SELECT CAST(count(*) AS TEXT) FROM queue_entry") == [["10"]], "every row written")
        let restarted = try await place.monitor()
        #expect(await restarted.queues().queues == next)
    }

    @Test("another instance catches up on the rows a push wrote, and its own push after that is whole too")
    func catchUpOnRows() async throws {
        let place = try await StorePlace.make(.postgres)
        defer { place.remove() }
        let a = try await place.monitor(), b = try await place.monitor()
        try await a.replaceQueues(Self.queues(40))
        try await b.refresh()
        #expect(await b.queues().queues == Self.queues(40))
        var next = Array(Self.queues(40).prefix(35))
        next[4].customers = [7, 7, 7]
        next.append(CustomerQueue(title: "Новая", customers: [1]))
        try await a.replaceQueues(next)
        try await b.refresh()
        #expect(await b.queues().queues == next, "35 kept, one changed, one added, 4 dropped")
        var third = next
        third[0].customers = []
        try await b.replaceQueues(third)
        try await a.refresh()
        #expect(await a.queues().queues == third)
        let changed = try await place.rows("""
            SELECT CAST(position AS TEXT) FROM queue_entry WHERE changed_version = (SELECT max(changed_version) FROM queue_entry)
            """)
        #expect(changed == [["0"]], "B wrote the one row it changed")
        let restarted = try await place.monitor()
        #expect(await restarted.queues().queues == third)
    }
}
