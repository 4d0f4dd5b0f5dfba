import BookingCore
import BookingPostgres
import Foundation
import Testing

/// `Monitor.setAvailability(productIds:…)` and `Monitor.revert`: a bulk flip and its undo, each
/// one store transaction, on both stores (a SQLite file and real PostgreSQL).
@Suite("Monitor bulk actions and undo")
struct BulkActionTests {
    /// «Идиот» 1–3, «三体» 4–6, all unavailable.
    static let catalog: [Product] = (1...6).map { id in
        Product(id: Int32(id), title: id <= 3 ? "Идиот" : "三体", description: "", isAvailable: false)
    }

    @Test("a bulk flip writes every flip, one history entry per product and the bookings it causes",
          arguments: StoreKind.allCases)
    func bulkFlipBooksAndRecords(kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: Self.catalog)
        try await monitor.replaceQueues([CustomerQueue(title: "Идиот", customers: [10, 11])])
        let changes = try await monitor.setAvailability(productIds: [1, 2, 3, 4], isAvailable: true, by: "console")
        #expect(changes.map(\.after.id) == [1, 2, 3, 4])
        #expect(changes.map(\.before.isAvailable) == [false, false, false, false])
        #expect(changes.map(\.after.status) == [.booked, .booked, .available, .available])
        #expect(changes.map(\.after.bookedBy) == [10, 11, nil, nil], "queue order: the lowest ids go first")
        let history = try await place.rows("""
            SELECT kind, CAST(product_id AS TEXT), summary FROM history WHERE kind IN ('product', 'booking') ORDER BY sequence
            """)
        #expect(history.map { $0[0]! } == ["product", "product", "product", "product", "booking", "booking"])
        #expect(history.prefix(4).map { $0[1]! } == ["1", "2", "3", "4"])
        #expect(history[0][2] == "console: product 1 available")
        // Already available ones are left out; nothing to write, nothing returned.
        #expect(try await monitor.setAvailability(productIds: [3, 4], isAvailable: true).isEmpty)
        // A restart reads the same: it was committed.
        let again = try await place.monitor()
        #expect(await again.allProducts().map(\.status.rawValue) == ["B", "B", "A", "A", "U", "U"])
        #expect(await monitor.snapshotNow().activity.contains { $0.text == "console: 4 products available (1, 2, 3, 4)" })
    }

    @Test("an id not in the group changes nothing and is named", arguments: StoreKind.allCases)
    func badIdChangesNothing(kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: Self.catalog)
        await #expect(throws: MonitorError.unknownProduct(99)) {
            try await monitor.setAvailability(productIds: [1, 2, 99, 3], isAvailable: true)
        }
        #expect(await monitor.allProducts().allSatisfy { !$0.isAvailable })
        let flips = try await place.rows("SELECT CAST(count(*) AS TEXT) FROM history WHERE kind = 'product'")
        #expect(flips == [["0"]])
        #expect("\(MonitorError.unknownProduct(99))" == "no product with id 99 in this group")
    }

    @Test("the shared store writes a bulk flip and its bookings in one commit statement")
    func sharedBulkIsOneStatement() async throws {
        let place = try await StorePlace.make(.postgres)
        let store = try PostgresStore(url: place.url!, group: "test", instance: "a", logger: quietLogger)
        defer { store.close() }
        let monitor = try Monitor(store: store, group: "test", orchestrator: "http://127.0.0.1:1", logger: quietLogger)
        try await monitor.applyCatalog(Self.catalog)
        try await monitor.replaceQueues([CustomerQueue(title: "三体", customers: [7, 8, 9])])
        let before = store.statements
        let changes = try await monitor.setAvailability(productIds: [4, 5, 6, 1], isAvailable: true)
        #expect(store.statements - before == 1, "one booking_monitor_commit for 4 flips and 3 bookings")
        #expect(changes.map(\.after.bookedBy) == [7, 8, 9, nil])
        let rows = try await place.rows("SELECT CAST(product_id AS TEXT), CAST(customer_id AS TEXT) FROM booking ORDER BY sequence")
        #expect(rows == [["4", "7"], ["5", "8"], ["6", "9"]])
        // Another instance sees every flip.
        let other = try await place.monitor()
        #expect(await other.allProducts().map(\.status.rawValue) == ["A", "U", "U", "B", "B", "B"])
    }

    @Test("undo of a release gives the copy back to its customer, with the old booking; once only",
          arguments: StoreKind.allCases)
    func revertRelease(kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: Self.catalog)
        try await monitor.replaceQueues([CustomerQueue(title: "Идиот", customers: [10])])
        let booked = try await monitor.setAvailability(productId: 1, isAvailable: true)
        #expect(booked.bookedBy == 10)
        try await monitor.replaceQueues([])  // nobody else waits: the release is not booked again
        let release = try await monitor.setAvailability(productIds: [1, 4], isAvailable: true, by: "console")
        #expect(release.map(\.after.status) == [.available, .available])
        #expect(release[0].before.bookedBy == 10)
        let reverted = try await monitor.revert(release, by: "console undo")
        #expect(reverted.count == 2)
        let product = try #require(await monitor.product(id: 1))
        #expect(product.status == .booked)
        #expect(product.bookedBy == 10)
        #expect(product.bookedAt == booked.bookedAt, "the old booking, not a new one")
        #expect(await monitor.product(id: 4)?.status == .unavailable)
        let bookings = try await place.rows("SELECT CAST(count(*) AS TEXT) FROM booking")
        #expect(bookings == [["1"]], "no new booking: the Orchestrator is not told")
        let history = try await place.rows("""
            SELECT source, summary, CAST(customer_id AS TEXT) FROM history WHERE kind = 'product' ORDER BY sequence
            """)
        #expect(history.map { $0[0]! } == ["api", "release", "console", "console undo", "console undo"])
        #expect(history[3][1] == "console undo: product 1 given back to customer 10, unavailable")
        #expect(history[3][2] == "10")
        // The same undo again: the products are no longer as the action left them.
        await #expect(throws: BulkError.self) { try await monitor.revert(release, by: "console undo") }
        // After a restart the copy is still the customer's.
        let restarted = try await place.monitor()
        #expect(await restarted.product(id: 1)?.bookedBy == 10)
    }

    @Test("undo refuses to take a copy from the customer it was booked for since", arguments: StoreKind.allCases)
    func revertRefusesToTakeABooking(kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: Self.catalog)
        try await monitor.replaceQueues([CustomerQueue(title: "Идиот", customers: [10, 11])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)  // → 10
        // Released: customer 11 is next and gets it at once.
        let release = try await monitor.setAvailability(productIds: [1], isAvailable: true)
        #expect(release[0].after.bookedBy == 11)
        await #expect(throws: BulkError.wouldTakeBooking(release[0].after)) {
            try await monitor.revert(release, by: "console undo")
        }
        #expect(await monitor.product(id: 1)?.bookedBy == 11)
        // A plain flip is undone: made available, then unavailable again.
        let flip = try await monitor.setAvailability(productIds: [5], isAvailable: true)
        try await monitor.revert(flip, by: "console undo")
        #expect(await monitor.product(id: 5)?.status == .unavailable)
    }
}
