import BookingCore
import Foundation
import Testing

@Suite("Monitor and store (a real SQLite file, a real PostgreSQL database)")
struct MonitorTests {
    let tom1 = "Война и мир. Том 1"

    @Test("the store is a WAL database")
    func walMode() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        #expect(try SQLiteStore(.file(dir.file("m.sqlite"))).journalMode() == "wal")
    }

    @Test("a product made available is booked at once for the head of its queue", arguments: StoreKind.allCases)
    func bookOnAvailability(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: testCatalog)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [7, 8])])
        #expect(await monitor.snapshotNow().outbox.isEmpty)
        let product = try await monitor.setAvailability(productId: 2, isAvailable: true)
        #expect(product.status == .booked && product.bookedBy == 7)
        let snapshot = await monitor.snapshotNow()
        #expect(snapshot.outbox.map(\.booking.customerId) == [7])
        #expect(snapshot.outbox.first?.booking.productId == 2)
        #expect(snapshot.outbox.first?.state == .pending)
    }

    @Test("a queue push books the available products at once, several copies in one go", arguments: StoreKind.allCases)
    func bookOnPush(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: testCatalog)
        for id: Int32 in [4, 1, 2] { try await monitor.setAvailability(productId: id, isAvailable: true) }
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [3, 1, 2]),
                                         CustomerQueue(title: "Не наш", customers: [5])])
        let bookings = await monitor.snapshotNow().outbox.map { ($0.booking.productId, $0.booking.customerId) }
        #expect(bookings.map(\.0) == [1, 2, 4])
        #expect(bookings.map(\.1) == [3, 1, 2])
        #expect(await monitor.allProducts().filter(\.isAvailable).isEmpty)
    }

    @Test("stale snapshot: a booked customer is not booked again until the Orchestrator rebuilds the queue", arguments: StoreKind.allCases)
    func staleSnapshot(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: testCatalog)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1, 2])])
        try await monitor.setAvailability(productId: 1, isAvailable: true) // → customer 1
        try await monitor.setAvailability(productId: 2, isAvailable: true) // → customer 2, not 1 again
        try await monitor.setAvailability(productId: 4, isAvailable: true) // → nobody: both blocked
        var snapshot = await monitor.snapshotNow()
        #expect(snapshot.outbox.map(\.booking.customerId) == [1, 2])
        #expect(snapshot.products.first { $0.id == 4 }?.status == .available)

        // Customer 1's event is delivered; the Orchestrator has pushed [2, 1] meanwhile.
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [2, 1])])
        #expect(await monitor.snapshotNow().outbox.count == 2, "both still undelivered: nothing new")
        try await monitor.markDelivered(sequence: snapshot.outbox[0].booking.sequence)
        snapshot = await monitor.snapshotNow()
        // 2 is still undelivered (skipped); 1 was delivered and booked from an older snapshot.
        #expect(snapshot.outbox.map(\.booking.customerId) == [2, 1])
        #expect(snapshot.products.first { $0.id == 4 }?.bookedBy == 1)
    }

    @Test("a delivered booking from the current snapshot still blocks (the push may not have come)", arguments: StoreKind.allCases)
    func deliveredFromCurrentSnapshotBlocks(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: testCatalog)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        try await monitor.markDelivered(sequence: await monitor.snapshotNow().outbox[0].booking.sequence)
        try await monitor.setAvailability(productId: 2, isAvailable: true)
        #expect(await monitor.product(id: 2)?.status == .available)
        #expect(await monitor.snapshotNow().totals.bookings == 1)
    }

    @Test("restart resumes products, queues and undelivered events; a sweep books what is pending", arguments: StoreKind.allCases)
    func restart(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        do {
            let monitor = try await place.monitor(catalog: testCatalog)
            try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1, 2]),
                                             CustomerQueue(title: "Не наш", customers: [9])])
            try await monitor.setAvailability(productId: 1, isAvailable: true)
            await monitor.setPaused(true)
            try await monitor.setAvailability(productId: 2, isAvailable: true) // paused: not booked
            #expect(await monitor.product(id: 2)?.status == .available)
        }
        let monitor = try await place.monitor()
        var snapshot = await monitor.snapshotNow()
        #expect(snapshot.queues.queues.map(\.title) == [tom1, "Не наш"])
        #expect(snapshot.queues.sequence == 1)
        #expect(snapshot.outbox.map(\.booking.customerId) == [1])
        #expect(snapshot.products.first { $0.id == 1 }?.status == .booked)
        #expect(snapshot.products.first { $0.id == 2 }?.status == .available)
        await monitor.sweep()
        snapshot = await monitor.snapshotNow()
        #expect(snapshot.outbox.map(\.booking.customerId) == [1, 2], "customer 1 stays blocked after restart")
        #expect(snapshot.products.first { $0.id == 2 }?.bookedBy == 2)
    }

    @Test("each booking, its product and its event are in the store together", arguments: StoreKind.allCases)
    func bookingAndEventTogether(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: testCatalog)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1, 2, 3])])
        for id: Int32 in [1, 2, 4] { try await monitor.setAvailability(productId: id, isAvailable: true) }
        let rows = try await place.rows("""
            SELECT CAST(b.customer_id AS TEXT), CAST(o.state AS TEXT), CAST(p.is_available AS TEXT), CAST(p.booked_by AS TEXT)
            FROM booking b JOIN outbox o ON o.booking_sequence = b.sequence JOIN product p ON p.id = b.product_id
            ORDER BY b.sequence
            """)
        #expect(rows.map { $0[0] } == ["1", "2", "3"])
        #expect(rows.allSatisfy { ["0", "false"].contains($0[2]) && $0[1] == "pending" })
        #expect(rows.allSatisfy { $0[3] == $0[0] })
    }

    @Test("a catalog adds and renames products but keeps their availability", arguments: StoreKind.allCases)
    func catalogKeepsAvailability(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        do {
            let monitor = try await place.monitor(catalog: testCatalog)
            try await monitor.setAvailability(productId: 3, isAvailable: true)
        }
        let monitor = try await place.monitor()
        let result = try await monitor.applyCatalog([
            Product(id: 3, title: "Война и мир. Том 2", description: "Новое издание", isAvailable: false),
            Product(id: 9, title: "Новая", description: "", isAvailable: true),
        ])
        #expect(result.added == 1 && result.updated == 1)
        #expect(await monitor.product(id: 3) == Product(id: 3, title: "Война и мир. Том 2", description: "Новое издание",
                                                         isAvailable: true))
        #expect(await monitor.product(id: 9)?.isAvailable == true)
    }

    @Test("unknown product id is an error and changes nothing", arguments: StoreKind.allCases)
    func unknownProduct(_ kind: StoreKind) async throws {
        let monitor = try await StorePlace.make(kind).monitor(catalog: testCatalog)
        await #expect(throws: MonitorError.unknownProduct(42)) {
            try await monitor.setAvailability(productId: 42, isAvailable: true)
        }
        #expect(await monitor.allProducts() == testCatalog)
    }

    @Test("parked events are kept, listed, and requeued on request", arguments: StoreKind.allCases)
    func parking(_ kind: StoreKind) async throws {
        let monitor = try await StorePlace.make(kind).monitor(catalog: testCatalog)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        let sequence = await monitor.snapshotNow().outbox[0].booking.sequence
        try await monitor.recordFailure(sequence: sequence, error: "HTTP 400", park: true)
        #expect(await monitor.pendingEvents().isEmpty)
        #expect(await monitor.snapshotNow().parkedCount == 1)
        #expect(try await monitor.requeueParked() == 1)
        #expect(await monitor.pendingEvents().map(\.booking.sequence) == [sequence])
    }

    @Test("the change stream publishes bookings in order", arguments: StoreKind.allCases)
    func changeStream(_ kind: StoreKind) async throws {
        let monitor = try await StorePlace.make(kind).monitor(catalog: testCatalog)
        let changes = await monitor.changes()
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1, 2])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        var seen: [String] = []
        for await change in changes {
            switch change {
            case .queuesReplaced(let snapshot): seen.append("queues #\(snapshot.sequence)")
            case .productChanged(let product): seen.append("product \(product.id) \(product.status.rawValue)")
            case .booked(let booking): seen.append("booked \(booking.productId)→\(booking.customerId)")
            default: break
            }
            if seen.count == 3 { break }
        }
        #expect(seen == ["queues #1", "product 1 A", "booked 1→1"])
    }
}

@Suite("Queue snapshot storage")
struct QueueSnapshotStorageTests {
    @Test("a snapshot survives a reopen exactly: order, Unicode titles, extreme ids, empty queues", arguments: StoreKind.allCases)
    func roundTrip(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let queues = [CustomerQueue(title: "Война и мир. Том 1", customers: [3, 1, 2]),
                      CustomerQueue(title: "三体 e\u{301}", customers: [Int32.max, Int32.min, 0]),
                      CustomerQueue(title: "", customers: [])]
        do {
            let monitor = try await place.monitor(catalog: testCatalog)
            try await monitor.replaceQueues(queues)
        }
        let reopened = try await place.monitor()
        let stored = await reopened.queues().queues
        #expect(stored == queues)
        #expect(stored.map { Array($0.title.utf8) } == queues.map { Array($0.title.utf8) })
    }
}
