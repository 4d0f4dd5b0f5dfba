import Foundation

/// The outbox: what the Orchestrator link sends, and what became of it.
extension Monitor {
    /// Pending events in booking order: what the Orchestrator link sends next.
    public func pendingEvents(limit: Int = 100) -> [OutboxEvent] {
        var result: [OutboxEvent] = []
        var index = pendingHead
        while index < pendingOrder.count, result.count < limit {
            if let event = outbox[pendingOrder[index]], event.state == .pending {
                result.append(event)
            } else if index == pendingHead {
                pendingHead += 1
            }
            index += 1
        }
        if pendingHead > 1024, pendingHead * 2 > pendingOrder.count {
            pendingOrder.removeFirst(pendingHead)
            pendingHead = 0
        }
        return result
    }

    /// The outbox's gauges; on every change of it, and once at start for what was loaded.
    public func recordOutboxMetrics() {
        BookingMetrics.outboxPending.record(outbox.count - parkedCount)
        BookingMetrics.outboxParked.record(parkedCount)
        BookingMetrics.oldestPending.record(pendingEvents(limit: 1).first?.booking.bookedAt.timeIntervalSince1970 ?? 0)
    }

    public func markDelivered(sequence: Int64) throws {
        guard outbox[sequence] != nil || store.isShared else { return }
        let delivered = try transact { tx -> OutboxEvent? in
            guard var event = outbox[sequence], event.state != .delivered else { return nil }
            event.state = .delivered
            event.attempts += 1
            event.lastAttemptAt = now()
            event.deliveredAt = event.lastAttemptAt
            event.lastError = nil
            try tx.updateOutbox(event, at: now())
            return event
        }
        guard let event = delivered else { return }
        if outbox[sequence]?.state == .parked { parkedCount -= 1 }
        outbox[sequence] = nil
        blocks.delivered(event.booking)
        totals.delivered += 1
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
            guard var event = outbox[sequence], event.state == .pending else { return nil }
            event.attempts += 1
            event.lastAttemptAt = now()
            event.lastError = error
            if park { event.state = .parked }
            try tx.updateOutbox(event, at: now())
            return event
        }
        guard let event = failed else { return }
        outbox[sequence] = event
        if park { parkedCount += 1 }
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
            var events = outbox.values.filter { $0.state == .parked && (bookingId == nil || $0.booking.id == bookingId) }
            if let bookingId, events.isEmpty {
                guard outbox.values.contains(where: { $0.booking.id == bookingId }) else {
                    throw MonitorError.unknownBooking(bookingId)
                }
            }
            for index in events.indices { events[index].state = .pending; events[index].attempts = 0 }
            for event in events { try tx.updateOutbox(event, at: now()) }
            try rememberIdempotency(key, tx, body: Data("{\"requeued\":\(events.count)}".utf8))
            return events
        }
        for event in events {
            outbox[event.booking.sequence] = event
            parkedCount -= 1
            enqueuePending(event.booking.sequence)
        }
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
    public var idleForDelivery: Bool { link.standby || outbox.count == parkedCount }

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

    /// Inserts a pending event's sequence into `pendingOrder`, keeping it ascending.
    func enqueuePending(_ sequence: Int64) {
        if pendingOrder.last.map({ $0 < sequence }) ?? true {
            pendingOrder.append(sequence)
            return
        }
        let position = pendingOrder[pendingHead...].partitioningIndex { $0 >= sequence }
        if position == pendingOrder.endIndex || pendingOrder[position] != sequence {
            pendingOrder.insert(sequence, at: position)
        }
    }
}
