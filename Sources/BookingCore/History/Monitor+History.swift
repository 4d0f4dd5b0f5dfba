import Foundation

/// The monitor's side of the history: what a booking records about who was ahead, pruning,
/// and reading.
extension Monitor {
    /// Customers walked at most in front of a booked one: bounds the cost of a booking's trail
    /// in a long queue.
    static let trailWalk = 1000

    /// Who was ahead of `planned`'s customer in its title's queue and not given this copy, and
    /// why, as a JSON array (`[{"customer":7,"reason":"event-pending"}]`); nil when nobody was.
    /// Each one was skipped by the rules (`event-pending`, `booked-from-this-snapshot`) or had
    /// just been given an earlier copy in the same decision (`booked`). Called inside the
    /// transaction, before memory is updated with its bookings.
    func bookingTrail(_ planned: PlannedBooking) -> String? {
        guard let index = queueIndex[TitleKey(planned.title)] else { return nil }
        var entries: [String] = []
        var walked = 0
        for customer in snapshot.queues[index].customers {
            if customer == planned.customerId { break }
            walked += 1
            if walked > Self.trailWalk {
                entries.append("{\"more\":true}")
                break
            }
            let key = CustomerTitle(customerId: customer, title: planned.title)
            let reason = undelivered[key] != nil ? "event-pending"
                : bookedFromSnapshot.contains(key) ? "booked-from-this-snapshot" : "booked"
            entries.append("{\"customer\":\(customer),\"reason\":\"\(reason)\"}")
        }
        return entries.isEmpty ? nil : "[" + entries.joined(separator: ",") + "]"
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
