import ArgumentParser
import AsyncHTTPClient
import BookingCore
import Foundation
import NIOCore

/// One set-queue body of 10,000 titles × 100 customers (1M entries, Cyrillic titles), POSTed to
/// the monitor until its 200, against JSONDecoder decoding the same bytes and nothing else.
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

    static func body(titles: Int, customers: Int) -> [UInt8] {
        var text = "["
        text.reserveCapacity(titles * (customers * 18 + 64))
        for title in 0..<titles {
            if title > 0 { text += "," }
            text += #"{"Title":"Книга № \#(title) «Война и мир»","Customers":["#
            for customer in 0..<customers {
                if customer > 0 { text += "," }
                text += #"{"CustomerId":\#(title * customers + customer)}"#
            }
            text += "]}"
        }
        text += "]"
        return Array(text.utf8)
    }

    func run() async throws {
        let bytes = Self.body(titles: titles, customers: customers)
        let data = Data(bytes)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        let bench = try await BenchMonitor(store: try SQLiteStore(.file(path)), catalog: benchCatalog(titles: 100, copies: 1),
                                           orchestrator: "http://127.0.0.1:1", client: client,
                                           maxBody: 64 << 20) // 1M entries are ~20 MB: over the 16 MiB default
        var ingest: [Double] = []
        var decode: [Double] = []
        try await withServices(bench.services) {
            let url = "http://127.0.0.1:\(try await bench.port())/administration/set-queue"
            for _ in 0..<runs {
                let start = now()
                let status = try await client.call(.POST, url, body: ByteBuffer(bytes: bytes))
                precondition(status == 200, "set-queue answered \(status)")
                ingest.append(elapsed(since: start))
                let decodeStart = now()
                let decoded = try JSONDecoder().decode([PlainQueue].self, from: data)
                precondition(decoded.count == titles)
                decode.append(elapsed(since: decodeStart))
            }
        }
        try await client.shutdown()
        let i = Percentiles(ingest).p50, d = Percentiles(decode).p50
        print("ingest: \(titles) titles × \(customers) customers, \(bytes.count / 1_000_000) MB body, median of \(runs), on \(machine())")
        print("| figure | value (s) | baseline: JSONDecoder on the same bytes (s) | ratio |")
        print("|---|---|---|---|")
        print("| set-queue, send to 200 (decode, validate, commit, book) | \(format(i)) | \(format(d)) | \(format(i / d, 2))× |")
    }
}
