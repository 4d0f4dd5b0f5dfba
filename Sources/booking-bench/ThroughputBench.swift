import ArgumentParser
import AsyncHTTPClient
import BookingCore
import Foundation
import GRDB
import NIOCore

/// Durable bookings per second: 100,000 products, 10,000 queued customers, availability flipped
/// over HTTP as fast as the API takes it by concurrent clients, events delivered to a sink.
/// Baseline: raw single-row SQLite write transactions per second with the same settings.
struct ThroughputBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "throughput")

    @Option(help: "Products in the catalog.") var products = 100_000
    @Option(help: "Queued customers (10 per title).") var customers = 10_000
    @Option(help: "Concurrent HTTP clients flipping availability.") var concurrency = 32
    @Option(help: "Single-row transactions for the baseline.") var baselineWrites = 20_000
    @Flag(inversion: .prefixedNo, help: "Drive the flips with wrk (default) instead of an in-process client.")
    var wrk = true
    var useWrk: Bool { wrk }

    /// Each wrk connection flips its own slice of `ids` once, then idles on a cheap read.
    func startWrk(port: Int, ids: [Int32]) throws -> Process {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("flip-\(getpid()).lua").path
        let list = ids.map(String.init).joined(separator: ",")
        try """
            local ids = {\(list)}
            local next = 0
            local count = 0
            setup = function(thread) thread:set("first", count); count = count + 1 end
            init = function(args) next = tonumber(first) + 1 end
            request = function()
              if next > #ids then return wrk.format("GET", "/health/live") end
              local id = ids[next]
              next = next + \(2)
              return wrk.format("PUT", "/administration/switch-state/" .. id .. "?isAvailable=true")
            end
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t2", "-c\(concurrency)", "-d120s", "-s", script, "http://127.0.0.1:\(port)"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func run() async throws {
        let baseline = try sqliteBaseline()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sink = Sink()
        let sinkListening = Listening()
        let copies = 10
        let catalog = benchCatalog(titles: products / copies, copies: copies)
        let queuedTitles = customers / 10
        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        let store = try SQLiteStore(.file(path))
        try await withServices([sinkListening.application(sink.router())]) {
            let sinkURL = "http://127.0.0.1:\(try await sinkListening.wait())"
            let bench = try await BenchMonitor(store: store, catalog: catalog, orchestrator: sinkURL, client: client)
            try await withServices(bench.services) {
                let port = try await bench.port()
                try await bench.monitor.replaceQueues((0..<queuedTitles).map { title in
                    CustomerQueue(title: catalog[title * copies].title,
                                  customers: (0..<10).map { Int32(title * 10 + $0) })
                })
                // Every copy of every queued title: one booking each (10 customers, 10 copies).
                let ids = catalog.prefix(queuedTitles * copies).map(\.id)
                let start = now()
                var wrkProcess: Process?
                var lastBooking = start
                if useWrk {
                    // wrk drives the flips: a client far cheaper than an in-process one on 2 cores.
                    wrkProcess = try startWrk(port: port, ids: ids)
                    // wrk drops the first request of a thread (its "static request" probe), so
                    // a flip or two may never come: stop once bookings stop coming.
                    var last = 0
                    var lastChange = now()
                    while true {
                        let booked = await bench.monitor.currentTotals().bookings
                        if booked != last { last = booked; lastChange = now() }
                        if booked >= ids.count || (booked > 0 && elapsed(since: lastChange) > 0.5) {
                            lastBooking = lastChange
                            break
                        }
                        try await Task.sleep(for: .milliseconds(1))
                    }
                } else {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for worker in 0..<concurrency {
                            group.addTask {
                                for index in stride(from: worker, to: ids.count, by: concurrency) {
                                    let status = try await client.call(
                                        .PUT, "http://127.0.0.1:\(port)/administration/switch-state/\(ids[index])?isAvailable=true")
                                    precondition(status == 200)
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    lastBooking = now()
                }
                let booked = Double(lastBooking - start) / 1e9
                // wrk (4.1) ran on to the end of -d after SIGTERM and SIGINT from here: kill it.
                if let wrk = wrkProcess { kill(wrk.processIdentifier, SIGKILL) }
                wrkProcess?.waitUntilExit()
                let count = await bench.monitor.snapshotNow().totals.bookings
                while sink.received < count { try await Task.sleep(for: .milliseconds(2)) }
                let delivered = elapsed(since: start)
                let link = await bench.monitor.snapshotNow().link
                if let error = link.lastError { print("link: last error \(error) (\(link.consecutiveFailures) in a row at the end)") }
                let rate = Double(count) / booked
                print("throughput: \(count) bookings of \(catalog.count) products, \(customers) customers, \(concurrency) \(useWrk ? "wrk connections" : "in-process clients"), on \(machine())")
                print("| figure | value | baseline: raw SQLite 1-row write transactions/s | ratio |")
                print("|---|---|---|---|")
                print("| bookings committed/s | \(Int(rate)) | \(Int(baseline)) | \(format(rate / baseline, 2)) |")
                print("| bookings delivered/s (all events at the sink) | \(Int(Double(count) / delivered)) | \(Int(baseline)) | \(format(Double(count) / delivered / baseline, 2)) |")
            }
        }
        try await client.shutdown()
    }

    /// One-row INSERT transactions on a WAL database with synchronous=NORMAL, as the store runs.
    func sqliteBaseline() throws -> Double {
        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)") }
        let start = now()
        for index in 0..<baselineWrites {
            try pool.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["row \(index)"]) }
        }
        return Double(baselineWrites) / elapsed(since: start)
    }
}
