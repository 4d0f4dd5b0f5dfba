import BookingCore
import Foundation
import Testing

/// set-queue keeps every title's bytes, whichever decoder reads the body, and refuses only a
/// title repeated byte for byte.
@Suite("Titles compare byte for byte: set-queue and get-queues-list")
struct TitleBytesHTTPTests {
    /// NFC, NFD, with a trailing space, upper case, plain: five queues for the Orchestrator.
    static let titles = [Titles.nfc, Titles.nfd, Titles.idiotSpace, Titles.idiotUpper, Titles.idiot]

    struct Body: CustomTestStringConvertible, Sendable {
        var name: String
        var entry: @Sendable (_ title: String, _ customer: Int) -> String
        var testDescription: String { name }
    }

    /// One body per decoding path: the byte-level parser (the Orchestrator's exact shape, raw
    /// and with `\u` escapes), Foundation's PascalCase decoder (an unknown key), and the
    /// case-insensitive decoder (camelCase keys).
    static let bodies: [Body] = [
        Body(name: "byte-level parser") { #"{"Title":"\#($0)","Customers":[{"CustomerId":\#($1)}]}"# },
        Body(name: "byte-level parser, \\u escapes") { #"{"Title":"\#(escaped($0))","Customers":[{"CustomerId":\#($1)}]}"# },
        Body(name: "JSONDecoder, PascalCase") { #"{"Title":"\#($0)","Customers":[{"CustomerId":\#($1)}],"Priority":0}"# },
        Body(name: "case-insensitive decoder") { #"{"title":"\#($0)","customers":[{"customerId":\#($1)}]}"# },
        Body(name: "case-insensitive decoder, \\u escapes") { #"{"title":"\#(escaped($0))","customers":[{"customerId":\#($1)}]}"# },
    ]

    /// Every scalar as `\uXXXX` (all of these are in the BMP).
    static func escaped(_ title: String) -> String {
        title.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
    }

    @Test("NFC and NFD, a trailing space and another case are five queues, their bytes kept", arguments: bodies)
    func fiveQueues(_ body: Body) async throws {
        let monitor = try await makeMonitor(.inMemory)
        let json = "[" + Self.titles.enumerated().map { body.entry($1, $0 + 1) }.joined(separator: ",") + "]"
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", bytes: Data(json.utf8))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(await monitor.queues().queues.map { Titles.bytes($0.title) } == Self.titles.map(Titles.bytes))
            #expect(await monitor.queues().queues.map(\.customers) == [[1], [2], [3], [4], [5]])
            // get-queues-list writes the same bytes back.
            let list = try await TestHTTP.get(running.url + "/administration/get-queues-list")
            let expected = "[" + Self.titles.enumerated().map { #"{"title":"\#($1)","customers":[{"customerId":\#($0 + 1)}]}"# }
                .joined(separator: ",") + "]"
            #expect(Array(list.body) == Titles.bytes(expected))
        }
    }

    @Test("a title repeated byte for byte is still refused whole, naming the entry; nothing changes", arguments: bodies)
    func repeatedBytes(_ body: Body) async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await monitor.replaceQueues([CustomerQueue(title: Titles.idiot, customers: [9])])
        let before = await monitor.queues()
        let json = "[" + [Titles.nfd, Titles.nfc, Titles.nfd].enumerated().map { body.entry($1, $0 + 1) }.joined(separator: ",") + "]"
        try await RunningMonitor.with(monitor) { running in
            let reply = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", bytes: Data(json.utf8))
            #expect(reply.status == 400)
            #expect(reply.header("Content-Type") == "application/problem+json")
            let problem = try #require(try reply.json() as? [String: Any])
            #expect(problem["field"] as? String == "[2].title")
            #expect((problem["detail"] as? String)?.contains("entry 0") == true)
        }
        let after = await monitor.queues()
        #expect(after.sequence == before.sequence)
        #expect(after.queues.map { Titles.bytes($0.title) } == [Titles.bytes(Titles.idiot)])
    }
}
