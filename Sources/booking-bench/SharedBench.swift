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
        listening.cancel()
        _ = await listening.value
        shared.close()
        storeA.close()

        let p = Percentiles(propagation), o = Percentiles(ownStream)
        let c = Percentiles(commitPG), s = Percentiles(commitSQLite)
        print("shared: \(p.count) bookings, PostgreSQL at \(base.host):\(base.port), on \(machine())")
        print("| percentile | A's booking on B's change stream (ms) | on A's own stream (ms) | ratio | booking commit, PostgreSQL (ms) | SQLite file (ms) | ratio |")
        print("|---|---|---|---|---|---|---|")
        for (name, x, y, u, v) in [("p50", p.p50, o.p50, c.p50, s.p50), ("p90", p.p90, o.p90, c.p90, s.p90),
                                   ("p99", p.p99, o.p99, c.p99, s.p99)] {
            print("| \(name) | \(format(x)) | \(format(y)) | \(format(x / y, 2))× | \(format(u)) | \(format(v)) | \(format(u / v, 2))× |")
        }
    }
}
