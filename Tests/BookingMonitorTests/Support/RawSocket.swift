import Foundation
import Glibc

/// A plain TCP client for what an HTTP client library will not send: broken chunked bodies,
/// odd transfer codings, headers a byte at a time, connections that just sit there.
///
/// Reads block, so each runs on a thread of its own: blocking Swift's cooperative threads (two
/// on two cores) would starve the in-process server under test, and Dispatch's pool is as
/// narrow as the cores, so blocked reads of parallel tests queued behind each other.
final class RawSocket: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`; reads wait at most `timeout` seconds (a bound on a hang).
    static func connect(port: Int, timeout: Double = 30) async throws -> RawSocket {
        try await onThread { Result { try RawSocket(port: port, timeout: timeout) } }.get()
    }

    init(port: Int, timeout: Double = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        setTimeout(timeout)
    }

    func setTimeout(_ seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Sends no more (a client that stops half way through a body); reads go on.
    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    enum ReadEnd: Equatable { case closed, timedOut, error }

    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    /// Reads until `done` holds for what came so far, the peer closes, or the read timeout.
    func read(until done: @escaping @Sendable (String) -> Bool = { _ in false }) async -> (text: String, end: ReadEnd?) {
        await Self.onThread { self.blockingRead(until: done) }
    }

    private func blockingRead(until done: (String) -> Bool) -> (text: String, end: ReadEnd?) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: data, as: UTF8.self)
            if done(text) { return (text, nil) }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return (text, .closed) }
            if n < 0 { return (text, errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .error) }
            data += buffer[0..<n]
        }
    }

    /// A whole response: headers and a Content-Length body (or up to the close).
    func readResponse() async -> (text: String, end: ReadEnd?) {
        await read { text in
            guard let split = text.range(of: "\r\n\r\n") else { return false }
            let head = text[..<split.lowerBound].lowercased()
            guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                  let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else {
                return false
            }
            return text.utf8.count - text[..<split.upperBound].utf8.count >= length
        }
    }

    /// True when the peer has closed: the read returns end-of-file (or a reset) within the timeout.
    func waitForClose() async -> Bool {
        let (_, end) = await read()
        return end == .closed || end == .error
    }

    deinit { close(fd) }
}

/// A response read by `RawSocket`, taken apart.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: String

    init?(_ text: String) {
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].split(separator: "\r\n")
        guard let first = lines.first, let status = Int(first.split(separator: " ").dropFirst().first ?? "") else { return nil }
        self.status = status
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        body = String(text[split.upperBound...])
    }

    var problem: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}
