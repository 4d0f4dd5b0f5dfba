import AsyncHTTPClient
import BookingCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// How the link talks to the Orchestrator. Defaults are the issue's.
public struct LinkConfiguration: Sendable {
    /// The Orchestrator's base URL, e.g. `http://localhost:5012`.
    public var orchestrator: String
    public var attemptTimeout: TimeInterval = 5
    /// The link's backoff after calls that got no answer.
    public var backoff = Backoff()
    /// An event's own backoff after the Orchestrator answered it with a failure.
    public var eventBackoff = Backoff(base: 0.5, cap: 10)
    public var breakerThreshold = 5
    public var breakerOpenFor: TimeInterval = 30
    /// A 500 ("no such order") answered this many times parks the event.
    public var maxAttempts = 10
    /// With nothing said to the Orchestrator for this long, a light probe (`GET /`, whose
    /// answer, even a 404, says it is there) tells whether it answers.
    public var probeInterval: TimeInterval = 5
    /// Also ask for the queues at this interval (`--resync-every`); nil: only when needed.
    public var resyncEvery: TimeInterval?
    /// Sent along with each event, for a receiver that serves several groups.
    public var group: String

    public init(orchestrator: String, group: String) {
        self.orchestrator = orchestrator.hasSuffix("/") ? String(orchestrator.dropLast()) : orchestrator
        self.group = group
    }

    public var policy: DeliveryPolicy.Configuration {
        DeliveryPolicy.Configuration(threshold: breakerThreshold, openFor: breakerOpenFor, backoff: backoff,
                                     eventBackoff: eventBackoff, maxAttempts: maxAttempts)
    }
}

/// Talks to the Orchestrator: drains the outbox (one event at a time, a stable
/// `Idempotency-Key`, decisions by `DeliveryPolicy`), asks for the queues
/// (`request-to-monitoring`) whenever our snapshot may be stale, and keeps `LinkStatus` honest:
/// every call (delivery, resync, idle probe) says whether the Orchestrator answers.
/// Holds no lock across a request: the Orchestrator pushes set-queue to us before it answers
/// an event, and that push goes straight to the monitor.
public final class OrchestratorLink: Service, Sendable {
    private let monitor: Monitor
    private let client: HTTPClient
    private let configuration: LinkConfiguration
    private let clock: any BookingClock
    private let random: @Sendable () -> Double
    private let logger: Logger
    /// The resync waits for it: the Orchestrator's answering push must find us listening.
    private let readiness: Readiness?
    /// New work (a booking, a requeue) or an operator's "retry now": ends the delivery loop's wait.
    private let work = WakeSignal()
    private let retryRequested = Mutex(false)
    private let resyncWake = WakeSignal()
    /// The earliest time a resync is wanted (nil: none is).
    private let resyncDue = Mutex<Date?>(nil)
    /// When the last call to the Orchestrator ended: the idle probe runs only after silence.
    private let lastCall = Mutex(Date.distantPast)
    /// With a shared store: only the instance holding this role delivers.
    private let senderRole: (any SenderRole)?

    public init(monitor: Monitor, client: HTTPClient, configuration: LinkConfiguration,
                senderRole: (any SenderRole)? = nil, readiness: Readiness? = nil,
                clock: any BookingClock = SystemClock(),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                logger: Logger) {
        self.monitor = monitor
        self.client = client
        self.configuration = configuration
        self.senderRole = senderRole
        self.readiness = readiness
        self.clock = clock
        self.random = random
        self.logger = logger
    }

    /// Ends the current wait (a backoff, an event's own backoff, an open breaker) and tries now.
    public func retryNow() {
        retryRequested.withLock { $0 = true }
        work.fire()
    }

    /// Asks the Orchestrator for the queues `delay` seconds from now, or sooner if already due.
    public func requestResync(after delay: TimeInterval = 0) {
        let at = clock.now().addingTimeInterval(delay)
        resyncDue.withLock { $0 = min($0 ?? at, at) }
        resyncWake.fire()
    }

