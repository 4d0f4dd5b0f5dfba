import BookingConsole
import BookingCore
import Foundation
import Testing

/// Changes you can see: a row that changed a moment ago is highlighted until it expires, and
/// the header's sparkline counts bookings per minute over the last hour, from the history
/// after a restart.
@Suite("Console highlights and sparkline") struct ConsoleChangesTests {
    static let now = ConsoleFixture.fixedNow
    static let size = Size(width: 100, height: 30)

    @Test func sparklineScalesToTheLargestAndLeavesZeroBlank() {
        #expect(Sparkline.text([0, 1, 2, 4, 8], ascii: false) == " ▁▂▄█")
        #expect(Sparkline.text([0, 1, 2, 4, 8], ascii: true) == " _.~#")
        #expect(Sparkline.text([3, 3], ascii: false) == "██")
        #expect(Sparkline.text([0, 0, 0], ascii: false) == "   ")
        #expect(Sparkline.text([1, 1000], ascii: false) == "▁█", "one booking still shows beside a thousand")
        #expect(Sparkline.text([], ascii: false) == "")
    }

    @Test func bookingRateBucketsTheLastHourByMinute() {
        let now = Self.now
        // 10:20:30: minute 0 of the window is 09:21, the last is 10:20.
        var rate = BookingRate(bookedAt: [now, now.addingTimeInterval(-20), now.addingTimeInterval(-61),
                                          now.addingTimeInterval(-3570), now.addingTimeInterval(-3661),
                                          now.addingTimeInterval(30)], now: now)
        let minutes = rate.perMinute(now: now)
        #expect(minutes.count == 60)
        #expect(minutes[59] == 2, "this minute: now and 20 s ago")
        #expect(minutes[58] == 1)
        #expect(minutes[0] == 1, "09:21:00, the first minute of the hour")
        #expect(rate.total(now: now) == 4, "over an hour old, and the future, are left out")
        #expect(rate.buckets(30, now: now).count == 30)
        #expect(rate.buckets(30, now: now).last == 3, "two minutes a bar")
        #expect(rate.buckets(12, now: now).reduce(0, +) == 4)
        rate.record(5, at: now, now: now)
        #expect(rate.perMinute(now: now)[59] == 7)
        // An hour later everything has moved out.
        #expect(rate.total(now: now.addingTimeInterval(3600)) == 0)
    }

