import Foundation
import Testing
import Yams

/// docs/openapi.yaml and the real binary agree: the binary serves the document byte for byte;
/// every documented operation answers with a status and content type the document lists for
/// it; and every route the server's sources register is documented.
@Suite("OpenAPI document agrees with the server", .serialized)
struct OpenAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var documentPath: String { root.appendingPathComponent("docs/openapi.yaml").path }

    /// `path -> method -> status -> content types` (an empty set: no body).
    typealias Operations = [String: [String: [String: Set<String>]]]

    static func operations() throws -> Operations {
        let text = try String(contentsOfFile: documentPath, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let components = document["components"] as? [String: Any] ?? [:]
        let sharedResponses = components["responses"] as? [String: Any] ?? [:]
        let paths = try #require(document["paths"] as? [String: Any])
        var result: Operations = [:]
        for (path, item) in paths {
            for (method, operation) in try #require(item as? [String: Any]) {
                let responses = try #require((operation as? [String: Any])?["responses"] as? [String: Any],
                                             "\(method) \(path) has no responses")
                for (status, response) in responses {
                    var response = try #require(response as? [String: Any])
                    if let ref = response["$ref"] as? String {
                        let name = String(ref.split(separator: "/").last!)
                        response = try #require(sharedResponses[name] as? [String: Any], "\(ref) is not defined")
                    }
                    let types = (response["content"] as? [String: Any]).map { Set($0.keys) } ?? []
                    result[path, default: [:]][method.uppercased(), default: [:]][status] = types
                }
            }
        }
        return result
    }

    @Test("the binary serves docs/openapi.yaml byte for byte (else run scripts/gen-openapi.sh)")
    func servesTheDocument() async throws {
        try await BinaryServer.with { url in
            let reply = try await TestHTTP.get(url + "/openapi.yaml")
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/yaml; charset=utf-8")
            let onDisk = try Data(contentsOf: URL(fileURLWithPath: Self.documentPath))
            #expect(reply.body == onDisk, "docs/openapi.yaml changed: run scripts/gen-openapi.sh")
        }
    }

    /// Requests that reach every documented operation, valid and not, with the outcomes the
    /// server should give (a documented status is also checked against the document).
    static let probes: [(method: String, template: String, path: String, body: String?, expected: Int)] = [
        ("GET", "/administration/get-products", "/administration/get-products", nil, 200),
        ("PUT", "/administration/switch-state/{id}", "/administration/switch-state/1?isAvailable=true", nil, 200),
        ("PUT", "/administration/switch-state/{id}", "/administration/switch-state/1?isAvailable=FALSE", nil, 200),
        ("PUT", "/administration/switch-state/{id}", "/administration/switch-state/x?isAvailable=true", nil, 400),
        ("PUT", "/administration/switch-state/{id}", "/administration/switch-state/1", nil, 400),
        ("PUT", "/administration/switch-state/{id}", "/administration/switch-state/1?isAvailable=maybe", nil, 400),
        ("PUT", "/administration/switch-state/{id}", "/administration/switch-state/99999?isAvailable=true", nil, 404),
        ("POST", "/administration/set-queue", "/administration/set-queue",
         #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":1}]}]"#, 200),
        ("POST", "/administration/set-queue", "/administration/set-queue", #"[{"title":"a","customers":[]}]"#, 200),
        ("POST", "/administration/set-queue", "/administration/set-queue", "{", 400),
        ("POST", "/administration/set-queue", "/administration/set-queue", #"[{"Title":"a","Customers":[{"CustomerId":"x"}]}]"#, 400),
        ("POST", "/administration/set-queue", "/administration/set-queue", #"[{"Title":"a","Customers":[]},{"title":"a","Customers":[]}]"#, 400),
        ("POST", "/administration/set-queue", "/administration/set-queue", "[" + String(repeating: " ", count: 70_000) + "]", 413),
        ("GET", "/administration/get-queues-list", "/administration/get-queues-list", nil, 200),
        ("GET", "/administration/link", "/administration/link", nil, 200),
        ("GET", "/administration/outbox", "/administration/outbox", nil, 200),
        ("GET", "/administration/outbox", "/administration/outbox?state=pending", nil, 200),
        ("GET", "/administration/outbox", "/administration/outbox?state=parked", nil, 200),
        ("GET", "/administration/outbox", "/administration/outbox?state=delivered", nil, 400),
        ("POST", "/administration/outbox/retry", "/administration/outbox/retry", nil, 200),
        ("POST", "/administration/outbox/{bookingId}/retry", "/administration/outbox/no-such-booking/retry", nil, 404),
        ("GET", "/administration/explain", "/administration/explain?customer=1&title=%D0%98%D0%B4%D0%B8%D0%BE%D1%82", nil, 200),
        ("GET", "/administration/explain", "/administration/explain?product=1", nil, 200),
        ("GET", "/administration/explain", "/administration/explain?product=99999", nil, 404),
        ("GET", "/administration/explain", "/administration/explain?customer=x&title=a", nil, 400),
        ("GET", "/administration/explain", "/administration/explain?title=a", nil, 400),
        ("GET", "/administration/history", "/administration/history", nil, 200),
        ("GET", "/administration/history", "/administration/history?format=csv&kind=catalog", nil, 200),
        ("GET", "/administration/history", "/administration/history?limit=0", nil, 400),
        ("GET", "/administration/history", "/administration/history?product=99999", nil, 404),
        ("GET", "/health/live", "/health/live", nil, 200),
        ("GET", "/health/ready", "/health/ready", nil, 200),
        ("GET", "/metrics", "/metrics", nil, 200),
        ("GET", "/openapi.yaml", "/openapi.yaml", nil, 200),
    ]

    @Test("every documented operation answers with a documented status and content type")
    func operationsAgree() async throws {
        let operations = try Self.operations()
        // Every documented operation is probed at least once.
        let probed = Set(Self.probes.map { "\($0.method) \($0.template)" })
        let documented = Set(operations.flatMap { path, methods in methods.keys.map { "\($0) \(path)" } })
        #expect(probed == documented, "probes and document differ: \(probed.symmetricDifference(documented).sorted())")

        try await BinaryServer.with(extra: ["--max-body", "65536"]) { url in
            for probe in Self.probes {
                let method = NIOHTTP1Method(rawValue: probe.method)
                let reply = try await TestHTTP.request(method, url + probe.path, body: probe.body)
                let what = "\(probe.method) \(probe.path)"
                #expect(reply.status == probe.expected, "\(what): \(reply.status) \(reply.text.prefix(200))")
                let listed = operations[probe.template]?[probe.method]?["\(reply.status)"]
                #expect(listed != nil, "\(what) answered \(reply.status), which the document does not list")
                let contentType = reply.header("content-type")
                if let listed {
                    if listed.isEmpty {
                        #expect(contentType == nil && reply.body.isEmpty, "\(what): documented without a body")
                    } else {
                        #expect(contentType.map(listed.contains) == true,
                                "\(what): content type \(contentType ?? "none") is not among \(listed.sorted())")
                    }
                }
                if contentType == "application/problem+json" {
                    let problem = try #require(try reply.json() as? [String: Any])
                    #expect(problem["type"] as? String == "about:blank")
                    #expect(problem["status"] as? Int == reply.status)
                    #expect(problem["title"] is String && problem["detail"] is String)
                    #expect(problem["instance"] as? String == String(probe.path.split(separator: "?")[0]))
                }
            }
        }
    }

    @Test("every route the server registers is documented")
    func noUndocumentedRoute() throws {
        let documented = Set(try Self.operations().flatMap { path, methods in
            methods.keys.map { "\($0) \(Self.normalized(path))" }
        })
        let registered = try Self.registeredRoutes()
        #expect(registered.count >= 12, "the source scan found too few routes: \(registered.sorted())")
        let undocumented = registered.subtracting(documented)
        #expect(undocumented.isEmpty, "routes missing from docs/openapi.yaml: \(undocumented.sorted())")
        let unserved = documented.subtracting(registered)
        #expect(unserved.isEmpty, "documented but not registered: \(unserved.sorted())")
    }

    /// `/a/{id}/b` and `a/{bookingId}/b` compare equal.
    static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/").map { $0.hasPrefix("{") ? "{}" : String($0) }.joined(separator: "/")
    }

    /// Scans Sources/BookingServer for `x.get("…")`-style registrations, resolving
    /// `let admin = router.group("administration")` prefixes.
    static func registeredRoutes() throws -> Set<String> {
        let directory = root.appendingPathComponent("Sources/BookingServer")
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") } ?? []
        let group = try Regex(#"let (\w+) = router\.group\("([^"]*)"\)"#)
        let route = try Regex(#"(\w+)\.(get|put|post|delete|patch|head)\("([^"]*)"\)"#)
        var routes = Set<String>()
        for file in files {
            let source = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            var prefixes = ["router": ""]
            for match in source.matches(of: group) {
                prefixes[String(match.output[1].substring!)] = String(match.output[2].substring!)
            }
            for match in source.matches(of: route) {
                guard let prefix = prefixes[String(match.output[1].substring!)] else { continue }
                let method = match.output[2].substring!.uppercased()
                let path = [prefix, String(match.output[3].substring!)].filter { !$0.isEmpty }.joined(separator: "/")
                routes.insert("\(method) \(normalized(path))")
            }
        }
        return routes
    }
}

/// The real binary on a free loopback port with throwaway state.
enum BinaryServer {
    static func with(extra: [String] = [], _ body: (String) async throws -> Void) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try OrchestratorStandIn.freePort()
        let url = "http://127.0.0.1:\(port)"
        let process = try ChildProcess(["--headless", "--in-memory", "--port", "\(port)",
                                        "--orchestrator", "http://127.0.0.1:1"] + extra,
                                       logTo: dir.file("monitor.log"))
        defer { _ = process.terminate() }
        try await eventually("ready") { (try? await TestHTTP.get(url + "/health/ready"))?.status == 200 }
        try await body(url)
    }
}
