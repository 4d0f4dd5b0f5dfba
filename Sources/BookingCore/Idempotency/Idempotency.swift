import Foundation

/// A state-changing request's `Idempotency-Key` (draft-ietf-httpapi-idempotency-key): the same
/// key within `IdempotencyKey.retention` replays the first answer and changes nothing. The key
/// is written in the transaction that makes the change, so a retry after a crash, a timeout or
/// a proxy's resend can never apply it twice.
public struct IdempotencyKey: Sendable, Hashable {
    public var key: String
    /// What the request was (method, path, query, a digest of the body): the same key with
    /// another request is refused (422), not replayed.
    public var fingerprint: String

    public static let retention: TimeInterval = 24 * 3600

    public init(key: String, fingerprint: String) {
        self.key = key
        self.fingerprint = fingerprint
    }
}

/// The answer a change was given, kept with its key.
public struct IdempotentAnswer: Sendable, Equatable {
    public var fingerprint: String
    public var status: Int
    /// JSON, or empty.
    public var body: Data
    public var at: Date

    public init(fingerprint: String, status: Int, body: Data, at: Date) {
        self.fingerprint = fingerprint
        self.status = status
        self.body = body
        self.at = at
    }
}

/// Thrown from inside a transaction when its key was seen: the transaction rolls back (nothing
/// changes) and the HTTP layer answers what was answered first.
public struct IdempotentReplay: Error, Sendable, Equatable {
    public var answer: IdempotentAnswer
}

extension Monitor {
    /// Inside a transaction, before any write: replays `key`'s first answer, refuses a key
    /// reused for another request.
    func checkIdempotency(_ key: IdempotencyKey?, _ tx: any StoreTransaction) throws {
        guard let key, let answer = try tx.idempotentAnswer(key: key.key, since: now().addingTimeInterval(-IdempotencyKey.retention))
        else { return }
        guard answer.fingerprint == key.fingerprint else { throw MonitorError.idempotencyKeyReused(key.key) }
        throw IdempotentReplay(answer: answer)
    }

    /// Inside the same transaction, after the change: remembers the answer for `key`.
    func rememberIdempotency(_ key: IdempotencyKey?, _ tx: any StoreTransaction, status: Int = 200, body: Data = Data()) throws {
        guard let key else { return }
        try tx.rememberIdempotent(key: key.key, answer: IdempotentAnswer(fingerprint: key.fingerprint, status: status,
                                                                          body: body, at: now()))
    }

    /// Forgets keys older than the retention; at most once an hour, from the sweep.
    func pruneIdempotency() {
        let time = now()
        guard time.timeIntervalSince(lastIdempotencyPrune) >= 3600 else { return }
        lastIdempotencyPrune = time
        do {
            try transact { tx in try tx.forgetIdempotent(before: time.addingTimeInterval(-IdempotencyKey.retention)) }
        } catch {
            logger.warning("could not prune old idempotency keys: \(error)")
        }
    }
}
