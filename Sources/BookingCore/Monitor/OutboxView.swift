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

    /// Adds a pending event that follows every kept one, and wakes the observers; false (and
    /// nothing changed) when it does not follow them, and the view must be rebuilt.
    func append(_ event: OutboxEvent) -> Bool {
        let observers = state.withLock { state -> [@Sendable () -> Void]? in
            guard event.state == .pending,
                  state.pending.last.map({ $0.booking.sequence < event.booking.sequence }) ?? true else { return nil }
            if state.complete {
                if state.pending.count < Self.depth { state.pending.append(event) } else { state.complete = false }
            }
            return Array(state.observers.values)
        }
        guard let observers else { return false }
        for wake in observers { wake() }
        return true
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
