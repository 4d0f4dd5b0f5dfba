import BookingCore
import BookingServer
import Foundation
import Testing

@Suite("Link policy: breaker and backoff")
struct LinkPolicyTests {
    let t0 = Date(timeIntervalSince1970: 1_000)

    @Test("opens after 5 consecutive failures, not before; a success resets the count")
    func opensAfterThreshold() {
        var breaker = CircuitBreaker(threshold: 5, openFor: 30)
        for _ in 0..<4 { let r1 = breaker.recordFailure(at: t0); #expect(!r1) }
        let r2 = breaker.recordSuccess()
        #expect(r2 == false)
        for _ in 0..<4 { let r3 = breaker.recordFailure(at: t0); #expect(!r3) }
        #expect(breaker.state == .closed)
        let r4 = breaker.recordFailure(at: t0)
        #expect(r4)
        #expect(breaker.state == .open(until: t0.addingTimeInterval(30)))
    }

    @Test("open: no attempts until the period ends, then one trial; its failure reopens, its success closes")
    func halfOpenTrial() {
        var breaker = CircuitBreaker(threshold: 1, openFor: 30)
        _ = breaker.recordFailure(at: t0)
        let r5 = breaker.allowsAttempt(at: t0.addingTimeInterval(29.9))
        #expect(!r5)
        let r6 = breaker.allowsAttempt(at: t0.addingTimeInterval(30))
        #expect(r6)
        #expect(breaker.state == .halfOpen)
        let r7 = breaker.recordFailure(at: t0.addingTimeInterval(31))
        #expect(r7)
        #expect(breaker.state == .open(until: t0.addingTimeInterval(61)))
        let r8 = breaker.allowsAttempt(at: t0.addingTimeInterval(61))
        #expect(r8)
        let r9 = breaker.recordSuccess()
        #expect(r9 == true, "closing after open is reported (it triggers a resync)")
        #expect(breaker.state == .closed && breaker.consecutiveFailures == 0)
    }

    @Test("full-jitter backoff: random in [0, min(cap, base·2^attempt)]")
    func backoff() {
        let backoff = Backoff(base: 0.5, cap: 30)
        #expect(backoff.delay(attempt: 0, random: 0.999) < 0.5)
        #expect(backoff.delay(attempt: 0, random: 0.5) == 0.25)
        #expect(backoff.delay(attempt: 3, random: 0.5) == 2)
        #expect(backoff.delay(attempt: 6, random: 1) == 30, "capped")
        #expect(backoff.delay(attempt: 1000, random: 0.5) == 15, "no overflow")
        #expect(backoff.delay(attempt: 4, random: 0) == 0)
    }
}