    @Test func aChangedProductIsHighlightedUntilItExpires() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        var model = ConsoleModel(snapshot: await monitor.snapshotNow())
        model.update(await monitor.snapshotNow(), now: Self.now)
        #expect(model.productChanges.isEmpty, "the same snapshot again changes nothing")
        try await monitor.setAvailability(productId: 7, isAvailable: true, by: "api")
        model.update(await monitor.snapshotNow(), now: Self.now)
        #expect(model.changedRecently(product: 7, now: Self.now))
        #expect(!model.changedRecently(product: 6, now: Self.now))
        #expect(model.changedRecently(product: 7, now: Self.now.addingTimeInterval(ConsoleModel.highlightFor - 0.1)))
        #expect(!model.changedRecently(product: 7, now: Self.now.addingTimeInterval(ConsoleModel.highlightFor)))
        #expect(model.nextHighlightExpiry == Self.now.addingTimeInterval(ConsoleModel.highlightFor))
        // The next update past the expiry forgets it.
        model.update(await monitor.snapshotNow(), now: Self.now.addingTimeInterval(10))
        #expect(model.productChanges.isEmpty)
        #expect(model.nextHighlightExpiry == nil)
    }

    @Test func aQueueAPushChangedIsHighlighted() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        var model = ConsoleModel(snapshot: await monitor.snapshotNow())
        try await monitor.replaceQueues([
            CustomerQueue(title: "Мастер и Маргарита", customers: [7, 12]),
            CustomerQueue(title: "Война и мир. Том 1", customers: [3, 4]),
            CustomerQueue(title: "Идиот", customers: [21, 22]),
        ])
        model.update(await monitor.snapshotNow(), now: Self.now)
        #expect(model.changedRecently(queue: "Война и мир. Том 1", now: Self.now))
        #expect(!model.changedRecently(queue: "Идиот", now: Self.now), "the same customers: not changed")
    }

    @Test func highlightedRowsOnScreen() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        var model = ConsoleModel(snapshot: await monitor.snapshotNow())
        try await monitor.setAvailability(productId: 7, isAvailable: true, by: "api")
        model.update(await monitor.snapshotNow(), now: Self.now)
        let state = ConsoleState(size: Self.size)
        let grid = render(model, state, size: Self.size, settings: ConsoleFixture.settings(), now: Self.now)
        let lines = grid.lines
        #expect(lines[10].hasPrefix("│•  7 A Anna Karenina"), "\(grid.text)")
        #expect(lines[9].hasPrefix("│   6 U 三体"))
        // The highlight is a background on the whole row in colour.
        #expect(grid[2, 10].style.background == .yellow)
        #expect(grid[60, 10].style.background == .yellow)
        #expect(grid[60, 9].style.background == .default)
        #expect(grid[6, 10].style.foreground == .pureBlack, "the status letter is black on the bar, not green on yellow")
        // Monochrome: the mark and an underline; ASCII: the mark is *.
        let mono = render(model, state, size: Self.size, settings: ConsoleFixture.settings(color: false, ascii: true), now: Self.now)
        #expect(mono.lines[10].hasPrefix("|*  7 A Anna Karenina"))
        #expect(mono[20, 10].style.underline)
        // Five seconds on it is drawn as any row.
        let later = render(model, state, size: Self.size, settings: ConsoleFixture.settings(),
                           now: Self.now.addingTimeInterval(ConsoleModel.highlightFor))
        #expect(later.lines[10].hasPrefix("│   7 A Anna Karenina"))
        #expect(later[2, 10].style.background == .default)
    }

    @Test func theSparklineInTheHeader() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        var model = ConsoleModel(snapshot: await monitor.snapshotNow())
        let now = Self.now
        model.rate = BookingRate(bookedAt: [now.addingTimeInterval(-1800), now.addingTimeInterval(-1799),
                                            now.addingTimeInterval(-600), now], now: now)
        let size = Size(width: 160, height: 30)
        let grid = render(model, ConsoleState(size: size), size: size, settings: ConsoleFixture.settings(), now: now)
        let header = grid.lines[0] + grid.lines[1]
        // A third of 160 columns: two minutes a bar (30 bars), and the header's other items keep their room.
        let bars = String(repeating: " ", count: 14) + "█" + String(repeating: " ", count: 9) + "▄" + String(repeating: " ", count: 4) + "▄"
        #expect(header.contains("│ last hour \(bars) 4 booked"), "\(header)")
        #expect(header.contains("store in-memory") && header.contains("http 127.0.0.1:5039"), "\(header)")
        // Narrower: five minutes a bar; ASCII bars with --ascii.
        let narrow = render(model, ConsoleState(size: Size(width: 120, height: 30)), size: Size(width: 120, height: 30),
                            settings: ConsoleFixture.settings(ascii: true), now: now).text
        let half = String(repeating: " ", count: 5) + "#" + String(repeating: " ", count: 3) + "~" + " " + "~"
        #expect(narrow.contains("| last hour \(half) 4 booked"), "\(narrow)")
    }

    @Test func afterARestartTheSparklineComesFromTheHistory() async throws {
        let monitor = try await ConsoleFixture.midDemo()
        // The fixture booked two products at the fixed time: the controller reads them back.
        let controller = await ConsoleFixture.controller(monitor, size: Size(width: 160, height: 30))
        #expect(controller.model.rate.total(now: Self.now) == 2)
        #expect(controller.frame().text.contains(" 2 booked"))
        // A new booking counts once, from the growth of the booking total.
        try await monitor.replaceQueues([CustomerQueue(title: "Anna Karenina", customers: [40])])
        try await monitor.setAvailability(productId: 7, isAvailable: true, by: "api")
        await controller.refresh()
        #expect(controller.model.rate.total(now: Self.now) == 3)
        #expect(controller.model.changedRecently(product: 7, now: Self.now))
    }

    @Test func comparingSnapshotsIsCheapAtAHundredThousandProducts() async throws {
        let products = (1...100_000).map { Product(id: Int32($0), title: "Title \($0 % 5000)", description: "", isAvailable: false) }
        let monitor = try await ConsoleFixture.monitor(catalog: products)
        var model = ConsoleModel(snapshot: await monitor.snapshotNow())
        try await monitor.setAvailability(productId: 50_000, isAvailable: true, by: "api")
        let snapshot = await monitor.snapshotNow()
        let clock = ContinuousClock()
        let elapsed = clock.measure { model.update(snapshot, now: Self.now) }
        #expect(model.productChanges.keys.sorted() == [50_000])
        print("highlight comparison of 100,000 products: \(elapsed)")
        #expect(elapsed < .milliseconds(500), "debug build; release is a few ms: \(elapsed)")
    }
}
