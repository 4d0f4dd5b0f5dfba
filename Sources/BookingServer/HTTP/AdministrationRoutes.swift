import BookingCore
import Foundation
import Hummingbird
import Synchronization

/// The monitor endpoints the Orchestrator calls, exactly as the original served them.
struct AdministrationRoutes<Context: RequestContext> {
    let monitor: Monitor
    let maxBody: Int

    func register(on router: Router<Context>) {
        let admin = router.group("administration")
        let cache = EncodedProducts()
        admin.get("get-products") { _, _ in
            JSONCoding.response(buffer: await cache.body(from: monitor))
        }
        admin.get("get-queues-list") { _, _ in
            JSONCoding.response(bytes: JSONWriter.queues(await monitor.queues().queues))
        }
        admin.put("switch-state/{id}") { request, context in
            let id = try Self.productId(context.parameters.get("id"))
            let isAvailable = try Self.isAvailable(request)
            try await monitor.setAvailability(productId: id, isAvailable: isAvailable)
            return JSONCoding.ok
        }
        admin.post("set-queue") { request, context in
            let body = try await request.body.collect(upTo: maxBody)
            let queues: [CustomerQueue]
            do throws(InputError) {
                queues = try SetQueueBody.decode(Data(buffer: body, byteTransferStrategy: .noCopy))
            } catch {
                throw Problem(error)
            }
            try await monitor.replaceQueues(queues)
            return JSONCoding.ok
        }
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
