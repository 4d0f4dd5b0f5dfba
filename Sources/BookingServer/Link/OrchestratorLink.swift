import AsyncHTTPClient
import BookingCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// How the link talks to the Orchestrator. Defaults are the issue's.
public struct LinkConfiguration: Sendable {
    /// The Orchestrator's base URL, e.g. `http://localhost:5012`.
    public var orchestrator: String
    public var attemptTimeout: TimeInterval = 5
    public var backoff = Backoff()
    public var breakerThreshold = 5
    public var breakerOpenFor: TimeInterval = 30
    /// A 500 ("no such order") repeated this many times parks the event.
    public var maxAttempts = 10
    /// Sent along with each event, for a receiver that serves several groups.
    public var group: String

    public init(orchestrator: String, group: String) {
        self.orchestrator = orchestrator.hasSuffix("/") ? String(orchestrator.dropLast()) : orchestrator
        self.group = group
    }
}

/// Drains the outbox to the Orchestrator: one event at a time in booking order, a stable
/// `Idempotency-Key` (the booking id), capped full-jitter backoff, a circuit breaker, parking
/// of permanent failures, and a resync (`request-to-monitoring`) at start and after recovery.
/// Holds no lock across a request: the Orchestrator pushes set-queue to us before it answers
/// an event, and that push goes straight to the monitor.
public final class OrchestratorLink: Service, Sendable {
    private let monitor: Monitor
    private let client: HTTPClient
    private let configuration: LinkConfiguration
    private let clock: any LinkClock
    private let random: @Sendable () -> Double
    private let logger: Logger
    /// New work: a booking or a requeue. Ends the idle wait only.
    private let work = WakeSignal()
    /// The operator's "retry now": ends a backoff or an open breaker's wait.
    private let retry = WakeSignal()
    private let resyncWake = WakeSignal()
    /// With a shared store: only the instance holding this role delivers.
    private let senderRole: (any SenderRole)?

    public init(monitor: Monitor, client: HTTPClient, configuration: LinkConfiguration,
                senderRole: (any SenderRole)? = nil,
                clock: any LinkClock = SystemLinkClock(),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                logger: Logger) {
        self.monitor = monitor
        self.client = client
        self.configuration = configuration
        self.senderRole = senderRole
        self.clock = clock
        self.random = random
        self.logger = logger
    }

    /// Ends the current wait (backoff or open breaker) and tries the head event now.
    public func retryNow() {
        retry.fire()
        work.fire()
    }

