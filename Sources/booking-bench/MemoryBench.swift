import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Resident memory of the real binary holding 100,000 products and 1M queue entries, against
/// the same binary started empty. Both run headless with a file store.
struct MemoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "memory")

    @Option(help: "The booking-monitor binary (release).") var binary = ".build/release/booking-monitor"
    @Option var products = 100_000
    @Option var titles = 10_000
    @Option var customers = 100

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-mem-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let emptyCatalog = directory + "/empty.json"
        try "[]".write(toFile: emptyCatalog, atomically: true, encoding: .utf8)
        let fullCatalog = directory + "/full.json"
        var json = "["
        for id in 1...products {
            json += (id > 1 ? "," : "") + #"{"id":\#(id),"title":"Книга № \#((id - 1) % titles) «Война и мир»","description":"Роман"}"#
        }
        try (json + "]").write(toFile: fullCatalog, atomically: true, encoding: .utf8)

        let empty = try await measure(catalog: emptyCatalog, db: directory + "/empty.sqlite", queues: nil)
        let body = IngestBench.body(titles: titles, customers: customers)
        let full = try await measure(catalog: fullCatalog, db: directory + "/full.sqlite", queues: body)
        print("memory: \(products) products, \(titles * customers) queue entries, on \(machine())")
        print("| figure | RSS (MB) | baseline: empty process (MB) | difference (MB) |")
        print("|---|---|---|---|")
        print("| loaded, after set-queue and a get-queues-list | \(format(full, 1)) | \(format(empty, 1)) | \(format(full - empty, 1)) |")
    }

    func measure(catalog: String, db: String, queues: [UInt8]?) async throws -> Double {
        let port = Int.random(in: 20_000..<60_000)
        let process = try headlessMonitor(binary: binary, port: port, db: db, catalog: catalog,
                                          orchestrator: "http://127.0.0.1:1")
        defer { process.terminate(); process.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        for _ in 0..<1000 {
            if (try? Data(contentsOf: URL(string: base + "/health/ready")!)) != nil { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if let queues {
            var request = URLRequest(url: URL(string: base + "/administration/set-queue")!)
            request.httpMethod = "POST"
            request.httpBody = Data(queues)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            _ = try await URLSession.shared.data(for: request)
            _ = try await URLSession.shared.data(from: URL(string: base + "/administration/get-queues-list")!)
        }
        _ = try await URLSession.shared.data(from: URL(string: base + "/administration/get-products")!)
        try await Task.sleep(for: .seconds(1))
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }
}
