import ArgumentParser
import BookingConsole
import BookingCore
import Foundation

/// One console frame at 200×50 with 100,000 products and 1M queue entries: the model update
/// from a fresh snapshot, the pure render to a grid, and the flush through curses.
struct FrameBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "frame")

    @Option var products = 100_000
    @Option var titles = 10_000
    @Option var customers = 100
    @Option var frames = 300

    func run() async throws {
        let catalog = benchCatalog(titles: titles, copies: products / titles)
        let monitor = try Monitor(store: try SQLiteStore(.inMemory), group: "bench", orchestrator: "http://127.0.0.1:1",
                                  logger: silent)
        try await monitor.applyCatalog(catalog)
        try await monitor.replaceQueues((0..<titles).map { title in
            CustomerQueue(title: catalog[title * (products / titles)].title,
                          customers: (0..<customers).map { Int32(title * customers + $0) })
        })
        let size = Size(width: 200, height: 50)
        let settings = RenderSettings(httpAddress: "127.0.0.1:5039")
        var snapshotTimes: [Double] = []
        var updateTimes: [Double] = []
        var renderTimes: [Double] = []
        var grids: [Grid] = []
        var model = ConsoleModel(snapshot: await monitor.snapshotNow())
        var state = ConsoleState(size: size)
        for frame in 0..<frames {
            // Scroll as an operator holding PgDn would: every frame shows other rows.
            state.cursors[.products]?.selected = (frame * 47) % products
            state.cursors[.products]?.offset = max(0, (frame * 47) % products - 20)
            var start = now()
            let snapshot = await monitor.snapshotNow()
            snapshotTimes.append(elapsed(since: start))
            start = now()
            model.update(snapshot)
            updateTimes.append(elapsed(since: start))
            start = now()
            let grid = render(model, state, size: size, settings: settings, now: Date())
            renderTimes.append(elapsed(since: start))
            if grids.count < 16 { grids.append(grid) }
        }
        guard let flushTimes = CursesFlushBenchmark.measure(grids, rounds: frames),
              let fullFlushTimes = CursesFlushBenchmark.measure(grids, rounds: frames, everyCell: true) else {
            throw ValidationError("curses could not start on /dev/null")
        }
        func ms(_ samples: [Double]) -> Percentiles { Percentiles(samples.map { $0 * 1000 }) }
        let parts = [("snapshot copy from the monitor", ms(snapshotTimes)), ("model update", ms(updateTimes)),
                     ("render to grid", ms(renderTimes)), ("flush through curses (doupdate to /dev/null)", ms(flushTimes))]
        var total: [Double] = []
        for index in 0..<frames {
            let sum: Double = snapshotTimes[index] + updateTimes[index] + renderTimes[index] + flushTimes[index]
            total.append(sum * 1000)
        }
        print("frame: 200×50, \(products) products, \(titles * customers) queue entries, \(frames) frames, on \(machine())")
        print("| part | p50 (ms) | p99 (ms) |")
        print("|---|---|---|")
        for (name, p) in parts { print("| \(name) | \(format(p.p50)) | \(format(p.p99)) |") }
        let t = Percentiles(total)
        print("| **whole frame** | **\(format(t.p50))** | **\(format(t.p99))** |")
        let full = ms(fullFlushTimes)
        print("| flush copying every cell (first frame, after a resize) | \(format(full.p50)) | \(format(full.p99)) |")
    }
}
