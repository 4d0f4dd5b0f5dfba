import BookingCore
import Foundation

/// A circuit breaker tuned for low volume: it opens after `threshold` consecutive failures
/// (not after a failure rate over 100 calls, which a booking monitor never reaches), stays
/// open for `openFor`, then lets one trial through. Pure: time is passed in.
public struct CircuitBreaker: Sendable, Equatable {
    public typealias State = LinkStatus.Breaker

    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    public let threshold: Int
    public let openFor: TimeInterval

    public init(threshold: Int = 5, openFor: TimeInterval = 30) {
        self.threshold = max(1, threshold)
        self.openFor = openFor
    }

    /// Whether a request may go now; moves an expired open breaker to half-open (one trial).
    public mutating func allowsAttempt(at now: Date) -> Bool {
        switch state {
        case .closed, .halfOpen: return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen
            return true
        }
    }

    /// Returns true when this success closed a breaker that had been open.
    public mutating func recordSuccess() -> Bool {
        let wasOpen = state != .closed
        state = .closed
        consecutiveFailures = 0
        return wasOpen
    }

    /// Returns true when this failure opened the breaker.
    public mutating func recordFailure(at now: Date) -> Bool {
        consecutiveFailures += 1
        if state == .halfOpen || consecutiveFailures >= threshold {
            state = .open(until: now.addingTimeInterval(openFor))
            return true
        }
        return false
    }
}

/// Capped full-jitter exponential backoff: a random wait in [0, min(cap, base·2^attempt)].
public struct Backoff: Sendable, Equatable {
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(base: TimeInterval = 0.5, cap: TimeInterval = 30) {
        self.base = base
        self.cap = cap
    }

    /// - Parameters:
    ///   - attempt: failures so far for the event at the head of the outbox (0 for the first retry).
    ///   - random: a value in [0, 1).
    public func delay(attempt: Int, random: Double) -> TimeInterval {
        let ceiling = min(cap, base * pow(2, Double(min(attempt, 62))))
        return ceiling * random
    }
}
