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

    /// The request's key, if it sent one. The draft sends it as a structured-field string
    /// (`"…"`); a bare token is taken too. 1 to 255 visible ASCII characters.
    static func key(_ request: Request, body: ByteBuffer? = nil) throws -> IdempotencyKey? {
        let values = request.headers[values: name]
        guard var raw = values.first else { return nil }
        guard values.count == 1 else {
            throw Problem(.badRequest, "send one Idempotency-Key header, not \(values.count)", field: "Idempotency-Key")
        }
        if raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") { raw = String(raw.dropFirst().dropLast()) }
        guard (1...255).contains(raw.utf8.count), raw.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem(.badRequest, "Idempotency-Key must be 1 to 255 visible ASCII characters", field: "Idempotency-Key")
        }
        var digest = SHA256()
        digest.update(data: Data("\(request.method) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8))
        if let body { body.withUnsafeReadableBytes { digest.update(bufferPointer: $0) } }
        let fingerprint = digest.finalize().map { String(format: "%02x", $0) }.joined()
        return IdempotencyKey(key: raw, fingerprint: fingerprint)
    }

    /// Runs a change under the request's key; a replay answers what was answered first.
    static func answer(_ request: Request, body: ByteBuffer? = nil,
                       _ change: (IdempotencyKey?) async throws -> Response) async throws -> Response {
        let key = try key(request, body: body)
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
