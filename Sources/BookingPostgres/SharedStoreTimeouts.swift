import Foundation

/// How long anything may wait on a shared store, so that a frozen or cut-off instance can
/// never stall its group: every session starts with these set, and the server ends what they
/// bound. With the defaults a frozen instance's locks are free within 5 s, a write that cannot
/// get the group's lock answers 503 within 3 s, and a sender that stops renewing its lease
/// loses the role within 5 s.
public struct SharedStoreTimeouts: Sendable, Equatable {
    /// A write waits this long for the group's lock (`lock_timeout`), then answers 503.
    public var lock: TimeInterval = 3
    /// A statement runs at most this long on the server (`statement_timeout`); the client gives
    /// up on an answer one second later (a network that drops packets answers nothing).
    public var statement: TimeInterval = 5
    /// A session idle inside a transaction this long (a frozen process, mid-write) is ended by
    /// the server, and its locks with it (`idle_in_transaction_session_timeout`).
    public var idleInTransaction: TimeInterval = 5
    /// The sender role's lease: the session holding it is ended by the server after this long
    /// without a heartbeat (`idle_session_timeout`; the heartbeat is every second).
    public var lease: TimeInterval = 5
    public var connect: TimeInterval = 5

    public init() {}

    /// What the client waits for one answer.
    public var answer: TimeInterval { statement + 1 }

    /// Run-time parameters sent when a session starts. Server-side TCP keepalives (2 s idle, then
    /// 1 s apart, 3 lost) let the server end the session of an instance cut off from it.
    func startupParameters(holdsLease: Bool) -> [(String, String)] {
        func ms(_ seconds: TimeInterval) -> String { String(Int((seconds * 1000).rounded())) }
        var parameters = [("lock_timeout", ms(lock)), ("statement_timeout", ms(statement)),
                          ("idle_in_transaction_session_timeout", ms(idleInTransaction)),
                          ("tcp_keepalives_idle", "2"), ("tcp_keepalives_interval", "1"), ("tcp_keepalives_count", "3")]
        if holdsLease { parameters.append(("idle_session_timeout", ms(lease))) }
        return parameters
    }
}
