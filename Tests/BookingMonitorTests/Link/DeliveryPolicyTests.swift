import BookingCore
import BookingServer
import Foundation
import Testing

/// The delivery policy on values: events in, decisions out, no I/O and no clock.
@Suite("Delivery policy: one rejected event never stalls the others")
struct DeliveryPolicyTests {
    let t0 = Date(timeIntervalSince1970: 10_000)

    func event(_ sequence: Int64, customer: Int32 = 1) -> OutboxEvent {
        OutboxEvent(booking: Booking(id: "b\(sequence)", sequence: sequence, productId: Int32(sequence), title: "T",
                                     customerId: customer, bookedAt: t0, snapshotSequence: 1))
    }

    var policy: DeliveryPolicy { DeliveryPolicy(.init(threshold: 5, openFor: 30, backoff: Backoff(base: 0.5, cap: 30),
                                                       eventBackoff: Backoff(base: 0.5, cap: 10), maxAttempts: 10)) }

    @Test("an event answered 500 steps aside: the next event in booking order goes at once")
    func stepsAside() {
        var policy = policy
        let (a, b) = (event(1, customer: 7), event(2))
        #expect(policy.next(pending: [a, b], now: t0) == .send(a))
        let decision = policy.record(.answered(status: 500, message: "HTTP 500: no order"), for: a, now: t0, random: 0.5)
        #expect(decision.record == .failed(park: false))
        #expect(decision.retryAt == t0.addingTimeInterval(0.25))
        #expect(policy.next(pending: [a, b], now: t0) == .send(b), "b does not wait behind a")
        _ = policy.record(.delivered, for: b, now: t0, random: 0.5)
        #expect(policy.next(pending: [a], now: t0) == .wait(until: t0.addingTimeInterval(0.25)))
        #expect(policy.next(pending: [a], now: t0.addingTimeInterval(0.25)) == .send(a), "a's own backoff is over")
    }

    @Test("one event's repeated 500 never opens the breaker, and parks it after max attempts within the stated bound")
    func repeated500Parks() {
        var policy = policy
        let a = event(1, customer: 7)
        var now = t0
        var attempts = 0
        while true {
            guard case .send = policy.next(pending: [a], now: now) else {
                if case .wait(let until?) = policy.next(pending: [a], now: now) { now = until; continue }
                Issue.record("no wait time"); return
            }
            attempts += 1
            let decision = policy.record(.answered(status: 500, message: "HTTP 500"), for: a, now: now, random: 0.999_999)
            #expect(!decision.breakerOpened)
            #expect(policy.breaker.state == .closed)
            if decision.record == .failed(park: true) { break }
        }
        #expect(attempts == 10)
        #expect(now.timeIntervalSince(t0) <= policy.configuration.parkBound)
        #expect(policy.configuration.parkBound == 55.5, "README: parked within about a minute")
    }

    @Test("5xx from five different events in a row opens the breaker; while open nothing goes")
    func differentEventsOpen() {
        var policy = policy
        let events = (1...6).map { event(Int64($0)) }
        var opened = false
        for index in 0..<5 {
            #expect(policy.next(pending: events, now: t0) == .send(events[index]))
            opened = policy.record(.answered(status: 500, message: "HTTP 500"), for: events[index], now: t0, random: 0.5).breakerOpened
        }
        #expect(opened)
        #expect(policy.next(pending: events, now: t0.addingTimeInterval(29)) == .wait(until: t0.addingTimeInterval(30)))
        // The trial after the open period, and its success closes the breaker.
        #expect(policy.next(pending: events, now: t0.addingTimeInterval(30)) == .send(events[0]))
        let closed = policy.record(.delivered, for: events[0], now: t0.addingTimeInterval(30), random: 0)
        #expect(closed.breakerClosed)
    }

    @Test("no answer is the link's trouble: the head stays at the head, the link backs off, five open the breaker")
    func transportFailures() {
        var policy = policy
        let (a, b) = (event(1), event(2))
        var now = t0
        for round in 1...5 {
            #expect(policy.next(pending: [a, b], now: now) == .send(a), "round \(round): the head, not b")
            let decision = policy.record(.noAnswer(message: "connection refused"), for: a, now: now, random: 0.5)
            #expect(decision.breakerOpened == (round == 5))
            if round < 5 {
                let wait = policy.next(pending: [a, b], now: now)
                #expect(wait == .wait(until: decision.retryAt))
                now = decision.retryAt!
            }
        }
        if case .open = policy.breaker.state {} else { Issue.record("breaker should be open") }
    }

    @Test("a 4xx parks at once and proves the Orchestrator answers; 408, 429 and 502–504 are retried like no answer")
    func clientErrors() {
        var policy = policy
        let a = event(1)
        _ = policy.record(.noAnswer(message: "timeout"), for: a, now: t0, random: 0)
        #expect(policy.transportFailures == 1)
        let parked = policy.record(.answered(status: 404, message: "HTTP 404"), for: a, now: t0, random: 0)
        #expect(parked.record == .failed(park: true))
        #expect(policy.transportFailures == 0 && policy.breaker.consecutiveFailures == 0)
        let limited = policy.record(.answered(status: 429, message: "HTTP 429"), for: event(2), now: t0, random: 0.5)
        #expect(limited.record == .failed(park: false))
        #expect(policy.transportFailures == 1)
        #expect(policy.held.isEmpty, "a 429 holds the whole link, not one event")
        for status in [502, 503, 504, 503] {
            _ = policy.record(.answered(status: status, message: "HTTP \(status)"), for: event(3), now: t0, random: 0.5)
        }
        #expect(policy.transportFailures == 5)
        if case .open = policy.breaker.state {} else { Issue.record("five link failures open the breaker") }
    }

    @Test("a half-open trial answered 500 reopens the breaker and never parks, whatever the count")
    func trialNeverParks() {
        var policy = DeliveryPolicy(.init(threshold: 1, openFor: 30, maxAttempts: 1))
        let (a, b) = (event(1), event(2))
        _ = policy.record(.noAnswer(message: "refused"), for: b, now: t0, random: 0)
        #expect(policy.next(pending: [a], now: t0.addingTimeInterval(30)) == .send(a))
        let decision = policy.record(.answered(status: 500, message: "HTTP 500"), for: a, now: t0.addingTimeInterval(30), random: 0)
        #expect(decision.record == .failed(park: false))
        #expect(decision.breakerOpened)
    }

    @Test("every event held back: wait for the earliest; an operator's retry ends every wait")
    func allHeld() {
        var policy = policy
        let (a, b) = (event(1), event(2))
        _ = policy.record(.answered(status: 500, message: "x"), for: a, now: t0, random: 0.999)
        _ = policy.record(.answered(status: 500, message: "x"), for: b, now: t0, random: 0.2)
        #expect(policy.lookahead == 3)
        #expect(policy.next(pending: [a, b], now: t0) == .wait(until: t0.addingTimeInterval(0.1)))
        policy.retryNow()
        #expect(policy.next(pending: [a, b], now: t0) == .send(a))
        // Events that are gone (delivered elsewhere, parked) are forgotten.
        #expect(policy.next(pending: [], now: t0) == .wait(until: nil))
        #expect(policy.held.isEmpty)
    }
}
