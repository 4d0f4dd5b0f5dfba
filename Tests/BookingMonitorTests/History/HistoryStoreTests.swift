import BookingCore
import Foundation
import Synchronization
import Testing

/// A clock the test moves: the history's times and the retention's cutoff become exact.
final class SteppedClock: BookingClock {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func now() -> Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    func sleep(until deadline: Date) async throws {
        try await SystemClock().sleep(until: Date().addingTimeInterval(deadline.timeIntervalSince(now())))
    }
}

@Suite("History in the store (a real SQLite file, a real PostgreSQL database)")
struct HistoryStoreTests {
    let tom1 = "Война и мир. Том 1"

    @Test("every kind of change is recorded, newest first, with its source and detail", arguments: StoreKind.allCases)
    func everyKind(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let clock = SteppedClock()
        let monitor = try await place.monitor(catalog: testCatalog, clock: clock)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [7, 8, 9])])
        try await monitor.setAvailability(productId: 1, isAvailable: true, by: "api")  // → 7
        let first = await monitor.snapshotNow().outbox[0].booking
        try await monitor.recordFailure(sequence: first.sequence, error: "500: no order for customer 7", park: false)
        try await monitor.recordFailure(sequence: first.sequence, error: "404: gone", park: true)
        try await monitor.requeueParked()
        try await monitor.markDelivered(sequence: first.sequence)
        // 7 is still booked from this snapshot: 8 gets the next copy, and 7 is in its trail.
        try await monitor.setAvailability(productId: 2, isAvailable: true, by: "console")
        await monitor.setPaused(true)
        await monitor.setPaused(false)
        // Releasing the copy 8 has: it goes to 9, and the flip says whose it was.
        try await monitor.setAvailability(productId: 2, isAvailable: true, by: "api")

        let entries = try monitor.history(HistoryQuery(limit: 100))
        #expect(entries.map(\.kind) == [.booking, .product, .resume, .pause, .booking, .product, .delivered, .requeued,
                                        .parked, .attempt, .booking, .product, .queuePush, .catalog])
        #expect(entries.map(\.sequence) == entries.map(\.sequence).sorted(by: >), "newest first")
        let release = entries[1]
        #expect(release.source == "release" && release.productId == 2 && release.customerId == 8)
        #expect(release.detail?.contains(#""releasedFrom":8"#) == true)
        #expect(release.detail?.contains(#""by":"api""#) == true)
        let second = entries[4]
        #expect(second.customerId == 8 && second.productId == 2 && second.title == tom1 && second.bookingId != nil)
        #expect(second.detail?.contains(#"{"customer":7,"reason":"booked-from-this-snapshot"}"#) == true,
                "the reason trail names who was ahead and why: \(second.detail ?? "nil")")
        #expect(entries[5].source == "console" && entries[5].summary == "console: product 2 available")
        #expect(entries[9].detail?.contains("500: no order for customer 7") == true)
        #expect(entries[8].summary.contains("parked after 2 attempts") && entries[8].summary.contains("404: gone"))
        #expect(entries[10].detail?.contains("skipped") == false, "nobody was ahead of 7")
        let push = entries[12]
        #expect(push.source == "set-queue" && push.detail?.contains(#""sequence":1"#) == true)
        #expect(push.detail?.contains(#""customers":3"#) == true && push.detail?.contains(#""title":"Война и мир. Том 1""#) == true)
        #expect(entries.allSatisfy { $0.time == clock.now() })
        if kind == .postgres { #expect(entries.allSatisfy { $0.instance == "test" }) }
    }

    @Test("filters: product, customer, title by its bytes, kind, since and until, limit", arguments: StoreKind.allCases)
    func filters(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let clock = SteppedClock()
        let monitor = try await place.monitor(catalog: testCatalog, clock: clock)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [7, 8]),
                                         CustomerQueue(title: "三体", customers: [8])])
        let start = clock.now()
        clock.advance(60)
        try await monitor.setAvailability(productId: 1, isAvailable: true)  // → 7
        clock.advance(60)
        try await monitor.setAvailability(productId: 5, isAvailable: true)  // → 8 «三体»
        clock.advance(60)
        try await monitor.setAvailability(productId: 2, isAvailable: true)  // → 8 «Том 1»

        #expect(try monitor.history(HistoryQuery(productId: 5)).map(\.kind) == [.booking, .product])
        #expect(try monitor.history(HistoryQuery(customerId: 8, kind: .booking)).map(\.productId) == [2, 5])
        #expect(try monitor.history(HistoryQuery(title: "三体")).map(\.kind) == [.booking, .product])
        // The same title in NFD is another title, as the Orchestrator compares them.
        let nfd = tom1.decomposedStringWithCanonicalMapping
        #expect(nfd.utf8.count != tom1.utf8.count)
        #expect(try monitor.history(HistoryQuery(title: nfd)).isEmpty)
        #expect(try monitor.history(HistoryQuery(title: tom1, kind: .booking)).map(\.customerId) == [8, 7])
        let window = try monitor.history(HistoryQuery(since: start.addingTimeInterval(60), until: start.addingTimeInterval(120)))
        #expect(window.map(\.productId) == [5, 5, 1, 1])
        #expect(try monitor.history(HistoryQuery(kind: .booking, limit: 1)).map(\.productId) == [2])
        #expect(try monitor.history(HistoryQuery(productId: 99)).isEmpty)
    }

    @Test("a change that rolls back records nothing; one that commits records its entry", arguments: StoreKind.allCases)
    func rollback(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        _ = try await place.monitor(catalog: testCatalog)
        let store = try place.open()
        let booked = Booking(id: "b-1", sequence: 0, productId: 1, title: tom1, customerId: 7, bookedAt: Date(),
                             snapshotSequence: 0)
        // Product 1 is not available: booking it throws after the booking row was written.
        #expect(throws: StoreError.notAvailable(productId: 1)) {
            try store.write { tx in
                _ = try tx.insertBooking(id: booked.id, productId: 1, title: tom1, customerId: 7, bookedAt: booked.bookedAt,
                                         snapshotSequence: 0, trail: nil)
                try tx.book(Product(id: 1, title: tom1, description: "", isAvailable: false, bookedBy: 7, bookedAt: Date()))
            }
        }
        #expect(try store.history(HistoryQuery(kind: .booking)).isEmpty)
        #expect(try store.events(state: nil, limit: 10).isEmpty)
        try store.write { tx in try tx.update(Product(id: 1, title: tom1, description: "", isAvailable: true),
                                              was: nil, source: "api", at: Date()) }
        try store.write { tx in
            _ = try tx.insertBooking(id: booked.id, productId: 1, title: tom1, customerId: 7, bookedAt: booked.bookedAt,
                                     snapshotSequence: 0, trail: nil)
            try tx.book(Product(id: 1, title: tom1, description: "", isAvailable: false, bookedBy: 7, bookedAt: Date()))
        }
        #expect(try store.history(HistoryQuery(kind: .booking)).map(\.bookingId) == ["b-1"])
    }

    @Test("retention: the sweep prunes entries past --history-days and beyond the row cap", arguments: StoreKind.allCases)
    func retention(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let clock = SteppedClock()
        let monitor = try await place.monitor(catalog: testCatalog, history: HistoryRetention(days: 1, rows: 4),
                                              clock: clock)
        // catalog, then two flips: three entries, older than a day by the end.
        try await monitor.setAvailability(productId: 3, isAvailable: true)
        try await monitor.setAvailability(productId: 3, isAvailable: false)
        clock.advance(86_400 + 60)
        for _ in 0..<3 {
            try await monitor.setAvailability(productId: 3, isAvailable: true)
            try await monitor.setAvailability(productId: 3, isAvailable: false)
        }
        #expect(try monitor.history(HistoryQuery()).count == 9)
        await monitor.sweep()
        let kept = try monitor.history(HistoryQuery())
        #expect(kept.count == 4, "the day-old entries went by age, then the oldest beyond 4 rows")
        #expect(kept.allSatisfy { $0.time == clock.now() })
        // The same sweep a second later does not prune again (once a minute), a minute later it does.
        for _ in 0..<2 { try await monitor.setAvailability(productId: 3, isAvailable: true)
                         try await monitor.setAvailability(productId: 3, isAvailable: false) }
        clock.advance(1)
        await monitor.sweep()
        #expect(try monitor.history(HistoryQuery()).count == 8)
        clock.advance(60)
        await monitor.sweep()
        #expect(try monitor.history(HistoryQuery()).count == 4)
    }

    @Test("the Activity pane starts from the history: reopening the store keeps it", arguments: StoreKind.allCases)
    func activityAfterRestart(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        do {
            let monitor = try await place.monitor(catalog: testCatalog)
            try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [7])])
            try await monitor.setAvailability(productId: 1, isAvailable: true, by: "console")
            let sequence = await monitor.snapshotNow().outbox[0].booking.sequence
            try await monitor.recordFailure(sequence: sequence, error: "500", park: false)
            await monitor.setPaused(true)
        }
        let again = try await place.monitor()
        let activity = await again.snapshotNow().activity
        #expect(activity.map(\.text) == [
            "checker paused",
            "product 1 → customer 7 «\(tom1)»",
            "console: product 1 available",
            "queue push #1: 1 title, 1 customer",
            "catalog: 5 of 5 products added or changed",
        ], "newest first; failed attempts are left out of Activity")
        #expect(activity.map(\.kind) == [.operatorAction, .booking, .operatorAction, .queue, .info])
    }
}
