import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few requests the generators make, with short timeouts: a slow answer is a skipped tick.
enum DemoHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func send(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, json: Data? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: json))
        }
        let response = try await client.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw Failure(description: "\(method) \(url): HTTP \(response.status.code) \(String(buffer: body).prefix(200))")
        }
        return Data(buffer: body)
    }

    /// `GET {monitor}/administration/get-products`, camelCase as the monitor writes it.
    struct Product: Decodable {
        var id: Int32
        var title: String
        var isAvailable: Bool
    }

    static func products(_ client: HTTPClient, monitor: String) async throws -> [Product] {
        try JSONDecoder().decode([Product].self, from: try await send(client, .GET, monitor + "/administration/get-products"))
    }
}
