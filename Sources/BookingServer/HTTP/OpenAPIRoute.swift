import Hummingbird

/// `GET /openapi.yaml`: the API description (docs/openapi.yaml, embedded by
/// scripts/gen-openapi.sh).
enum OpenAPIRoute {
    static func register<Context: RequestContext>(on router: Router<Context>) {
        let body = ByteBuffer(string: OpenAPIDocument.yaml)
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: body))
        }
    }
}
