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
final class LastAnswer: Sendable {
    private let last = Mutex<(body: ByteBuffer, at: ContinuousClock.Instant)?>(nil)
    let patience: Duration

    init(patience: Duration = .milliseconds(250)) {
        self.patience = patience
    }

    func response(_ fresh: @escaping @Sendable () async throws -> ByteBuffer) async throws -> Response {
        let produce: @Sendable () async throws -> ByteBuffer = { [self] in
            let body = try await fresh()
            self.last.withLock { $0 = (body, .now) }
            return body
        }
        let fallback = last.withLock { $0 }
        // Two short-lived tasks race: the monitor's answer and the patience. Both end by
        // themselves (the monitor's command is bounded by the store's timeouts).
        let winner: Result<ByteBuffer, any Error>? = await withCheckedContinuation { continuation in
            let resumed = Mutex(false)
            let finish: @Sendable (Result<ByteBuffer, any Error>?) -> Void = { result in
                if resumed.withLock({ done in defer { done = true }; return !done }) { continuation.resume(returning: result) }
            }
            Task { finish(await Result(catching: produce)) }
            Task { [patience] in
                try? await Task.sleep(for: patience)
                finish(nil)
            }
        }
        if let winner { return JSONCoding.response(buffer: try winner.get()) }
        guard let fallback else {
            // Nothing answered here yet to fall back on: say so rather than wait.
            throw Problem(.serviceUnavailable, "the monitor is waiting on its store (a write holds it); try again in a second",
                          retryAfter: 1)
        }
        var response = JSONCoding.response(buffer: fallback.body)
        let age = fallback.at.duration(to: .now).components.seconds
        response.headers[.age] = "\(max(0, age))"
        return response
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
