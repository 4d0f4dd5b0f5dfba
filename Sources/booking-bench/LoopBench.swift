import ArgumentParser
import Foundation
import Logging
import BookingServer
import OrchestratorSimulator

/// The Orchestrator's loop with a big shop: the simulator holds 10,000 titles × 100 orders
/// (1M queue entries) and answers every booking event by pushing all queues again, before it
/// answers the event, as the Orchestrator does; the monitor (the real binary, headless, file
/// store) delivers one event at a time. `events` products are available from the start, one
/// per queued title: each is booked at once, and the figure is how fast their events get
/// through. Each `--binary` runs in turn against the same simulator code, so the figures
/// compare binaries (this build's against main's) in one run.
struct LoopBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "loop")

    @Option(help: "A booking-monitor binary (release); give it again for each to compare, the first is the baseline.")
    var binary: [String] = [".build/release/booking-monitor"]
    @Option var titles = 10_000
    @Option var customers = 100
    @Option(help: "Bookings, so events, per run.") var events = 100
    @Option(help: "Runs of each binary, alternating; the median is reported.") var runs = 3

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-loop-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalog = directory + "/catalog.json"
        let products = (0..<events).map { title in
            #"{"id":\#(title + 1),"title":"\#(Self.title(title))","description":"Роман","isAvailable":true}"#
        }
        try ("[" + products.joined(separator: ",") + "]").write(toFile: catalog, atomically: true, encoding: .utf8)
        var rates = Array(repeating: [Double](), count: binary.count)
        for run in 0..<runs {
            for (index, path) in binary.enumerated() {
                rates[index].append(try await measure(binary: path, catalog: catalog, db: directory + "/\(run)-\(index).sqlite"))
            }
        }
        let medians = rates.map { Percentiles($0).p50 }
        print("loop: \(titles) titles × \(customers) orders (\(titles * customers) queue entries), \(events) events a run, median of \(runs), on \(machine())")
        print("| binary | events delivered/s | runs | ratio to the first |")
        print("|---|---|---|---|")
        for (index, path) in binary.enumerated() {
            print("| \(path) | \(format(medians[index], 1)) | \(rates[index].map { format($0, 1) }.joined(separator: ", ")) | \(format(medians[index] / medians[0], 2))× |")
        }
    }

    static func title(_ index: Int) -> String { "Книга № \(index) «Война и мир»" }

    /// Events per second from the first event's arrival to the last's.
    func measure(binary: String, catalog: String, db: String) async throws -> Double {
        guard let port = FreePort.loopback() else { throw ValidationError("no free loopback port") }
        let simulator = OrchestratorSimulator(
            configuration: .init(port: 0, monitors: ["http://127.0.0.1:\(port)"], pushTimeout: 60), logger: silent)
        return try await withServices([simulator]) {
            while simulator.boundPort == nil { try await Task.sleep(for: .milliseconds(5)) }
            var orders: [(customer: Int32, title: String)] = []
            orders.reserveCapacity(titles * customers)
            for title in 0..<titles {
                let name = Self.title(title)
                for customer in 0..<customers { orders.append((Int32(title * customers + customer), name)) }
            }
            await simulator.addOrders(orders)  // no monitor listens yet: it asks at start
            let process = try headlessMonitor(binary: binary, port: port, db: db, catalog: catalog,
                                              orchestrator: "http://127.0.0.1:\(simulator.boundPort!)")
            defer { process.terminate(); process.waitUntilExit() }
            var first: UInt64?
            let deadline = now() + 600 * 1_000_000_000
            while now() < deadline {
                let count = simulator.eventCount
                if count >= 1, first == nil { first = now() }
                if count >= events { return Double(events - 1) / elapsed(since: first!) }
                try await Task.sleep(for: .milliseconds(2))
            }
            throw ValidationError("\(binary): \(simulator.eventCount) of \(events) events in 600 s")
        }
    }
}
