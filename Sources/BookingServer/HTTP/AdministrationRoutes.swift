import BookingCore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The monitor endpoints the Orchestrator calls, exactly as the original served them.
struct AdministrationRoutes<Context: RequestContext> {
    let monitor: Monitor
    let maxBody: Int
    let segments = LastPushSegments()

    func register(on router: Router<Context>) {
        let admin = router.group("administration")
        let cache = EncodedProducts()
        let products = LastAnswer<ByteBuffer>(), queues = Self.queuesAnswer()
        admin.get("get-products") { _, _ in
            try await products.response { await cache.body(from: monitor) }
        }
        admin.get("get-queues-list") { _, _ in
            try await queues.response { await monitor.queues() }
        }
        admin.put("switch-state/{id}") { request, context in
            let id = try Self.productId(context.parameters.get("id"))
            let isAvailable = try Self.isAvailable(request)
            return try await IdempotencyHeader.answer(request) { key in
                try await monitor.setAvailability(productId: id, isAvailable: isAvailable, key: key)
                return JSONCoding.ok
            }
        }
        admin.post("set-queue") { request, context in
            try await setQueue(request)
        }
    }

    /// A push: every refusal is recorded with the monitor (header, Activity, link, metrics), so
    /// the operator hears what the Orchestrator only logs.
    func setQueue(_ request: Request) async throws -> Response {
        // Read as it arrives: the parts go to the parser and the key's digest, and are let go.
        // (`RequestGate` refuses a body over --max-body, and a body cut short, from the body.)
        var stream = SetQueueStream(known: segments.current)
        var digest = IdempotencyHeader.bodyDigest(request)
        do {
            for try await part in request.body {
                part.withUnsafeReadableBytes { bytes in
                    stream.feed(bytes)
                    digest?.update(bufferPointer: bytes)
                }
            }
        } catch is NIOTooManyBytesError {
            let detail = RequestGate.tooLargeDetail(request.headers[.contentLength].flatMap(Int.init), maxBody: maxBody)
            await monitor.refusePush(.tooLarge, detail)
            throw Problem(.contentTooLarge, "the queue push is larger than the server accepts: \(detail)")
        } catch let broken as RequestGate.BodyBrokeOff {
            await monitor.refusePush(.incomplete, "the body did not arrive whole: \(broken)")
            throw Problem(.badRequest, broken.description, field: "body")
        }
        let queues: [CustomerQueue]
        do throws(InputError) {
            let read = try SetQueueBody.read(stream.finish())
            queues = read.queues
            if let next = read.segments { segments.replace(with: next) }
        } catch {
            await monitor.refusePush(.invalid, error.description)
            throw Problem(error)
        }
        return try await IdempotencyHeader.answer(request, digest: digest) { key in
            do {
                try await monitor.replaceQueues(queues, key: key)
            } catch let error where Monitor.isStoreFault(error) {
                await monitor.refusePush(.store, "the store failed: \(error)")
                throw error
            }
            return JSONCoding.ok
        }
    }

    /// get-queues-list keeps the snapshot, not its encoding: the snapshot is the monitor's own
    /// (shared storage), the encoding of a 1M-entry push 23 MB that only the next fallback uses.
    static func queuesAnswer(patience: Duration = .milliseconds(250)) -> LastAnswer<QueueSnapshot> {
        LastAnswer(patience: patience) { ByteBuffer(bytes: JSONWriter.queues($0.queues)) }
    }

    /// The get-products body, encoded once per change of the products rather than per request:
    /// the Orchestrator and dashboards poll it far more often than products change.
    final class EncodedProducts: Sendable {
        private let cached = Mutex<(version: UInt64, body: ByteBuffer)?>(nil)

        func body(from monitor: Monitor) async -> ByteBuffer {
            let current = cached.withLock { $0 }
            let (version, products) = await monitor.products(ifChangedSince: current?.version)
            guard let products else { return current!.body }
            let body = ByteBuffer(bytes: JSONWriter.products(products))
            cached.withLock { cache in
                if cache == nil || cache!.version < version { cache = (version, body) }
            }
            return body
        }
    }

    static func productId(_ raw: String?) throws -> Int32 {
        guard let raw, let id = Int32(raw) else {
            throw Problem(.badRequest, "product id must be a 32-bit integer, got \"\(raw ?? "")\"", field: "id")
        }
        return id
    }

    /// `isAvailable=true|false`, name and value case-insensitive like ASP.NET's binder.
    static func isAvailable(_ request: Request) throws -> Bool {
        let values = request.uri.queryParameters.filter { $0.key.lowercased() == "isavailable" }.map { String($0.value) }
        guard let raw = values.first else {
            throw Problem(.badRequest, "query parameter isAvailable is missing (true or false)", field: "isAvailable")
        }
        switch raw.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw Problem(.badRequest, "isAvailable must be true or false, got \"\(raw)\"", field: "isAvailable")
        }
    }
}
