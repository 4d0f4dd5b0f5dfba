import AsyncHTTPClient
import BookingCore
import BookingServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

let silent = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

/// An HTTP sink standing in for the Orchestrator: records when each booking event arrives
/// (by product id) and answers 200 at once. `GET /empty` is the baseline route.
final class Sink: Sendable {
    private struct State {
        var waiting: [Int32: CheckedContinuation<Void, Never>] = [:]
        var arrived: Set<Int32> = []
        var received = 0
    }

    private let state = Mutex(State())
    var received: Int { state.withLock { $0.received } }

    /// Resumes when the event for `productId` has arrived (or at once if it already has).
    func arrival(of productId: Int32) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.arrived.remove(productId) != nil { return true }
                state.waiting[productId] = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    fileprivate func record(_ productId: Int32) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.received += 1
            if let waiter = state.waiting.removeValue(forKey: productId) { return waiter }
            state.arrived.insert(productId)
            return nil
        }
        waiter?.resume()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/orchestrator/order-event") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            self.record(Self.productId(in: body))
            return Response(status: .ok)
        }
        router.get("/orchestrator/request-to-monitoring") { _, _ in Response(status: .ok) }
        router.get("/empty") { _, _ in Response(status: .ok) }
        // The transport alone: a body received whole and dropped (the ingest bench's floor).
        router.post("/collect") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 64 << 20)
            return Response(status: .ok)
        }
        // Less still: each part dropped as it arrives (what a streaming reader cannot go below).
        router.post("/drain") { request, _ -> Response in
            for try await _ in request.body {}
            return Response(status: .ok)
        }
        return router
    }

    /// `"ProductId":123` without a JSON parse: the sink must cost less than what it measures.
    static func productId(in buffer: ByteBuffer) -> Int32 {
        let bytes = buffer.readableBytesView
        let key = Array(#""ProductId":"#.utf8)
        guard let start = bytes.firstRange(of: key)?.upperBound else { return -1 }
        var value: Int32 = 0
        var index = start
        while index < bytes.endIndex, let digit = Optional(bytes[index]), digit >= 48, digit <= 57 {
            value = value * 10 + Int32(digit - 48)
            index += 1
        }
        return value
    }
}

/// Runs `services` in a service group until `body` returns.
func withServices<T>(_ services: [any Service], _ body: () async throws -> T) async throws -> T {
    let group = ServiceGroup(configuration: .init(services: services, logger: silent))
    let runner = Task { try await group.run() }
    defer { runner.cancel() }
    let result = try await body()
    await group.triggerGracefulShutdown()
    _ = try? await runner.value
    return result
}

/// A Hummingbird application on a free loopback port; `port` is known once it listens.
final class Listening: Sendable {
    let port = Mutex<Int?>(nil)

    func application(_ router: Router<BasicRequestContext>) -> some ApplicationProtocol {
        Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { channel in self.port.withLock { $0 = channel.localAddress?.port } },
                    logger: silent)
    }

    func wait() async throws -> Int {
        for _ in 0..<2000 {
            if let port = port.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw CancellationError()
    }
}

/// A monitor served in-process as the executable serves it: HTTP API plus Orchestrator link.
struct BenchMonitor {
    let monitor: Monitor
    let services: [any Service]
    let listening: Readiness

    init(store: any Store, catalog: [Product], orchestrator: String, client: HTTPClient,
         maxBody: Int = 16 << 20) async throws {
        monitor = try Monitor(store: store, group: "bench", orchestrator: orchestrator, logger: silent)
        try await monitor.applyCatalog(catalog)
        // The executable's wiring (server, link, sweeper).
        let wired = MonitorServices(monitor: monitor, client: client,
                                    link: LinkConfiguration(orchestrator: orchestrator, group: "bench"),
                                    server: ServerConfiguration(port: 0, maxBody: maxBody), logger: silent)
        listening = wired.readiness
        services = wired.services
    }

    func port() async throws -> Int {
        for _ in 0..<2000 {
            if let port = listening.boundPort { return port }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw CancellationError()
    }
}

extension HTTPClient {
    /// One request, body drained; returns the status code.
    func call(_ method: HTTPMethod, _ url: String, body: ByteBuffer? = nil) async throws -> UInt {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.body = .bytes(body)
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 64 << 20)
        return response.status.code
    }
}

func temporaryDatabase() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString.prefix(8)).sqlite").path
}

func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// `titles` titles with `copies` products each, Cyrillic titles.
func benchCatalog(titles: Int, copies: Int) -> [Product] {
    var products: [Product] = []
    products.reserveCapacity(titles * copies)
    for title in 0..<titles {
        for _ in 0..<copies {
            products.append(Product(id: Int32(products.count + 1), title: "Книга № \(title) «Война и мир»",
                                    description: "Роман", isAvailable: false))
        }
    }
    return products
}

/// The real binary, headless, on a file store, accepting 1M-entry pushes; stderr dropped.
func headlessMonitor(binary: String, port: Int, db: String, catalog: String, orchestrator: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["--headless", "--port", "\(port)", "--db", db, "--catalog", catalog,
                         "--orchestrator", orchestrator, "--max-body", "\(64 << 20)"]
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}