    public func run() async throws {
        let changes = await monitor.changes()
        // New work wakes the delivery from the monitor's thread, at its commit.
        let observer = monitor.outboxView.onNewWork { [work] in work.fire() }
        defer { monitor.outboxView.stopObserving(observer) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.follow(changes) }
            group.addTask { await self.resyncLoop() }
            group.addTask { await self.probeLoop() }
            await cancelWhenGracefulShutdown {
                await self.deliveryLoop()
            }
            group.cancelAll()
        }
    }

    /// Reacts to the monitor's changes: a store that works again, or a push refused for a
    /// reason on our side, means our queue snapshot may be stale. (New work wakes the delivery
    /// through `OutboxView`, without this stream's hop.)
    private func follow(_ changes: AsyncStream<MonitorChange>) async {
        var refusedInRow = 0
        for await change in changes {
            switch change {
            case .storeRecovered: requestResync()
            case .queuesReplaced: refusedInRow = 0
            case .pushRefused(let refusal) where refusal.isOurs:
                // The Orchestrator would push the same again at once: ask with a growing pause.
                refusedInRow += 1
                requestResync(after: min(60, pow(2, Double(refusedInRow - 1))))
            default: break
            }
        }
    }

    // MARK: Delivery

    private func deliveryLoop() async {
        var policy = DeliveryPolicy(configuration.policy)
        // The breaker as the monitor shows it: an unchanged one is not written again, so an
        // idle turn of this loop costs no trip to the monitor's thread.
        var shown: CircuitBreaker?
        var sending: Bool?  // unknown until the first claim
        var roleShownAt = Date.distantPast
        while !Task.isCancelled {
            if let senderRole {
                let claimed = await senderRole.claim()
                // Also without a change, once a second: the shared group says standby by itself
                // when its session is cut off (this loop may be waiting on the store meanwhile),
                // and a role taken again must be said again. Not on every event delivered.
                if claimed != sending || clock.now().timeIntervalSince(roleShownAt) >= 1 {
                    roleShownAt = clock.now()
                    await monitor.updateLink { $0.standby = !claimed }
                }
                if claimed != sending {
                    // Taking over: deliver from what every instance has committed, not from memory.
                    if claimed { try? await monitor.refresh() }
                    if claimed || sending != nil {
                        await monitor.note(.info, claimed ? "this instance sends the booking events now"
                                                          : "standby: another instance sends the booking events")
                    }
                    sending = claimed
                }
                if !claimed {
                    // Another instance sends; try for the role again in a second.
                    try? await clock.sleep(until: clock.now().addingTimeInterval(1))
                    continue
                }
            }
            if retryRequested.withLock({ requested in defer { requested = false }; return requested }) {
                policy.retryNow()
            }
            let lookahead = policy.lookahead
            let pending: [OutboxEvent]
            if let head = monitor.outboxView.pending(limit: lookahead) {
                pending = head
            } else {
                pending = await monitor.pendingEvents(limit: lookahead)
            }
            switch policy.next(pending: pending, now: clock.now()) {
            case .wait(let until):
                if policy.breaker != shown {
                    await publish(policy)
                    shown = policy.breaker
                }
                // At most a second, so a shared store's sender role is checked again.
                let second = clock.now().addingTimeInterval(1)
                await work.wait(until: senderRole == nil ? (until ?? second) : min(until ?? second, second), clock: clock)
            case .send(let event):
                let outcome = await send(event)
                if Task.isCancelled, outcome != .delivered { return }
                let decision = policy.record(outcome, for: event, now: clock.now(), random: random())
                await carryOut(decision, outcome, event)
                await publish(policy, outcome: outcome)
                shown = policy.breaker
            }
        }
    }

    private func carryOut(_ decision: DeliveryPolicy.Decision, _ outcome: DeliveryPolicy.Outcome,
                          _ event: OutboxEvent) async {
        switch (decision.record, outcome) {
        case (.delivered, _):
            do {
                try await monitor.markDelivered(sequence: event.booking.sequence)
            } catch {
                logger.error("delivered but could not record it; it will be sent again with the same key: \(error)")
            }
            BookingMetrics.deliveries.increment()
            BookingMetrics.lastDelivery.record(clock.now().timeIntervalSince1970)
            BookingMetrics.deliveryLatency.recordNanoseconds(Int64(max(0, clock.now().timeIntervalSince(event.booking.bookedAt)) * 1e9))
        case (.failed(let park), .answered(let status, let message)):
            BookingMetrics.failures(kind: "http_\(status)").increment()
            await recordFailure(event, message, park: park, retryAt: decision.retryAt)
        case (.failed(let park), .noAnswer(let message)):
            BookingMetrics.failures(kind: message.hasPrefix("timeout") ? "timeout" : "connection").increment()
            await recordFailure(event, message, park: park, retryAt: decision.retryAt)
        case (.failed, .delivered):
            break  // not a decision the policy makes
        }
        if decision.breakerOpened {
            await monitor.note(.failure, "orchestrator failing: breaker open for \(Int(configuration.breakerOpenFor)) s")
        }
        if decision.breakerClosed {
            await monitor.note(.info, "orchestrator answering again: breaker closed")
            requestResync()
        }
    }

    private func recordFailure(_ event: OutboxEvent, _ message: String, park: Bool, retryAt: Date?) async {
        try? await monitor.recordFailure(sequence: event.booking.sequence, error: message, park: park)
        let next = retryAt.map { String(format: "; next try in %.1f s", max(0, $0.timeIntervalSince(clock.now()))) } ?? ""
        logger.warning("order-event for booking \(event.booking.id) (customer \(event.booking.customerId)) failed (attempt \(event.attempts + 1)): \(message)\(park ? "; parked" : next)")
    }

    private func publish(_ policy: DeliveryPolicy, outcome: DeliveryPolicy.Outcome? = nil) async {
        let at = clock.now()
        let breaker = policy.breaker
        BookingMetrics.breakerState.record(breaker.state == .closed ? 0 : breaker.state == .halfOpen ? 2 : 1)
        await monitor.updateLink { link in
            link.breaker = breaker.state
            link.consecutiveFailures = breaker.consecutiveFailures
            switch outcome {
            case .delivered: link.lastError = nil
            case .answered(_, let message), .noAnswer(let message):
                link.lastError = message
                link.lastErrorAt = at
            case nil: break
            }
        }
    }

    /// One POST of one event, within the attempt timeout.
    func send(_ event: OutboxEvent) async -> DeliveryPolicy.Outcome {
        var request = HTTPClientRequest(url: configuration.orchestrator + "/orchestrator/order-event")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: event.booking.id)
        request.body = .bytes(ByteBuffer(data: OrderEvent(event.booking, group: configuration.group).json()))
        switch await call(request) {
        case .answered(let status, _) where (200..<300).contains(status): return .delivered
        case .answered(let status, let body):
            return .answered(status: status, message: "HTTP \(status)\(body.isEmpty ? "" : ": \(body)")")
        case .noAnswer(let message): return .noAnswer(message: message)
        }
    }

    // MARK: Every call

    enum CallResult {
        /// `body` is the answer's first kilobyte, as text.
        case answered(status: Int, body: String)
        case noAnswer(String)
    }

    /// Makes one call within the attempt timeout and tells the monitor whether the Orchestrator
    /// answered. Gateways' 502, 503 and 504 count as no answer: the Orchestrator behind them is
    /// not there.
    private func call(_ request: HTTPClientRequest) async -> CallResult {
        let result: CallResult
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(configuration.attemptTimeout * 1000)))
            let body = try await response.body.collect(upTo: 1 << 20)
            let text = String(decoding: body.readableBytesView.prefix(1024), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            result = .answered(status: Int(response.status.code), body: text)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            result = .noAnswer("timeout after \(Self.seconds(configuration.attemptTimeout))")
        } catch {
            result = .noAnswer("cannot reach \(configuration.orchestrator): \(Self.describe(error))")
        }
        // Cut off by our own shutdown: that says nothing of the Orchestrator.
        if Task.isCancelled, case .noAnswer = result { return result }
        let at = clock.now()
        lastCall.withLock { $0 = at }
        let recovered: Bool
        switch result {
        case .answered(let status, let body) where [502, 503, 504].contains(status):
            recovered = false
            await monitor.orchestratorUnanswered(cause: "HTTP \(status)\(body.isEmpty ? "" : ": \(body.prefix(80))")", at: at)
        case .answered:
            recovered = await monitor.orchestratorAnswered(at: at)
        case .noAnswer(let cause):
            recovered = false
            await monitor.orchestratorUnanswered(cause: cause, at: at)
        }
        if recovered { requestResync() }
        return result
    }

    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// NIO's errors in an operator's words where they have common ones.
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        for (needle, words) in [("Connection refused", "connection refused"), ("Connection reset", "connection reset"),
                                ("remoteConnectionClosed", "connection closed by the Orchestrator"),
                                ("No route to host", "no route to host"), ("Network is unreachable", "network unreachable")]
        where text.contains(needle) {
            return words
        }
        return text
    }

    // MARK: Probe

    /// While nothing else talks to the Orchestrator, asks every `probeInterval` whether it is
    /// there: an idle monitor still knows.
    private func probeLoop() async {
        while !Task.isCancelled {
            let due = lastCall.withLock { $0 }.addingTimeInterval(configuration.probeInterval)
            if clock.now() < due {
                do { try await clock.sleep(until: due) } catch { return }
                continue
            }
            // While events wait to go, their attempts (and the breaker's trials) are the probe.
            guard await monitor.idleForDelivery else {
                lastCall.withLock { $0 = clock.now() }
                continue
            }
            var request = HTTPClientRequest(url: configuration.orchestrator + "/")
            request.method = .GET
            _ = await call(request)
        }
    }

    // MARK: Resync

    /// `GET request-to-monitoring`: once the server listens, then whenever our snapshot may be
    /// stale (the link or the store recovered, a push was refused on our side) and every
    /// `resyncEvery` if set. A failed request is retried with backoff.
    private func resyncLoop() async {
        if let readiness {
            while readiness.boundPort == nil {
                do { try await Task.sleep(for: .milliseconds(5)) } catch { return }
            }
        }
        requestResync()
        var attempt = 0
        var lastAsked = clock.now()
        while !Task.isCancelled {
            let now = clock.now()
            let periodic = configuration.resyncEvery.map { lastAsked.addingTimeInterval($0) }
            let next = [resyncDue.withLock { $0 }, periodic].compactMap { $0 }.min()
            guard let next, next <= now else {
                await resyncWake.wait(until: next ?? .distantFuture, clock: clock)
                continue
            }
            resyncDue.withLock { $0 = nil }
            lastAsked = now
            var request = HTTPClientRequest(url: configuration.orchestrator + "/orchestrator/request-to-monitoring")
            request.method = .GET
            switch await call(request) {
            case .answered(let status, _) where (200..<300).contains(status):
                attempt = 0
                let at = clock.now()
                BookingMetrics.lastResync.record(at.timeIntervalSince1970)
                await monitor.updateLink { $0.lastResyncAt = at }
                logger.info("asked the Orchestrator to push the queues (request-to-monitoring)")
                await monitor.note(.info, "resync: asked the Orchestrator for the current queues")
            case .answered(let status, _):
                retryResync(&attempt, "HTTP \(status)")
            case .noAnswer(let cause):
                retryResync(&attempt, cause)
            }
        }
    }

    private func retryResync(_ attempt: inout Int, _ cause: String) {
        logger.warning("resync (request-to-monitoring) failed, will retry: \(cause)")
        let delay = configuration.backoff.delay(attempt: attempt, random: random())
        attempt += 1
        requestResync(after: max(delay, 0.05))
    }
}

/// The body of `POST /orchestrator/order-event`: PascalCase like the Orchestrator's own JSON;
/// it binds `CustomerId` and `Title` and ignores the rest.
struct OrderEvent: Encodable {
    var CustomerId: Int32
    var Title: String
    var BookingId: String
    var ProductId: Int32
    var BookedAt: Date
    var Group: String

    init(_ booking: Booking, group: String) {
        CustomerId = booking.customerId
        Title = booking.title
        BookingId = booking.id
        ProductId = booking.productId
        BookedAt = booking.bookedAt
        Group = group
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    func json() -> Data { (try? Self.encoder.encode(self)) ?? Data() }
}
