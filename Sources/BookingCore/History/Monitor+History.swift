import Foundation

/// The monitor's side of the history: what a booking records about who was ahead, pruning,
/// and reading.
extension Monitor {
    /// The booking's reason trail for its history entry: who was ahead of the customer in the
    /// title's queue and skipped by the rules, and why, as a JSON array
    /// (`[{"customer":7,"reason":"event-pending"}]`); nil when nobody was. From the decision
    /// itself (`BookingDecision.skipped`), so the history says what the rules decided.
    func bookingTrail(_ decision: BookingDecision) -> String? {
        guard !decision.skipped.isEmpty else { return nil }
        return "[" + decision.skipped.map { "{\"customer\":\($0.customer),\"reason\":\"\($0.reason.rawValue)\"}" }
            .joined(separator: ",") + "]"
    }

    /// From the sweep: forgets idempotency keys past their 24 hours (hourly) and history past
    /// its retention (every minute).
    func pruneExpired() {
        pruneIdempotency()
        let time = now()
        guard time.timeIntervalSince(lastHistoryPrune) >= 60 else { return }
        lastHistoryPrune = time
        do {
            try transact { tx in try tx.pruneHistory(now: time) }
        } catch {
            logger.warning("could not prune old history: \(error)")
        }
    }

    /// Recorded changes, newest first (the store's read; no actor hop).
    public nonisolated func history(_ query: HistoryQuery) throws -> [HistoryEntry] {
        try store.history(query)
    }
}
