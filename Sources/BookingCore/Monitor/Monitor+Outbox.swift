import Foundation

/// The outbox: what the Orchestrator link sends, and what became of it.
extension Monitor {
    /// Pending events in booking order: what the Orchestrator link sends next.
    public func pendingEvents(limit: Int = 100) -> [OutboxEvent] {
        state.pendingEvents(limit: limit)
    }

    /// The outbox's gauges; on every change of it, and once at start for what was loaded.
    public func recordOutboxMetrics() {
        BookingMetrics.outboxPending.record(state.outbox.count - state.parkedCount)
        BookingMetrics.outboxParked.record(state.parkedCount)
        BookingMetrics.oldestPending.record(pendingEvents(limit: 1).first?.booking.bookedAt.timeIntervalSince1970 ?? 0)
    }

    public func markDelivered(sequence: Int64) throws {
        guard state.outbox[sequence] != nil || store.isShared else { return }
        let delivered = try transact { tx -> OutboxEvent? in
            guard var event = state.outbox[sequence], event.state != .delivered else { return nil }
            event.state = .delivered
            event.attempts += 1
            event.lastAttemptAt = now()
            event.deliveredAt = event.lastAttemptAt
            event.lastError = nil
            try tx.updateOutbox(event, at: now())
            return event
        }
        guard let event = delivered else { return }
        emit(state.apply(.event(event)))
        link.lastDeliveryAt = event.deliveredAt
        record(.delivery, "delivered: customer \(event.booking.customerId) «\(event.booking.title)»")
        publish(.delivered(bookingId: event.booking.id))
        // A delivered event unblocks its customer for the next snapshot; a push that arrived
        // while the event was in flight may now allow more bookings.
        book(titles: [TitleKey(event.booking.title)])
    }

    /// A failed attempt. `park` keeps the event but stops retrying it until an operator asks.
    public func recordFailure(sequence: Int64, error: String, park: Bool) throws {
        let failed = try transact { tx -> OutboxEvent? in
            guard var event = state.outbox[sequence], event.state == .pending else { return nil }
            event.attempts += 1
            event.lastAttemptAt = now()
            event.lastError = error
            if park { event.state = .parked }
            try tx.updateOutbox(event, at: now())
            return event
        }
        guard let event = failed else { return }
        emit(state.apply(.event(event)))
        if park {
            record(.failure, "parked after \(event.attempts) attempts: customer \(event.booking.customerId) «\(event.booking.title)»: \(error)")
        }
        publish(.deliveryFailed(bookingId: event.booking.id, error: error, parked: park))
    }

    /// Sends parked events again: one by booking id, or all. Returns how many were requeued.
    @discardableResult
    public func requeueParked(bookingId: String? = nil, key: IdempotencyKey? = nil) throws -> Int {
        let events = try transact { tx -> [OutboxEvent] in
            try checkIdempotency(key, tx)
            var events = state.outbox.values.filter { $0.state == .parked && (bookingId == nil || $0.booking.id == bookingId) }
            if let bookingId, events.isEmpty {
                guard state.outbox.values.contains(where: { $0.booking.id == bookingId }) else {
                    throw MonitorError.unknownBooking(bookingId)
                }
            }
            for index in events.indices { events[index].state = .pending; events[index].attempts = 0 }
            for event in events { try tx.updateOutbox(event, at: now()) }
            try rememberIdempotency(key, tx, body: Data("{\"requeued\":\(events.count)}".utf8))
            return events
        }
        for event in events { emit(state.apply(.event(event))) }
        record(.operatorAction, "requeued \(events.count) parked event(s)")
        publish(.requeued(count: events.count))
        return events.count
    }

    public func updateLink(_ change: (inout LinkStatus) -> Void) {
        var updated = link
        change(&updated)
        guard updated != link else { return }
        let wasError = link.lastError
        link = updated
        if let error = updated.lastError, error != wasError { record(.failure, "orchestrator: \(error)") }
        publish(.linkChanged(updated))
    }

    /// Nothing for this instance to deliver: no pending event, or another instance sends.
    public var idleForDelivery: Bool { link.standby || state.outbox.count == state.parkedCount }

    /// A call to the Orchestrator got an answer. Returns true when that ends an outage.
    @discardableResult
    public func orchestratorAnswered(at time: Date) -> Bool {
        var updated = link
        let recovered = updated.answered(at: time)
        guard updated != link else { return false }
        link = updated
        BookingMetrics.orchestratorReachable.record(1)
        BookingMetrics.orchestratorUnreachableSince.record(0)
        if recovered {
            let outage = updated.lastOutage.map { " after \(Self.seconds($0))" } ?? ""
            logger.notice("orchestrator reachable again\(outage)")
            record(.info, "orchestrator reachable again\(outage)")
        }
        publish(.linkChanged(updated))
        return recovered
    }

    /// A call to the Orchestrator got no answer (or a gateway's 502/503/504).
    public func orchestratorUnanswered(cause: String, at time: Date) {
        var updated = link
        guard updated.unanswered(cause: cause, at: time) else { return }
        link = updated
        BookingMetrics.orchestratorReachable.record(0)
        BookingMetrics.orchestratorUnreachableSince.record(time.timeIntervalSince1970)
        logger.warning("orchestrator unreachable: \(cause)")
        record(.failure, "orchestrator unreachable: \(cause)")
        publish(.linkChanged(updated))
    }
}
