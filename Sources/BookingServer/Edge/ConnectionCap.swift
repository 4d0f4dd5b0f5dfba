import NIOCore
import Synchronization

/// `--max-connections`: at most this many client connections are open at once, so idle or
/// slow clients cannot use up the process's descriptors (which the Orchestrator link, the
/// store and the health probes need too).
///
/// A connection beyond the cap does not wait in the backlog (a waiting health probe is a
/// failed one): it is let in, and the connection that has been idle longest is closed instead.
/// Idle means no request is being answered on it; a connection still sending its headers
/// counts as idle. Only when every connection is busy answering is the newcomer closed.
public final class ConnectionCap: Sendable {
    public let limit: Int

    private struct Entry {
        var channel: any Channel
        /// A request was read and its response is not yet written.
        var busy: Bool
        /// When it last became idle (or connected), in order of events.
        var idleSince: UInt64
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var tick: UInt64 = 0
        var evicted = 0
    }

    private let state = Mutex(State())

    public init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
    }

    /// Open client connections right now.
    public var open: Int { state.withLock { $0.entries.count } }
    /// Connections closed to make room, since start.
    public var evicted: Int { state.withLock { $0.evicted } }

    /// Registers a new connection; closes the longest-idle one if the cap is passed.
    func opened(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let victim: (any Channel)? = state.withLock { state in
            // Told twice when the channel is active as the gate is added and then again.
            guard state.entries[key] == nil else { return nil }
            state.tick += 1
            state.entries[key] = Entry(channel: channel, busy: false, idleSince: state.tick)
            guard state.entries.count > limit else { return nil }
            let oldestIdle = state.entries.filter { $0.key != key && !$0.value.busy }
                .min { $0.value.idleSince < $1.value.idleSince }
            let victimKey = oldestIdle?.key ?? key
            let victim = state.entries.removeValue(forKey: victimKey)?.channel
            state.evicted += 1
            return victim
        }
        victim?.close(promise: nil)
    }

    func closed(_ channel: any Channel) {
        _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func setBusy(_ channel: any Channel, _ busy: Bool) {
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            guard state.entries[key] != nil else { return }
            state.tick += 1
            state.entries[key]!.busy = busy
            if !busy { state.entries[key]!.idleSince = state.tick }
        }
    }
}
