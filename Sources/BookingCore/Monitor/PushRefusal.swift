import Foundation
import Synchronization

/// A queue push (`set-queue`) this monitor refused. Every one is loud: the Orchestrator only
/// logs our answer, so the operator must hear it here (header, Activity, `/administration/link`,
/// `/metrics`), and the link asks for the queues again (see `OrchestratorLink`).
public struct PushRefusal: Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        /// Larger than `--max-body` (413).
        case tooLarge = "too-large"
        /// Not a valid queue list (400).
        case invalid
        /// The store could not take it (503/500): our side.
        case store
        /// The body did not arrive whole (400): cut short, or its framing broken on the way.
        case incomplete
    }

    public var reason: Reason
    /// What the operator reads: "23.1 MB over --max-body 16 MiB".
    public var detail: String
    public var at: Date

    public init(reason: Reason, detail: String, at: Date) {
        self.reason = reason
        self.detail = detail
        self.at = at
    }

    /// Refusals for a reason on our side, or on the way: asking the Orchestrator again can
    /// help (it only logs a refused push, and pushes next after a booking event).
    public var isOurs: Bool { reason != .invalid }
}

/// Counts of refused pushes by reason, and the last one.
public struct PushRefusals: Sendable, Equatable {
    public var counts: [PushRefusal.Reason: Int] = [:]
    public var last: PushRefusal?
    /// True from a refusal until the next push is accepted: the header keeps showing it.
    public var outstanding = false

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }
}

extension Monitor {
    /// Records a refused push (nothing else changes).
    public func refusePush(_ reason: PushRefusal.Reason, _ detail: String) {
        let refusal = PushRefusal(reason: reason, detail: detail, at: now())
        refusals.counts[reason, default: 0] += 1
        refusals.last = refusal
        refusals.outstanding = true
        BookingMetrics.refusedPushes(reason: reason).increment()
        logger.warning("queue push refused: \(detail)")
        record(.failure, "push refused: \(detail)")
        publish(.pushRefused(refusal))
    }
}

/// Byte counts as an operator reads them: "23.1 MB" for a size, "16 MiB" or "1000 bytes" for a
/// limit as the flag was given.
public enum ByteCount {
    public static func limit(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    public static func describe(_ bytes: Int) -> String {
        if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1e6) }
        if bytes >= 1_000 { return String(format: "%.1f kB", Double(bytes) / 1e3) }
        return "\(bytes) bytes"
    }
}

/// Whether the store takes writes, readable from any thread.
public final class StoreHealth: Sendable {
    private let state = Mutex<Date?>(nil)
    public init() {}
    /// Since when writes fail; nil while they work.
    /// Marks the store failing now, unless it already is; true when it was not.
    @discardableResult
    public func markFailing(at time: Date = Date()) -> Bool {
        state.withLock { since in
            guard since == nil else { return false }
            since = time
            return true
        }
    }

    public var failingSince: Date? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
