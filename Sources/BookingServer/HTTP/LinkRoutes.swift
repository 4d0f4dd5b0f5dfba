import BookingCore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// What an operator asks of the Orchestrator link over HTTP: its state, the outbox, resends.
struct LinkRoutes<Context: RequestContext> {
    let monitor: Monitor
    let link: OrchestratorLink?

    struct LinkBody: Encodable {
        var orchestrator: String
        var breaker: String
        var secondsUntilTrial: Double?
        var consecutiveFailures: Int
        var pending: Int
        var parked: Int
        var oldestPendingAgeSeconds: Double?
        var lastError: String?
        var lastErrorAt: Date?
        var lastDeliveryAt: Date?
        var lastQueuePushAt: Date?
        /// ok, unreachable, unknown (no call has ended yet), standby, not-running.
        var state: String
        var reachable: Bool?
        var unreachableSince: Date?
        var unreachableCause: String?
        var lastAnswerAt: Date?
        var lastResyncAt: Date?
        var lastOutageSeconds: Double?
        var refusedPushes: [String: Int]
        var lastRefusedPush: RefusedPush?
        var storeFailingSince: Date?
        var lastStoreOutageSeconds: Double?
        var paused: Bool
        var store: String
        var standby: Bool
        var instances: [Instance]

        struct RefusedPush: Encodable {
            var reason: String
            var detail: String
            var at: Date
        }

        struct Instance: Encodable {
            var name: String
            var `self`: Bool
            var sender: Bool
        }
    }

    struct EventBody: Encodable {
        var bookingId: String
        var sequence: Int64
        var productId: Int32
        var customerId: Int32
        var title: String
        var bookedAt: Date
        var state: String
        var attempts: Int
        var lastError: String?
        var lastAttemptAt: Date?

        init(_ event: OutboxEvent) {
            bookingId = event.booking.id
            sequence = event.booking.sequence
            productId = event.booking.productId
            customerId = event.booking.customerId
            title = event.booking.title
            bookedAt = event.booking.bookedAt
            state = event.state.rawValue
            attempts = event.attempts
            lastError = event.lastError
            lastAttemptAt = event.lastAttemptAt
        }
    }

    /// The link's state, as `/administration/link` answers it.
    func linkBody() async throws -> ByteBuffer {
        let snapshot = await monitor.snapshotNow()
        let now = Date()
        let link = snapshot.link
        var body = LinkBody(orchestrator: link.orchestrator, breaker: "closed", consecutiveFailures: link.consecutiveFailures,
                            pending: snapshot.pendingCount, parked: snapshot.parkedCount,
                            oldestPendingAgeSeconds: snapshot.oldestPending.map { now.timeIntervalSince($0) },
                            lastError: link.lastError, lastErrorAt: link.lastErrorAt, lastDeliveryAt: link.lastDeliveryAt,
                            lastQueuePushAt: snapshot.queues.receivedAt,
                            state: link.notRunning ? "not-running" : link.reachable == false ? "unreachable"
                                : link.standby ? "standby" : link.reachable == nil ? "unknown" : "ok",
                            reachable: link.reachable, unreachableSince: link.unreachableSince,
                            unreachableCause: link.unreachableCause, lastAnswerAt: link.lastAnswerAt,
                            lastResyncAt: link.lastResyncAt, lastOutageSeconds: link.lastOutage,
                            refusedPushes: Dictionary(uniqueKeysWithValues: PushRefusal.Reason.allCases.map {
                                ($0.rawValue, snapshot.refusals.counts[$0] ?? 0)
                            }),
                            lastRefusedPush: snapshot.refusals.last.map {
                                .init(reason: $0.reason.rawValue, detail: $0.detail, at: $0.at)
                            },
                            storeFailingSince: snapshot.storeFailingSince,
                            lastStoreOutageSeconds: snapshot.lastStoreOutage,
                            paused: snapshot.paused,
                            store: snapshot.store, standby: link.standby,
                            instances: snapshot.peers.map { .init(name: $0.name, self: $0.isSelf, sender: $0.isSender) })
        switch link.breaker {
        case .closed: body.breaker = "closed"
        case .halfOpen: body.breaker = "half-open"
        case .open(let until):
            body.breaker = "open"
            body.secondsUntilTrial = max(0, until.timeIntervalSince(now))
        }
        return ByteBuffer(data: try JSONCoding.encoder.encode(body))
    }

    func register(on router: Router<Context>) {
        let admin = router.group("administration")
        let linkAnswer = LastAnswer<ByteBuffer>(), outboxAnswers = Mutex<[String: LastAnswer<ByteBuffer>]>([:])
        admin.get("link") { _, _ in
            try await linkAnswer.response { try await linkBody() }
        }
        admin.get("outbox") { request, _ in
            let wanted = request.uri.queryParameters.get("state")
            if let wanted, OutboxEvent.State(rawValue: wanted) == nil || wanted == "delivered" {
                throw Problem(.badRequest, "state must be pending or parked, got \"\(wanted)\"", field: "state")
            }
            let answer = outboxAnswers.withLock { answers in
                if let answer = answers[wanted ?? ""] { return answer }
                let answer = LastAnswer<ByteBuffer>()
                answers[wanted ?? ""] = answer
                return answer
            }
            return try await answer.response {
                let snapshot = await monitor.snapshotNow()
                return ByteBuffer(data: try JSONCoding.encoder.encode(snapshot.outbox.filter { wanted == nil || $0.state.rawValue == wanted }
                    .map(EventBody.init)))
            }
        }
        admin.post("outbox/retry") { request, _ in
            try await IdempotencyHeader.answer(request) { key in
                let count = try await monitor.requeueParked(key: key)
                link?.retryNow()
                return try JSONCoding.response(["requeued": count])
            }
        }
        admin.post("outbox/{bookingId}/retry") { request, context in
            let id = try context.parameters.require("bookingId")
            return try await IdempotencyHeader.answer(request) { key in
                let count = try await monitor.requeueParked(bookingId: id, key: key)
                link?.retryNow()
                return try JSONCoding.response(["requeued": count])
            }
        }
    }
}
