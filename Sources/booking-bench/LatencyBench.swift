import ArgumentParser
import AsyncHTTPClient
import BookingCore
import Foundation
import NIOCore

/// `PUT switch-state` → `order-event` at an HTTP sink, one booking at a time, against two
/// sequential empty round trips on the same client and server stacks, interleaved.
struct LatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "latency")

    @Option(help: "Bookings to measure.") var bookings = 10_000
    @Option(help: "Warm-up bookings, not counted.") var warmup = 500

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sink = Sink()
        let sinkListening = Listening()
        let total = bookings + warmup
        let titles = (total + 9) / 10
        let catalog = benchCatalog(titles: titles, copies: 10)
        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        let store = try SQLiteStore(.file(path))
        let sinkApp = sinkListening.application(sink.router())
        try await withServices([sinkApp]) {
            let sinkPort = try await sinkListening.wait()
            let sinkURL = "http://127.0.0.1:\(sinkPort)"
            let bench = try await BenchMonitor(store: store, catalog: catalog, orchestrator: sinkURL, client: client)
            try await withServices(bench.services) {
                let port = try await bench.port()
                try await bench.monitor.replaceQueues((0..<titles).map { title in
                    CustomerQueue(title: catalog[title * 10].title, customers: (0..<10).map { Int32(title * 10 + $0) })
                })
                var booking: [Double] = []
                var baseline: [Double] = []
                for index in 0..<total {
                    let id = catalog[index].id
                    let start = now()
                    let status = try await client.call(.PUT, "http://127.0.0.1:\(port)/administration/switch-state/\(id)?isAvailable=true")
                    precondition(status == 200, "switch-state answered \(status)")
                    await sink.arrival(of: id)
                    let bookingTime = elapsed(since: start)
                    let baseStart = now()
                    _ = try await client.call(.GET, sinkURL + "/empty")
                    _ = try await client.call(.GET, sinkURL + "/empty")
                    let baselineTime = elapsed(since: baseStart)
                    if index >= warmup {
                        booking.append(bookingTime * 1000)
                        baseline.append(baselineTime * 1000)
                    }
                }
                let b = Percentiles(booking), r = Percentiles(baseline)
                print("latency: \(b.count) bookings on \(machine())")
                print("| percentile | booking (ms) | baseline: 2 empty round trips (ms) | ratio |")
                print("|---|---|---|---|")
                for (name, x, y) in [("p50", b.p50, r.p50), ("p90", b.p90, r.p90), ("p99", b.p99, r.p99)] {
                    print("| \(name) | \(format(x)) | \(format(y)) | \(format(x / y, 2))× |")
                }
            }
        }
        try await client.shutdown()
    }
}
