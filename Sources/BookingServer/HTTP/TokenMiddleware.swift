import Hummingbird

/// `--token`: state-changing requests (every method but GET/HEAD) need
/// `Authorization: Bearer <token>`; with `--token-reads` reads do too. The Orchestrator of
/// today sends no token, so without `--token` the server stays open (on loopback by default).
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let protectReads: Bool

    init(token: String, protectReads: Bool) {
        self.token = Array(token.utf8)
        self.protectReads = protectReads
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let isRead = request.method == .get || request.method == .head
        let path = request.uri.path
        // Health probes stay open: orchestrators of processes (systemd, k8s) carry no token.
        if (isRead && !protectReads) || path.hasPrefix("/health/") {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], let presented = Self.bearerToken(header),
              Self.constantTimeEqual(Array(presented.utf8), token) else {
            throw Problem(.unauthorized, "this request needs Authorization: Bearer <token> (--token)", field: "Authorization")
        }
        return try await next(request, context)
    }

    /// The token of `Bearer <token>`; the scheme is case-insensitive (RFC 7235 §2.1), so
    /// `bearer` and `BEARER` do too.
    static func bearerToken(_ header: String) -> Substring? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].drop { $0 == " " }
    }

    /// Compares every byte whatever the first difference, so timing tells nothing of the token.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
