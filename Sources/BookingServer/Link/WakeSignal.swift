import BookingCore
import Foundation
import Synchronization

/// Wakes one waiting task early: the delivery loop sleeps until a deadline or until a booking
/// (or an operator's "retry now") arrives, whichever is first. A wake with nobody waiting is
/// remembered, so it is never missed; a spurious wake is harmless to its callers, which
/// re-check their state.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at `deadline`, on `fire()`, or when the task is cancelled.
    func wait(until deadline: Date, clock: any BookingClock) async {
        if state.withLock({ state in defer { state.pending = false }; return state.pending }) { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await clock.sleep(until: deadline)
                self.fire()
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.pending { state.pending = false; return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.fire()
            }
            group.cancelAll()
        }
        // The timer task may have fired after we were woken: drop that stale wake.
        state.withLock { $0.pending = false }
    }
}
