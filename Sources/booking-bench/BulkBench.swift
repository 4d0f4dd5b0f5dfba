import ArgumentParser
import BookingCore
import BookingPostgres
import Foundation
import Logging

/// A bulk action (`Monitor.setAvailability(productIds:…)`: every flip, its history entry and
/// the bookings it causes in one store transaction) of `count` products, against the same
/// number of single flips through the same monitor, in the same run, on a SQLite file (and on
/// PostgreSQL with `--postgres`). Two cases: no queues (flips only), and every title queued
/// (each flip books a copy).
struct BulkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bulk")

    @Option(help: "Products per action.") var count = 1_000
    @Option(help: "Runs of each case, each on a fresh store; the median is reported.") var runs = 5
    @Option(help: "A PostgreSQL server (scripts/postgres.sh start prints one) to measure the shared store as well.")
    var postgres: String?

    func run() async throws {
        print("bulk: \(count) products in one action vs \(count) single flips, same monitor, median of \(runs), on \(machine())")
        print("| store | case | \(count) single flips (s) | one bulk action (s) | ratio (single / bulk) |")
        print("|---|---|---|---|---|")
        for queued in [false, true] {
            try await measure(store: "SQLite file", queued: queued) {
                let path = temporaryDatabase()
                return (try SQLiteStore(.file(path)), { removeDatabase(path) })
            }
        }
        guard let postgres else { return }
        guard let base = try PostgresURL(postgres) else { throw ValidationError("--postgres must be a postgres:// URL") }
        for queued in [false, true] {
            try await measure(store: "PostgreSQL", queued: queued) {
                let name = "bench_" + UUID().uuidString.prefix(8).lowercased()
                try await base.execute("CREATE DATABASE \(name)")
                var url = base
                url.database = name
                let store = try PostgresStore(url: url, group: "bench", instance: "a", logger: silent)
                return (store, {
                    store.close()
                    Task { _ = try? await base.execute("DROP DATABASE \(name) WITH (FORCE)") }
                })
            }
        }
    }

    private func measure(store name: String, queued: Bool,
                         open: () async throws -> (any Store, () -> Void)) async throws {
        var single: [Double] = [], bulk: [Double] = []
        for _ in 0..<runs {
            let (store, close) = try await open()
            defer { close() }
            // Two halves of one catalog: the first flipped one by one, the second in one action.
            let catalog = benchCatalog(titles: count * 2 / 10, copies: 10)
            let monitor = try Monitor(store: store, group: "bench", orchestrator: "http://127.0.0.1:1", logger: silent)
            try await monitor.applyCatalog(catalog)
            if queued {
                try await monitor.replaceQueues(stride(from: 0, to: catalog.count, by: 10).map { first in
                    CustomerQueue(title: catalog[first].title, customers: (0..<10).map { Int32(first + $0 + 1) })
                })
            }
            let ids = catalog.map(\.id)
            let start = now()
            for id in ids.prefix(count) { try await monitor.setAvailability(productId: id, isAvailable: true, by: "bench") }
            single.append(elapsed(since: start))
            let bulkStart = now()
            let changes = try await monitor.setAvailability(productIds: Array(ids.dropFirst(count)), isAvailable: true,
                                                            by: "bench")
            bulk.append(elapsed(since: bulkStart))
            precondition(changes.count == count, "the bulk action changed \(changes.count) products")
            if queued { precondition(changes.allSatisfy { $0.after.status == .booked }, "every flip books") }
        }
        let s = Percentiles(single).p50, b = Percentiles(bulk).p50
        print("| \(name) | \(queued ? "every title queued: each flip books" : "no queues: flips only") | \(format(s)) | \(format(b)) | \(format(s / b, 1))× |")
    }
}
