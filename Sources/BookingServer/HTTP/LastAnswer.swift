import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Reads never wait on a writer. The monitor answers reads between its commands, and a command
/// on a shared store can wait on the database (the group's lock, held by a frozen instance, up
/// to its lock timeout). A read that has no answer within `patience` is served the last answer
/// this route gave, with `Age` (seconds) saying how old it is; the fresh answer, when it comes,
/// becomes the next one's fallback. With no answer yet to fall back on, it is a 503 with
/// `Retry-After`, never a wait.
///
/// What is kept is the monitor's value (`Value`), encoded per answer: a queue snapshot shares
/// its storage with the monitor's, where its encoded list would be 23 MB more for a 1M-entry
/// push. Routes whose answer is bytes already keep the bytes (`LastAnswer<ByteBuffer>`).
final class LastAnswer<Value: Sendable>: Sendable {
    private let last = Mutex<(value: Value, at: ContinuousClock.Instant)?>(nil)
    let patience: Duration
    let encode: @Sendable (Value) throws -> ByteBuffer

    init(patience: Duration = .milliseconds(250), encode: @escaping @Sendable (Value) throws -> ByteBuffer) {
        self.patience = patience
        self.encode = encode
    }

    /// The value kept for the next answer that finds the monitor busy.
    var kept: Value? { last.withLock { $0?.value } }

    func response(_ fresh: @escaping @Sendable () async throws -> Value) async throws -> Response {
        let produce: @Sendable () async throws -> Value = { [self] in
            let value = try await fresh()
            self.last.withLock { $0 = (value, .now) }
            return value
        }
        let fallback = last.withLock { $0 }
        // Two short-lived tasks race: the monitor's answer and the patience. Both end by
        // themselves (the monitor's command is bounded by the store's timeouts).
        let winner: Result<Value, any Error>? = await withCheckedContinuation { continuation in
            let resumed = Mutex(false)
            let finish: @Sendable (Result<Value, any Error>?) -> Void = { result in
                if resumed.withLock({ done in defer { done = true }; return !done }) { continuation.resume(returning: result) }
            }
            Task { finish(await Result(catching: produce)) }
            Task { [patience] in
                try? await Task.sleep(for: patience)
                finish(nil)
            }
        }
        if let winner { return JSONCoding.response(buffer: try encode(winner.get())) }
        guard let fallback else {
            // Nothing answered here yet to fall back on: say so rather than wait.
            throw Problem(.serviceUnavailable, "the monitor is waiting on its store (a write holds it); try again in a second",
                          retryAfter: 1)
        }
        var response = JSONCoding.response(buffer: try encode(fallback.value))
        let age = fallback.at.duration(to: .now).components.seconds
        response.headers[.age] = "\(max(0, age))"
        return response
    }
}

extension LastAnswer where Value == ByteBuffer {
    convenience init(patience: Duration = .milliseconds(250)) {
        self.init(patience: patience, encode: { $0 })
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
