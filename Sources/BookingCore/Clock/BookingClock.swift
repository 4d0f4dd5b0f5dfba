import Foundation

/// The one notion of time: the monitor, the Orchestrator link, the sweeper and the console all
/// read the clock they are given, so a test that sets it sees every "now" and every wait agree.
public protocol BookingClock: Sendable {
    func now() -> Date
    /// Sleeps until `deadline` or until cancelled.
    func sleep(until deadline: Date) async throws
}

extension BookingClock {
    /// Sleeps for `seconds` of this clock.
    public func sleep(for seconds: TimeInterval) async throws {
        try await sleep(until: now().addingTimeInterval(seconds))
    }
}

/// The wall clock.
public struct SystemClock: BookingClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
    }
}

/// A clock that always reads `time` (a render or a golden file that must not change); its
/// sleeps wait for real, from the wall clock's now.
public struct FixedClock: BookingClock {
    public var time: Date
    public init(_ time: Date) { self.time = time }
    public func now() -> Date { time }
    public func sleep(until deadline: Date) async throws {
        try await SystemClock().sleep(until: Date().addingTimeInterval(deadline.timeIntervalSince(time)))
    }
}
