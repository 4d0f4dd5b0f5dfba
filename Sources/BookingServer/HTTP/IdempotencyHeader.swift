import BookingCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// `Idempotency-Key` on every state-changing endpoint (draft-ietf-httpapi-idempotency-key):
/// the same key within 24 hours replays the first answer (with `Idempotent-Replayed: true`)
/// and changes nothing; the same key with another request is a 422. The key is written in the
/// transaction that makes the change (see `IdempotencyKey`), so it survives a restart.
enum IdempotencyHeader {
    static let name = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    /// The start of a keyed request's fingerprint (its method and target), to which its body is
    /// added as it arrives; nil for a request without a key.
    static func bodyDigest(_ request: Request) -> SHA256? {
        guard request.headers[name] != nil else { return nil }
        var digest = SHA256()
        digest.update(data: Data("\(request.method) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8))
        return digest
    }

    /// The request's key, if it sent one, with its fingerprint, `digest` holding the body (see
    /// `bodyDigest`). The draft sends the key as a structured-field string (`"…"`); a bare token
    /// is taken too. 1 to 255 visible ASCII characters.
    static func key(_ request: Request, digest: SHA256?) throws -> IdempotencyKey? {
        let values = request.headers[values: name]
        guard var raw = values.first, let digest else { return nil }
        guard values.count == 1 else {
            throw Problem(.badRequest, "send one Idempotency-Key header, not \(values.count)", field: "Idempotency-Key")
        }
        if raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") { raw = String(raw.dropFirst().dropLast()) }
        guard (1...255).contains(raw.utf8.count), raw.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem(.badRequest, "Idempotency-Key must be 1 to 255 visible ASCII characters", field: "Idempotency-Key")
        }
        let fingerprint = digest.finalize().map { String(format: "%02x", $0) }.joined()
        return IdempotencyKey(key: raw, fingerprint: fingerprint)
    }

    /// Runs a change under the request's key; a replay answers what was answered first.
    static func answer(_ request: Request, _ change: (IdempotencyKey?) async throws -> Response) async throws -> Response {
        try await answer(request, digest: bodyDigest(request), change)
    }

    /// The same, the body's digest taken as it arrived (`bodyDigest`).
    static func answer(_ request: Request, digest: SHA256?,
                       _ change: (IdempotencyKey?) async throws -> Response) async throws -> Response {
        let key = try key(request, digest: digest)
        do {
            return try await change(key)
        } catch let replay as IdempotentReplay {
            var headers: HTTPFields = [replayed: "true", .contentLength: "\(replay.answer.body.count)"]
            if !replay.answer.body.isEmpty { headers[.contentType] = "application/json; charset=utf-8" }
            return Response(status: .init(code: replay.answer.status), headers: headers,
                            body: .init(byteBuffer: ByteBuffer(data: replay.answer.body)))
        }
    }
}
