import ArgumentParser
import AsyncHTTPClient
import BookingCore
import Foundation
import NIOCore

/// Set-queue bodies of 10,000 titles × 100 customers (1M entries, Cyrillic titles), POSTed to
/// the monitor until its 200, against JSONDecoder decoding the same bytes and nothing else.
/// Each run pushes one body that differs from the last in every queue (a full ingest), then
/// one that differs from that in one queue (what the Orchestrator sends after an event).
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest")

    @Option var titles = 10_000
    @Option var customers = 100
    @Option(help: "Runs of each; the median is reported.") var runs = 5

    /// The baseline's model: the Orchestrator's PascalCase names, synthesized Decodable.
    struct PlainQueue: Decodable {
        struct Customer: Decodable { var CustomerId: Int32 }
        var Title: String
        var Customers: [Customer]
    }

    /// Queue `title` holds customers `title × customers …`, rotated by `rotation(title)`.
    static func body(titles: Int, customers: Int, rotation: (Int) -> Int = { _ in 0 }) -> [UInt8] {
        var text = "["
        text.reserveCapacity(titles * (customers * 18 + 64))
        for title in 0..<titles {
            if title > 0 { text += "," }
            text += #"{"Title":"Книга № \#(title) «Война и мир»","Customers":["#
            let turn = rotation(title)
            for customer in 0..<customers {
                if customer > 0 { text += "," }
                text += #"{"CustomerId":\#(title * customers + (customer + turn) % customers)}"#
            }
            text += "]}"
        }
        text += "]"
        return Array(text.utf8)
    }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        let bench = try await BenchMonitor(store: try SQLiteStore(.file(path)), catalog: benchCatalog(titles: 100, copies: 1),
                                           orchestrator: "http://127.0.0.1:1", client: client,
                                           maxBody: 64 << 20) // 1M entries are ~20 MB: over the 16 MiB default
        var full: [Double] = [], one: [Double] = [], decode: [Double] = [], transport: [Double] = [], drained: [Double] = []
        var size = 0
        let sink = Listening()
        try await withServices(bench.services + [sink.application(Sink().router())]) {
            let url = "http://127.0.0.1:\(try await bench.port())/administration/set-queue"
            let sinkPort = try await sink.wait()
            let sinkURL = "http://127.0.0.1:\(sinkPort)/collect", drainURL = "http://127.0.0.1:\(sinkPort)/drain"
            // The body is the client's before the clock starts: copying 22 MB into fresh memory
            // (a page fault per 4 KiB) is the sender's cost, and was a quarter of a one-queue push.
            func push(_ bytes: [UInt8], to url: String = url) async throws -> Double {
                let body = ByteBuffer(bytes: bytes)
                let start = now()
                let status = try await client.call(.POST, url, body: body)
                precondition(status == 200, "set-queue answered \(status)")
                return elapsed(since: start)
            }
            _ = try await push(Self.body(titles: titles, customers: customers))
            for run in 1...runs {
                // Every queue turned by `run`: each differs from the last push's.
                let every = Self.body(titles: titles, customers: customers) { _ in run }
                size = every.count
                full.append(try await push(every))
                // Then queue 0 turned by half a queue more: one queue differs.
                let changed = Self.body(titles: titles, customers: customers) { $0 == 0 ? run + customers / 2 : run }
                one.append(try await push(changed))
                transport.append(try await push(changed, to: sinkURL))
                drained.append(try await push(changed, to: drainURL))
                let decodeStart = now()
                let decoded = try JSONDecoder().decode([PlainQueue].self, from: Data(changed))
                precondition(decoded.count == titles)
                decode.append(elapsed(since: decodeStart))
            }
        }
        try await client.shutdown()
        let f = Percentiles(full).p50, o = Percentiles(one).p50, d = Percentiles(decode).p50, t = Percentiles(transport).p50, r = Percentiles(drained).p50
        print("ingest: \(titles) titles × \(customers) customers, \(size / 1_000_000) MB body, median of \(runs), on \(machine())")
        print("| figure | value (s) | baseline (s) | ratio |")
        print("|---|---|---|---|")
        print("| set-queue, every queue changed, send to 200 (decode, validate, commit, book) | \(format(f)) | JSONDecoder on the same bytes: \(format(d)) | \(format(f / d, 2))× |")
        print("| set-queue, one queue changed, send to 200 | \(format(o)) | every queue changed: \(format(f)) | \(format(o / f, 2))× |")
        print("| the same bytes POSTed to a sink that only collects them (the transport) | \(format(t)) | every queue changed: \(format(f)) | \(format(t / f, 2))× |")
        print("| the same bytes POSTed to a sink that drops each part as it arrives | \(format(r)) | every queue changed: \(format(f)) | \(format(r / f, 2))× |")
    }
}
