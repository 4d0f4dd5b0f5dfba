import BookingCore
import Foundation
import Hummingbird

/// An RFC 9457 `application/problem+json` answer. Every client mistake becomes one of these,
/// naming the field at fault, and the request changes nothing.
public struct Problem: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// The field at fault (a JSON path, a path segment or a query parameter), if one is.
    public var field: String?
    /// Seconds, for a `Retry-After` header.
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ detail: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.field = field
        self.retryAfter = retryAfter
    }

    init(_ error: InputError) {
        self.init(.badRequest, error.description, field: error.field)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = Self.body(status: status, detail: detail, field: field, instance: request.uri.path)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The problem+json body; also written by the `RequestGate`, before any route runs.
    static func body(status: HTTPResponse.Status, detail: String, field: String?, instance: String) -> Data {
        let body = ProblemBody(title: status.reasonPhrase, status: Int(status.code), detail: detail, field: field, instance: instance)
        return (try? JSONCoding.encoder.encode(body)) ?? Data()
    }
}

/// Turns every error a route throws into problem+json: Hummingbird's own (404 for an unknown
/// route, 413 for a body over the limit) as well as ours. Anything unexpected is a 500 that
/// is logged, without internals in the body.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as any HTTPResponseError {
            let detail: String
            switch error.status {
            case .notFound: detail = "no route \(request.method) \(request.uri.path)"
            case .contentTooLarge: detail = "the request body is larger than the server accepts (--max-body)"
            case .methodNotAllowed: detail = "\(request.method) is not allowed on \(request.uri.path)"
            default: detail = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            }
            throw Problem(error.status, detail)
        } catch let error as MonitorError {
            switch error {
            case .unknownProduct: throw Problem(.notFound, error.description, field: "id")
            case .unknownBooking: throw Problem(.notFound, error.description, field: "bookingId")
            case .idempotencyKeyReused: throw Problem(.unprocessableContent, error.description, field: "Idempotency-Key")
            }
        } catch let error as StoreError {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            if case .unreachable = error { throw Problem(.serviceUnavailable, error.description) }
            throw Problem(.internalServerError, "the monitor could not complete the request; see its log")
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            throw Problem(.internalServerError, "the monitor could not complete the request; see its log")
        }
    }
}

private struct ProblemBody: Encodable {
    var type = "about:blank"
    var title: String
    var status: Int
    var detail: String
    var field: String?
    var instance: String
}

enum JSONCoding {
    /// Responses are camelCase (ASP.NET's web defaults); titles are written as they came,
    /// so `/` is not escaped.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func response(_ value: some Encodable) throws -> Response {
        response(bytes: try encoder.encode(value))
    }

    static func response(bytes: some Sequence<UInt8>) -> Response {
        response(buffer: ByteBuffer(bytes: bytes))
    }

    static func response(buffer: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: buffer))
    }

    /// `200` with an empty body, as ASP.NET's `Ok()`.
    static var ok: Response { Response(status: .ok, headers: [.contentLength: "0"]) }
}
