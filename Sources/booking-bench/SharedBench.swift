import ArgumentParser
import BookingCore
import BookingPostgres
import Foundation
import Logging

/// Two instances of one group on one PostgreSQL database, in one process: how long a booking
/// made on A takes to reach B's change stream (LISTEN/NOTIFY, then B's catch-up), against the
/// same booking reaching A's own change stream, and what a booking's commit costs on
/// PostgreSQL against a SQLite file, all in the same run.
struct SharedBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shared")

    @Option(help: "A PostgreSQL server (scripts/postgres.sh start prints one); a database is created on it and dropped after.")
    var server = ProcessInfo.processInfo.environment["BOOKING_MONITOR_TEST_POSTGRES"] ?? "postgres://postgres@127.0.0.1:55432/postgres"
    @Option(help: "Bookings to measure.") var bookings = 2_000
    @Option(help: "Warm-up bookings, not counted.") var warmup = 200
    @Option(help: "Bookings of the storm phase: clients flip products on both instances at once.") var storm = 4_000
    @Option(help: "Clients of the storm phase.") var clients = 8

    func run() async throws {
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        guard let base = try PostgresURL(server) else { throw ValidationError("--server must be a postgres:// URL") }
        let name = "bench_" + UUID().uuidString.prefix(8).lowercased()
        try await base.execute("CREATE DATABASE \(name)")
        var url = base
        url.database = name
        defer { Task { _ = try? await base.execute("DROP DATABASE \(name) WITH (FORCE)") } }

        let total = bookings + warmup
        let catalog = benchCatalog(titles: (total + 9) / 10, copies: 10)
        let queues = (0..<(total + 9) / 10).map { title in
            CustomerQueue(title: catalog[title * 10].title, customers: (0..<10).map { Int32(title * 10 + $0) })
        }
        let storeA = try PostgresStore(url: url, group: "bench", instance: "a", logger: logger)
        let a = try Monitor(store: storeA, group: "bench", orchestrator: "http://127.0.0.1:1", logger: logger)
        try await a.applyCatalog(catalog)
        try await a.replaceQueues(queues)
        let storeB = try PostgresStore(url: url, group: "bench", instance: "b", logger: logger)
        let b = try Monitor(store: storeB, group: "bench", orchestrator: "http://127.0.0.1:1", logger: logger)
        let shared = SharedGroup(store: storeB, instance: "b", logger: logger)
        let listening = Task { await shared.run(monitor: b) }
        while await b.snapshotNow().peers.isEmpty { try await Task.sleep(for: .milliseconds(10)) }

        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        let local = try Monitor(store: SQLiteStore(.file(path)), group: "bench", orchestrator: "http://127.0.0.1:1",
                                logger: logger)
        try await local.applyCatalog(catalog)
        try await local.replaceQueues(queues)

        let statementsBefore = storeA.statements
        var onB = await b.changes().makeAsyncIterator()
        var onA = await a.changes().makeAsyncIterator()
        var propagation: [Double] = [], ownStream: [Double] = [], commitPG: [Double] = [], commitSQLite: [Double] = []
        for index in 0..<total {
            let id = catalog[index].id
            let start = now()
            try await a.setAvailability(productId: id, isAvailable: true)
            let committed = elapsed(since: start)
            while let change = await onA.next() { if case .booked(let booking) = change, booking.productId == id { break } }
            let own = elapsed(since: start)
            while let change = await onB.next() { if case .booked(let booking) = change, booking.productId == id { break } }
            let remote = elapsed(since: start)
            let sqliteStart = now()
            try await local.setAvailability(productId: id, isAvailable: true)
            let sqlite = elapsed(since: sqliteStart)
            if index >= warmup {
                propagation.append(remote * 1000)
                ownStream.append(own * 1000)
                commitPG.append(committed * 1000)
                commitSQLite.append(sqlite * 1000)
            }
        }
        let statementsPerBooking = Double(storeA.statements - statementsBefore) / Double(total)
        listening.cancel()
        _ = await listening.value
        shared.close()
        storeA.close()
        let (twoInstances, sqlitePerSecond, stormStatements) = try await stormPhase(base: base, logger: logger)

        let p = Percentiles(propagation), o = Percentiles(ownStream)
        let c = Percentiles(commitPG), s = Percentiles(commitSQLite)
        print("shared: \(p.count) bookings, PostgreSQL at \(base.host):\(base.port), on \(machine())")
        print("| percentile | A's booking on B's change stream (ms) | on A's own stream (ms) | ratio | booking commit, PostgreSQL (ms) | SQLite file (ms) | ratio |")
        print("|---|---|---|---|---|---|---|")
        for (name, x, y, u, v) in [("p50", p.p50, o.p50, c.p50, s.p50), ("p90", p.p90, o.p90, c.p90, s.p90),
                                   ("p99", p.p99, o.p99, c.p99, s.p99)] {
            print("| \(name) | \(format(x)) | \(format(y)) | \(format(x / y, 2))× | \(format(u)) | \(format(v)) | \(format(u / v, 2))× |")
        }
        print("statements on A's connection per booking, one at a time: \(format(statementsPerBooking, 2))")
        print("storm: \(storm) bookings by \(clients) clients on two instances of one group: \(Int(twoInstances)) bookings/s "
              + "(\(format(stormStatements, 2)) statements per booking); one SQLite file, same clients: "
              + "\(Int(sqlitePerSecond)) bookings/s; ratio \(format(twoInstances / sqlitePerSecond, 2))")
    }

    /// `storm` products flipped available by `clients` clients at once, each flip to A or B in
    /// turn (both listening, as instances do), against the same flips on one SQLite monitor:
    /// bookings committed per second, and statements per booking on the shared store.
    private func stormPhase(base: PostgresURL, logger: Logger) async throws -> (Double, Double, Double) {
        let name = "storm_" + UUID().uuidString.prefix(8).lowercased()
        try await base.execute("CREATE DATABASE \(name)")
        var url = base
        url.database = name
        defer { Task { _ = try? await base.execute("DROP DATABASE \(name) WITH (FORCE)") } }
        let titles = 20
        let catalog = benchCatalog(titles: titles, copies: (storm + titles - 1) / titles)
        let queues = (0..<titles).map { title in
            CustomerQueue(title: catalog[title].title, customers: (0..<Int32(storm / titles + 50)).map { Int32(title) * 100_000 + $0 })
        }
        let stores = try ["a", "b"].map { try PostgresStore(url: url, group: "storm", instance: $0, logger: logger) }
        var monitors: [Monitor] = []
        var groups: [(SharedGroup, Task<Void, Never>)] = []
        for (index, store) in stores.enumerated() {
            let monitor = try Monitor(store: store, group: "storm", orchestrator: "http://127.0.0.1:1", logger: logger)
            if index == 0 {
                try await monitor.applyCatalog(catalog)
                try await monitor.replaceQueues(queues)
            } else {
                try await monitor.refresh()
            }
            let group = SharedGroup(store: store, instance: "storm-\(index)", logger: logger)
            groups.append((group, Task { await group.run(monitor: monitor) }))
            monitors.append(monitor)
        }
        let statementsBefore = stores.map(\.statements).reduce(0, +)
        let shared = try await flipAll(catalog.prefix(storm).map(\.id), on: monitors)
        let statements = Double(stores.map(\.statements).reduce(0, +) - statementsBefore) / Double(storm)
        for (group, task) in groups { task.cancel(); _ = await task.value; group.close() }
        stores.forEach { $0.close() }

        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        let local = try Monitor(store: SQLiteStore(.file(path)), group: "storm", orchestrator: "http://127.0.0.1:1",
                                logger: logger)
        try await local.applyCatalog(catalog)
        try await local.replaceQueues(queues)
        let sqlite = try await flipAll(catalog.prefix(storm).map(\.id), on: [local])
        return (shared, sqlite, statements)
    }

    /// Flips every product available, `clients` at a time, round robin over `monitors`;
    /// bookings committed per second.
    private func flipAll(_ ids: [Int32], on monitors: [Monitor]) async throws -> Double {
        let start = now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var index = client
                    while index < ids.count {
                        try await monitors[index % monitors.count].setAvailability(productId: ids[index], isAvailable: true)
                        index += clients
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(ids.count) / elapsed(since: start)
    }
}