    public func run() async throws {
        let changes = await monitor.changes()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await change in changes {
                    switch change {
                    case .booked, .requeued: self.work.fire()
                    default: break
                    }
                }
            }
            group.addTask { await self.resyncLoop() }
            await cancelWhenGracefulShutdown {
                await self.deliveryLoop()
            }
            group.cancelAll()
        }
    }

    // MARK: Delivery

    enum Outcome: Equatable {
        case delivered
        /// `status` is nil when no answer came (refused, reset, timed out).
        case failed(status: Int?, message: String)
    }

    private func deliveryLoop() async {
        var breaker = CircuitBreaker(threshold: configuration.breakerThreshold, openFor: configuration.breakerOpenFor)
        var sending: Bool?  // unknown until the first claim
        while !Task.isCancelled {
            if let senderRole {
                let claimed = await senderRole.claim()
                if claimed != sending {
                    // Taking over: deliver from what every instance has committed, not from memory.
                    if claimed { try? await monitor.refresh() }
                    await monitor.updateLink { $0.standby = !claimed }
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
            let now = clock.now()
            if !breaker.allowsAttempt(at: now), case .open(let until) = breaker.state {
                await publish(breaker)
                await retry.wait(until: until, clock: clock)
                if clock.now() < until { breaker.forceTrial() } // an operator asked: try now
                continue
            }
            guard let event = await monitor.pendingEvents(limit: 1).first else {
                await work.wait(until: clock.now().addingTimeInterval(1), clock: clock)
                continue
            }
            let outcome = await send(event)
            if Task.isCancelled, outcome != .delivered { return }
            switch outcome {
            case .delivered:
                do {
                    try await monitor.markDelivered(sequence: event.booking.sequence)
                } catch {
                    logger.error("delivered but could not record it; it will be sent again with the same key: \(error)")
                }
                BookingMetrics.deliveries.increment()
                BookingMetrics.deliveryLatency.recordNanoseconds(Int64(max(0, clock.now().timeIntervalSince(event.booking.bookedAt)) * 1e9))
                if breaker.recordSuccess() {
                    await monitor.note(.info, "orchestrator reachable again: breaker closed")
                    resyncWake.fire()
                }
                await publish(breaker, error: nil)
            case .failed(let status, let message):
                let permanent = status.map { (400..<500).contains($0) && $0 != 408 && $0 != 429 } ?? false
                let park = permanent || (status == 500 && event.attempts + 1 >= configuration.maxAttempts)
                BookingMetrics.failures(kind: status.map { "http_\($0)" } ?? (message.hasPrefix("timeout") ? "timeout" : "connection"))
                    .increment()
                try? await monitor.recordFailure(sequence: event.booking.sequence, error: message, park: park)
                logger.warning("order-event for booking \(event.booking.id) failed (attempt \(event.attempts + 1)): \(message)\(park ? "; parked" : "")")
                // A 4xx is the Orchestrator answering: it is up, so the breaker does not count it.
                if !permanent, breaker.recordFailure(at: clock.now()) {
                    await monitor.note(.failure, "orchestrator failing: breaker open for \(Int(configuration.breakerOpenFor)) s")
                }
                await publish(breaker, error: message)
                if !park, breaker.state == .closed {
                    let delay = configuration.backoff.delay(attempt: event.attempts, random: random())
                    await retry.wait(until: clock.now().addingTimeInterval(delay), clock: clock)
                }
            }
        }
    }

    private func publish(_ breaker: CircuitBreaker, error: String?? = .none) async {
        let at = clock.now()
        BookingMetrics.breakerState.record(breaker.state == .closed ? 0 : breaker.state == .halfOpen ? 2 : 1)
        await monitor.updateLink { link in
            link.breaker = breaker.state
            link.consecutiveFailures = breaker.consecutiveFailures
            if case .some(let error) = error {
                link.lastError = error
                if error != nil { link.lastErrorAt = at }
            }
        }
    }

    /// One POST of one event, within the attempt timeout.
    func send(_ event: OutboxEvent) async -> Outcome {
        var request = HTTPClientRequest(url: configuration.orchestrator + "/orchestrator/order-event")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: event.booking.id)
        request.body = .bytes(ByteBuffer(data: OrderEvent(event.booking, group: configuration.group).json()))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(configuration.attemptTimeout * 1000)))
            let body = try await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) { return .delivered }
            let text = String(buffer: body).prefix(200)
            return .failed(status: Int(response.status.code),
                           message: "HTTP \(response.status.code)\(text.isEmpty ? "" : ": \(text)")")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failed(status: nil, message: "timeout after \(configuration.attemptTimeout) s")
        } catch {
            return .failed(status: nil, message: "cannot reach \(configuration.orchestrator): \(error)")
        }
    }

    // MARK: Resync

    /// `GET request-to-monitoring` at start and after each recovery; retried until it works.
    private func resyncLoop() async {
        var attempt = 0
        var due = true
        while !Task.isCancelled {
            if !due {
                await resyncWake.wait(until: .distantFuture, clock: clock)
                if Task.isCancelled { return }
            }
            due = false
            var request = HTTPClientRequest(url: configuration.orchestrator + "/orchestrator/request-to-monitoring")
            request.method = .GET
            do {
                let response = try await client.execute(request, timeout: .milliseconds(Int64(configuration.attemptTimeout * 1000)))
                _ = try await response.body.collect(upTo: 1 << 20)
                guard (200..<300).contains(response.status.code) else { throw ResyncError(status: Int(response.status.code)) }
                attempt = 0
                logger.info("asked the Orchestrator to push the queues (request-to-monitoring)")
                await monitor.note(.info, "resync: asked the Orchestrator for the current queues")
            } catch {
                logger.warning("resync (request-to-monitoring) failed, will retry: \(error)")
                let delay = configuration.backoff.delay(attempt: attempt, random: random())
                attempt += 1
                due = true
                await resyncWake.wait(until: clock.now().addingTimeInterval(max(delay, 0.05)), clock: clock)
            }
        }
    }

    private struct ResyncError: Error, CustomStringConvertible {
        var status: Int
        var description: String { "HTTP \(status)" }
    }
}

extension CircuitBreaker {
    /// The operator asked to retry: treat the open period as over.
    mutating func forceTrial() {
        if case .open = state { _ = allowsAttempt(at: .distantFuture) }
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
