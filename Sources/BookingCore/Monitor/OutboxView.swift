import Synchronization

/// The head of the outbox, readable without the monitor's actor, and who to wake when it gains
/// work. A booking's event goes out within two hops of its commit: the monitor's thread wakes
/// the link directly, and the link reads what to send here, instead of a change stream's task
/// waking it and a trip back to the monitor's thread to ask. Kept by the monitor after every
/// change of the outbox, before the wake.
public final class OutboxView: Sendable {
    /// How many pending events are kept; a link that looks further ahead asks the monitor.
    public static let depth = 64

    private struct State {
        var pending: [OutboxEvent] = []
        /// `pending` is every pending event.
        var complete = true
        var observers: [Int: @Sendable () -> Void] = [:]
        var nextObserver = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The first `limit` pending events in booking order; nil when more are wanted than are kept.
    public func pending(limit: Int) -> [OutboxEvent]? {
        state.withLock { state in
            if limit <= state.pending.count { return Array(state.pending.prefix(limit)) }
            return state.complete ? state.pending : nil
        }
    }

    /// `wake` runs, on the monitor's thread, whenever the outbox gains work (a booking, a
    /// requeue); it must return at once. Returns the token for `stopObserving`.
    public func onNewWork(_ wake: @escaping @Sendable () -> Void) -> Int {
        state.withLock { state in
            defer { state.nextObserver += 1 }
            state.observers[state.nextObserver] = wake
            return state.nextObserver
        }
    }

    public func stopObserving(_ token: Int) {
        _ = state.withLock { $0.observers.removeValue(forKey: token) }
    }

    /// `head`: the first `depth + 1` pending events (one more tells whether there are more).
    func update(head: [OutboxEvent], newWork: Bool) {
        let observers = state.withLock { state -> [@Sendable () -> Void] in
            state.pending = Array(head.prefix(Self.depth))
            state.complete = head.count <= Self.depth
            return newWork ? Array(state.observers.values) : []
        }
        for wake in observers { wake() }
    }
}
