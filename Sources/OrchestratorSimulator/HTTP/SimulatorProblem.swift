import Foundation
import Hummingbird

/// An `application/problem+json` answer (RFC 9457) naming the field at fault, if one is.
struct SimulatorProblem: HTTPResponseError {
    var status: HTTPResponse.Status
    var detail: String
    var field: String?

    init(_ status: HTTPResponse.Status, _ detail: String, field: String? = nil) {
        self.status = status
        self.detail = detail
        self.field = field
    }

    init(_ error: InputError) {
        self.init(.badRequest, error.description, field: error.field)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONText()
        json.object { json in
            json.field("type", "about:blank")
            json.field("title", status.reasonPhrase)
            json.field("status", Int(status.code))
            json.field("detail", detail)
            if let field { json.field("field", field) }
            json.field("instance", request.uri.path)
        }
        return Response(status: status, headers: [.contentType: "application/problem+json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: json.data)))
    }
}

/// Hummingbird's own errors (an unknown route, a body over the limit) as problem+json too.
struct SimulatorProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as SimulatorProblem {
            throw problem
        } catch let error as any HTTPResponseError {
            let detail = switch error.status {
            case .notFound: "no route \(request.method) \(request.uri.path)"
            case .contentTooLarge: "the request body is too large"
            default: error.status.reasonPhrase
            }
            throw SimulatorProblem(error.status, detail)
        }
    }
}
