import ArgumentParser
import AsyncHTTPClient
import BookingCore
import Foundation
import Hummingbird

/// `GET get-products` with 1,000 products under wrk on loopback, against an empty Hummingbird
/// route served by the same process, same run.
struct ReadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read")

    @Option var products = 1000
    @Option(help: "Seconds per wrk run.") var seconds = 10
    @Option var connections = 32

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let path = temporaryDatabase()
        defer { removeDatabase(path) }
        let bench = try await BenchMonitor(store: try SQLiteStore(.file(path)), catalog: benchCatalog(titles: products / 2, copies: 2),
                                           orchestrator: "http://127.0.0.1:1", client: client)
        let empty = Listening()
        let router = Router()
        router.get("/empty") { _, _ in Response(status: .ok) }
        try await withServices(bench.services + [empty.application(router)]) {
            let port = try await bench.port()
            let emptyPort = try await empty.wait()
            let baseline = try wrk("http://127.0.0.1:\(emptyPort)/empty")
            let products = try wrk("http://127.0.0.1:\(port)/administration/get-products")
            print("read: wrk -t2 -c\(connections) -d\(seconds)s, \(self.products) products, on \(machine())")
            print("| figure | req/s | baseline: empty Hummingbird route (req/s) | ratio |")
            print("|---|---|---|---|")
            print("| GET get-products (\(self.products) products, \(products.bytes / 1024) KiB) | \(Int(products.rate)) | \(Int(baseline.rate)) | \(format(products.rate / baseline.rate, 3)) |")
        }
        try await client.shutdown()
    }

    func wrk(_ url: String) throws -> (rate: Double, bytes: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
              let rate = Double(line.split(separator: " ").last ?? "") else {
            throw ValidationError("wrk printed no rate:\n\(output)")
        }
        if output.contains("Non-2xx") || output.contains("Socket errors") { print("wrk reported errors:\n\(output)") }
        let size = try Data(contentsOf: URL(string: url)!).count
        return (rate, size)
    }
}
