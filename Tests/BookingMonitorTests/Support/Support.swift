import AsyncHTTPClient
import BookingCore
import Foundation
import Logging
import NIOCore
import Testing

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A fresh directory under /tmp, removed by the caller's `defer`.
struct TempDir {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("bm-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Polls `condition` until it holds or `seconds` pass. Not a timing assertion: the deadline is
/// generous and only bounds a hang. On timeout, `context` (a screen, say) joins the failure.
func eventually(_ what: String, within seconds: Double = 20, context: () -> String = { "" },
                sourceLocation: SourceLocation = #_sourceLocation,
                _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    let detail = context()
    Issue.record("timed out waiting for: \(what)\(detail.isEmpty ? "" : "\n" + detail)", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// The small demo-like catalog most tests use: two titles in Cyrillic, several copies.
let testCatalog: [Product] = [
    Product(id: 1, title: "Война и мир. Том 1", description: "Роман", isAvailable: false),
    Product(id: 2, title: "Война и мир. Том 1", description: "Роман", isAvailable: false),
    Product(id: 3, title: "Война и мир. Том 2", description: "Роман", isAvailable: false),
    Product(id: 4, title: "Война и мир. Том 1", description: "Роман", isAvailable: false),
    Product(id: 5, title: "三体", description: "科幻", isAvailable: false),
]

func makeMonitor(_ location: SQLiteStore.Location, catalog: [Product] = testCatalog,
                 now: @escaping @Sendable () -> Date = Date.init) async throws -> Monitor {
    let monitor = try Monitor(store: SQLiteStore(location), group: "test", orchestrator: "http://127.0.0.1:1",
                              logger: quietLogger, now: now)
    try await monitor.applyCatalog(catalog)
    return monitor
}

/// Writes a catalog file (the get-products shape) listing `products` by id and title.
func writeCatalog(_ products: [(id: Int, title: String)], to path: String) throws {
    let entries = products.map { #"{"id":\#($0.id),"title":"\#($0.title)","description":""}"# }
    try ("[" + entries.joined(separator: ",") + "]").write(toFile: path, atomically: true, encoding: .utf8)
}

/// A tiny HTTP client for tests: real requests over loopback.
struct TestHTTP {
    static let client = HTTPClient(eventLoopGroupProvider: .singleton)

    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    }

    static func request(_ method: NIOHTTP1Method, _ url: String, body: String? = nil, bytes: Data? = nil,
                        headers: [(String, String)] = [], timeout: TimeAmount = .seconds(30)) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        if let bytes { request.body = .bytes(ByteBuffer(data: bytes)) }
        if body != nil || bytes != nil, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 256 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                     body: Data(buffer: buffer))
    }

    static func get(_ url: String) async throws -> Reply { try await request(.GET, url) }
}

import NIOHTTP1
typealias NIOHTTP1Method = HTTPMethod

extension BookingBlocks {
    /// Blocks for these customers and titles by an undelivered booking from an older snapshot.
    static func pending(_ customers: [CustomerTitle]) -> BookingBlocks {
        BookingBlocks(bookings: customers.enumerated().map { index, key in
            (Booking(id: "pending-\(index)", sequence: Int64(index + 1), productId: 0, title: key.title,
                     customerId: key.customerId, bookedAt: Date(timeIntervalSince1970: 0), snapshotSequence: 0), false)
        }, currentSnapshot: 1)
    }
}
