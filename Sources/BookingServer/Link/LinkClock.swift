import Foundation

/// Time for the Orchestrator link, injectable so tests of backoff and the open period are
/// exact instead of sleeping.
public protocol LinkClock: Sendable {
    func now() -> Date
    /// Sleeps until `deadline` or until cancelled.
    func sleep(until deadline: Date) async throws
}

public struct SystemLinkClock: LinkClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
    }
}
