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
        /// Which wait a deadline belongs to: a timer of an earlier wait wakes nobody.
        var generation = 0
    }

    private let state = Mutex(State())

    func fire() { fire(generation: nil) }

    private func fire(generation: Int?) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let generation, generation != state.generation { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at `deadline`, on `fire()`, or when the task is cancelled. A wake resumes the
    /// waiter at once: the deadline's timer is a task of its own, cancelled and not waited for
    /// (waiting for it, as a task group child, cost the woken loop another scheduling turn).
    func wait(until deadline: Date, clock: any BookingClock) async {
        let generation = state.withLock { state -> Int? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.generation += 1
            return state.generation
        }
        guard let generation else { return }
        let timer = Task {
            try? await clock.sleep(until: deadline)
            self.fire(generation: generation)
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
        timer.cancel()
        // This wait is over: its timer, and a wake that came meanwhile, wake nobody later.
        state.withLock { state in
            state.generation += 1
            state.pending = false
        }
    }
}
