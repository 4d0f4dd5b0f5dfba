import BookingConsole
import BookingCore
import Foundation
import Logging
import Synchronization
import Testing

/// A real monitor (SQLite in memory or in a temp dir) brought to a known "mid-demo" state with
/// a fixed clock, so rendered screens are the same on every run.
enum ConsoleFixture {
    static let logger = Logger(label: "console-test") { _ in SwiftLogNoOpLogHandler() }
    /// 2026-01-02 10:20:30 UTC.
    static let fixedNow = Date(timeIntervalSince1970: 1_767_349_230)
    static let utc = TimeZone(identifier: "UTC")!

    static let catalog: [Product] = [
        Product(id: 1, title: "Война и мир. Том 1", description: "Роман-эпопея", isAvailable: false),
        Product(id: 2, title: "Война и мир. Том 1", description: "Роман-эпопея", isAvailable: false),
        Product(id: 3, title: "Мастер и Маргарита", description: "Роман", isAvailable: false),
        Product(id: 4, title: "Мастер и Маргарита", description: "Роман", isAvailable: false),
        Product(id: 5, title: "Евгений Онегин", description: "Роман в стихах", isAvailable: false),
        Product(id: 6, title: "三体", description: "科幻小说", isAvailable: false),
        Product(id: 7, title: "Anna Karenina", description: "Novel", isAvailable: false),
    ]

    static func monitor(_ location: SQLiteStore.Location = .inMemory, catalog: [Product] = catalog,
                        clock: any BookingClock = FixedClock(fixedNow)) async throws -> Monitor {
        let ids = Mutex(0)
        let monitor = try Monitor(store: SQLiteStore(location), group: "east", orchestrator: "http://127.0.0.1:5012",
                                  logger: logger, clock: clock,
                                  makeBookingId: { ids.withLock { $0 += 1; return "booking-\($0)" } })
        try await monitor.applyCatalog(catalog)
        return monitor
    }

    /// Queues pushed, two bookings made, one product simply available.
    static func midDemo(_ location: SQLiteStore.Location = .inMemory) async throws -> Monitor {
        let monitor = try await monitor(location)
        try await monitor.replaceQueues([
            CustomerQueue(title: "Мастер и Маргарита", customers: [7, 12]),
            CustomerQueue(title: "Война и мир. Том 1", customers: [3]),
            CustomerQueue(title: "Идиот", customers: [21, 22]),
        ])
        try await monitor.setAvailability(productId: 3, isAvailable: true, by: "api")
        try await monitor.setAvailability(productId: 1, isAvailable: true, by: "api")
        try await monitor.setAvailability(productId: 5, isAvailable: true, by: "api")
        await monitor.orchestratorAnswered(at: fixedNow)  // the link has had an answer: `ok`
        return monitor
    }

    static func settings(color: Bool = true, ascii: Bool = false, readonly: Bool = false) -> RenderSettings {
        RenderSettings(ascii: ascii, color: color, readonly: readonly, httpAddress: "127.0.0.1:5039", timeZone: utc)
    }

    static func controller(_ monitor: Monitor, size: Size, color: Bool = true, ascii: Bool = false,
                           readonly: Bool = false) async -> ConsoleController {
        await ConsoleController(monitor: monitor, settings: settings(color: color, ascii: ascii, readonly: readonly),
                                size: size)
    }

    static func frame(_ monitor: Monitor, state: (inout ConsoleState) -> Void = { _ in }, size: Size,
                      color: Bool = true, ascii: Bool = false, readonly: Bool = false) async -> Grid {
        let model = ConsoleModel(snapshot: await monitor.snapshotNow())
        var consoleState = ConsoleState(size: size, readonly: readonly)
        state(&consoleState)
        return render(model, consoleState, size: size, settings: settings(color: color, ascii: ascii, readonly: readonly),
                      now: fixedNow)
    }
}
