import BookingCore
import Foundation

/// What the delivery loop does next, and what an attempt's outcome means. A value with
/// transitions that return actions (AsyncHTTPClient's `Transaction.StateMachine` is the model):
/// no I/O, no clock, no randomness of its own; the link carries the actions out.
///
/// - One event in flight at a time: the Orchestrator pushes the rebuilt queues before it answers
///   an event, so two in flight could deliver pushes out of order.
/// - An event the Orchestrator *answers* with a failure (an HTTP status) gets a backoff of its
///   own and steps aside: the next event in booking order goes. So booking order can change
///   around a rejected event (README, "The Orchestrator link").
/// - No answer at all (refused, reset, timed out), a gateway's 502/503/504, and 408/429 are the
///   link's trouble, not the event's: the whole link backs off, the head event stays at the head.
/// - The breaker opens after `threshold` failures in a row that say "the Orchestrator is in
///   trouble": those, and other 5xx answers from *different* events. One event's repeated 500
///   ("no order for customer 7") is about that event and never opens it.
/// - A 4xx other than 408/429 parks the event at once; a 500 parks it after `maxAttempts` such
///   answers while the breaker is closed (a half-open trial never parks).
public struct DeliveryPolicy: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var threshold: Int
        public var openFor: TimeInterval
        /// The link's backoff after transport failures.
        public var backoff: Backoff
        /// An answered event's own backoff: with the defaults ten 500s are at most
        /// 0.5+1+2+4+8+10·4 = 55.5 s apart from first to last, so a rejected event is parked
        /// within about a minute.
        public var eventBackoff: Backoff
        public var maxAttempts: Int

        public init(threshold: Int = 5, openFor: TimeInterval = 30, backoff: Backoff = Backoff(),
                    eventBackoff: Backoff = Backoff(base: 0.5, cap: 10), maxAttempts: Int = 10) {
            self.threshold = threshold
            self.openFor = openFor
            self.backoff = backoff
            self.eventBackoff = eventBackoff
            self.maxAttempts = max(1, maxAttempts)
        }

        /// The longest an event answered 500 every time waits from its first attempt to its
        /// parking, while the breaker stays closed (answer times not included).
        public var parkBound: TimeInterval {
            (0..<max(0, maxAttempts - 1)).reduce(0) { $0 + min(eventBackoff.cap, eventBackoff.base * pow(2, Double($1))) }
        }
    }

    /// The result of one attempt, as the link saw it.
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// The Orchestrator answered with a status that is not 2xx.
        case answered(status: Int, message: String)
        /// No answer: refused, reset, timed out.
        case noAnswer(message: String)
    }

    public enum Next: Sendable, Equatable {
        case send(OutboxEvent)
        /// Nothing may go now: wait until then (nil: until new work), or an operator's retry.
        case wait(until: Date?)
    }

    /// What to write after an attempt, and what the operator should hear of it.
    public struct Decision: Sendable, Equatable {
        public enum Record: Sendable, Equatable {
            case delivered
            case failed(park: Bool)
        }
        public var record: Record
        public var breakerOpened = false
        public var breakerClosed = false
        /// When this event may be tried again (nil: not held back on its own).
        public var retryAt: Date?
    }

    public let configuration: Configuration
    public private(set) var breaker: CircuitBreaker
    /// Transport failures in a row, and when the link may try again after them.
    public private(set) var transportFailures = 0
    public private(set) var linkRetryAt: Date?
    /// The events holding back on their own (booking sequence → when, and how many answers).
    public private(set) var held: [Int64: Held] = [:]
    /// The events whose 5xx counted in the current failure streak.
    private var streakEvents: Set<Int64> = []

    public struct Held: Sendable, Equatable {
        public var until: Date
        /// Answers that were failures (5xx) so far, counted toward parking on 500.
        public var failures: Int
    }

    /// Answers about the Orchestrator, not the event: a gateway's 502/503/504 (the Orchestrator
    /// behind it is not there), 408 and 429.
    public static let linkStatuses: Set<Int> = [408, 429, 502, 503, 504]

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        breaker = CircuitBreaker(threshold: configuration.threshold, openFor: configuration.openFor)
    }

    /// How many pending events the link should read to find one that may go: every held one,
    /// plus one.
    public var lookahead: Int { held.count + 1 }

    /// The next thing to do, given the pending events in booking order (at least `lookahead`
    /// of them when there are that many).
    public mutating func next(pending: [OutboxEvent], now: Date) -> Next {
        // Forget events that are no longer pending (delivered by another instance, parked).
        if held.count > 0 {
            let live = Set(pending.map(\.booking.sequence))
            if pending.count < lookahead { held = held.filter { live.contains($0.key) } }
        }
        if !breaker.allowsAttempt(at: now), case .open(let until) = breaker.state {
            return .wait(until: until)
        }
        if let linkRetryAt, now < linkRetryAt, breaker.state == .closed { return .wait(until: linkRetryAt) }
        var earliest: Date?
        for event in pending {
            guard let hold = held[event.booking.sequence], now < hold.until else { return .send(event) }
            earliest = min(earliest ?? hold.until, hold.until)
        }
        return .wait(until: earliest)
    }

    /// An operator asked to retry now: no waiting on the breaker, the link or any event.
    public mutating func retryNow() {
        breaker.forceTrial()
        linkRetryAt = nil
        for key in held.keys { held[key]!.until = .distantPast }
    }

    /// Records an attempt's outcome; `random` in [0, 1) draws the backoff.
    public mutating func record(_ outcome: Outcome, for event: OutboxEvent, now: Date, random: Double) -> Decision {
        let sequence = event.booking.sequence
        let trial = breaker.state == .halfOpen
        switch outcome {
        case .delivered:
            held[sequence] = nil
            return answeredFine(Decision(record: .delivered))

        case .noAnswer:
            return linkFailure(sequence, now: now, random: random)

        case .answered(let status, _) where Self.linkStatuses.contains(status):
            return linkFailure(sequence, now: now, random: random)

        case .answered(let status, _) where (400..<500).contains(status):
            // The Orchestrator answered for this event, for good: park it; the link is fine.
            held[sequence] = nil
            return answeredFine(Decision(record: .failed(park: true)))

        case .answered(let status, _):
            transportFailures = 0
            linkRetryAt = nil
            var hold = held[sequence] ?? Held(until: now, failures: 0)
            hold.failures += 1
            var decision = Decision(record: .failed(park: false))
            if status == 500, !trial, hold.failures >= configuration.maxAttempts {
                held[sequence] = nil
                decision.record = .failed(park: true)
            } else {
                hold.until = now.addingTimeInterval(configuration.eventBackoff.delay(attempt: hold.failures - 1, random: random))
                held[sequence] = hold
                decision.retryAt = hold.until
            }
            // Several different events failing in a row is the Orchestrator's trouble.
            if trial || streakEvents.insert(sequence).inserted {
                decision.breakerOpened = breaker.recordFailure(at: now)
            }
            return decision
        }
    }

    private mutating func answeredFine(_ decision: Decision) -> Decision {
        var decision = decision
        transportFailures = 0
        linkRetryAt = nil
        streakEvents = []
        decision.breakerClosed = breaker.recordSuccess()
        return decision
    }

    private mutating func linkFailure(_ sequence: Int64, now: Date, random: Double) -> Decision {
        transportFailures += 1
        var decision = Decision(record: .failed(park: false))
        decision.breakerOpened = breaker.recordFailure(at: now)
        if breaker.state == .closed {
            linkRetryAt = now.addingTimeInterval(configuration.backoff.delay(attempt: transportFailures - 1, random: random))
            decision.retryAt = linkRetryAt
        }
        return decision
    }
}

extension CircuitBreaker {
    /// The operator asked to retry: treat the open period as over.
    mutating func forceTrial() {
        if case .open = state { _ = allowsAttempt(at: .distantFuture) }
    }
}
