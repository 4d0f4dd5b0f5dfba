import BookingCore
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The HTTP edge in front of the router, one per connection. A request reaches the router
/// only once it has been read whole and its framing is sound, so a request with a broken body
/// changes nothing, even on a route that never reads its body (switch-state):
///
/// - malformed framing (a bad chunk, a bad request line or header) → `400`, connection closed;
/// - a transfer coding other than `chunked` (`gzip, chunked`) → `501`, connection closed;
/// - `Expect: 100-continue` → `100 Continue` at once (else clients wait a second before the
///   body); any other expectation → `417`; a declared or read body over `--max-body` → `413`;
/// - `--header-timeout`: a request's headers must arrive within that many seconds of its first
///   byte, else the connection is closed (slow-header clients).
///
/// Every refusal is problem+json, as the router's (`Problem`).
///
/// A set-queue push is the exception: it streams to its route as it arrives (a 1M-entry push is
/// 22 MB, and collecting it cost more than reading what changed). Its route reads the whole
/// body before it changes anything, and the gate makes sure the body's end means the real end:
/// broken framing, a body over `--max-body`, or the connection closing first reach the route
/// as an error from the body (`BodyBrokeOff`, `NIOTooManyBytesError`), never as an early end.
final class RequestGate: ChannelDuplexHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Limits {
        var maxBody: Int
        var headerTimeout: TimeAmount?
        /// Told of every body refused as too large (the request's path, the declared length if
        /// any): a refused queue push must be loud, not only the Orchestrator's log line.
        var tooLarge: (@Sendable (_ path: String, _ declared: Int?) -> Void)?
    }

    /// "23.1 MB over --max-body 16 MiB"; without a declared length "the body went over …".
    static func tooLargeDetail(_ declared: Int?, maxBody: Int) -> String {
        "\(declared.map { ByteCount.describe($0) } ?? "the body went") over --max-body \(ByteCount.limit(maxBody))"
    }

    private enum State {
        /// Between requests.
        case idle
        /// A head is in; its body is being read.
        case reading(HTTPRequest, ByteBuffer?)
        /// A set-queue head is passed on; its body follows part by part.
        case streaming(HTTPRequest, received: Int)
        /// A refusal is written or owed; everything further is dropped, then the connection closes.
        case refused
    }

    private let limits: Limits
    private let cap: ConnectionCap?
    private let logger: Logger
    private var state = State.idle
    /// Requests passed on whose responses are not finished.
    private var responsesOwed = 0
    /// A refusal that waits for the response in progress to finish first.
    private var owedRefusal: Refusal?
    /// `100 Continue` owed once the response in progress finishes.
    private var owedContinue = false
    private var headerTimer: Scheduled<Void>?
    /// A streamed body broke off: the connection closes once its route has answered.
    private var closeAfterResponse = false
    private var context: ChannelHandlerContext?

    /// A streamed body that did not arrive whole.
    struct BodyBrokeOff: Error, CustomStringConvertible {
        var description: String
    }

    /// Requests whose body goes to the route as it arrives.
    static func streams(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, let path = head.path else { return false }
        return path == "/administration/set-queue" || path.hasPrefix("/administration/set-queue?")
    }

    struct Refusal {
        var status: HTTPResponse.Status
        var detail: String
        var field: String?
        var path: String
    }

    init(limits: Limits, cap: ConnectionCap?, logger: Logger) {
        self.limits = limits
        self.cap = cap
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { cap?.opened(context.channel) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headerTimer?.cancel()
        headerTimer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        cap?.opened(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cap?.closed(context.channel)
        headerTimer?.cancel()
        headerTimer = nil
        breakOff(BodyBrokeOff(description: "the connection closed before the body's end"), context: context)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            breakOff(BodyBrokeOff(description: "the client stopped sending before the body's end"), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A streamed body that will not arrive whole: its route hears so from the body, and the
    /// connection closes after its answer.
    private func breakOff(_ error: any Error, context: ChannelHandlerContext) {
        guard case .streaming = state else { return }
        state = .refused
        closeAfterResponse = true
        context.fireErrorCaught(error)
    }

    /// Bytes came in (told by `ByteActivity`, in front of the HTTP decoder): the first byte of
    /// a request starts its header clock.
    func bytesArrived() {
        guard case .idle = state, responsesOwed == 0, headerTimer == nil,
              let timeout = limits.headerTimeout, let context else { return }
        let channel = context.channel
        let logger = logger
        headerTimer = context.eventLoop.scheduleTask(in: timeout) {
            logger.debug("closing a connection whose request headers did not arrive within \(timeout) (--header-timeout)")
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .refused = state { return }
        if case .streaming(let head, let received) = state {
            return streamed(data, head: head, received: received, context: context)
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            headerTimer?.cancel()
            headerTimer = nil
            cap?.setBusy(context.channel, true)
            if let refusal = Self.check(head, maxBody: limits.maxBody) {
                if refusal.status == .contentTooLarge {
                    limits.tooLarge?(head.path ?? "", head.headerFields[.contentLength].flatMap(Int.init))
                }
                refuse(refusal, context: context)
                return
            }
            if head.headerFields[.expect] != nil {
                if responsesOwed == 0 { writeContinue(context: context) } else { owedContinue = true }
            }
            if Self.streams(head) {
                state = .streaming(head, received: 0)
                responsesOwed += 1
                context.fireChannelRead(data)
                return
            }
            state = .reading(head, nil)
        case .body(var chunk):
            guard case .reading(let head, var body) = state else { return malformed(context: context) }
            state = .idle  // the buffer's only reference is `body` now: appending does not copy it
            if (body?.readableBytes ?? 0) + chunk.readableBytes > limits.maxBody {
                limits.tooLarge?(head.path ?? "", nil)
                refuse(Refusal(status: .contentTooLarge,
                               detail: "the request body is larger than the server accepts: \(Self.tooLargeDetail(nil, maxBody: limits.maxBody))",
                               field: nil, path: head.path ?? ""), context: context)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
            state = .reading(head, body)
        case .end(let trailers):
            guard case .reading(let head, let body) = state else { return malformed(context: context) }
            state = .idle
            owedContinue = false  // the body came without it
            responsesOwed += 1
            context.fireChannelRead(wrapInboundOut(.head(head)))
            if let body { context.fireChannelRead(wrapInboundOut(.body(body))) }
            context.fireChannelRead(wrapInboundOut(.end(trailers)))
        }
    }

    /// A part of a streamed body (the decoder sends no head before this request's end).
    private func streamed(_ data: NIOAny, head: HTTPRequest, received: Int, context: ChannelHandlerContext) {
        switch unwrapInboundIn(data) {
        case .head:
            breakOff(BodyBrokeOff(description: "malformed HTTP request"), context: context)
        case .body(let chunk):
            guard chunk.readableBytes <= limits.maxBody - received else {
                return breakOff(NIOTooManyBytesError(maxBytes: limits.maxBody), context: context)
            }
            state = .streaming(head, received: received + chunk.readableBytes)
            context.fireChannelRead(data)
        case .end:
            state = .idle
            owedContinue = false  // the body came without it
            // Its route may have answered before the body's end (a refused token).
            if responsesOwed == 0 { cap?.setBusy(context.channel, false) }
            context.fireChannelRead(data)
        }
    }

    private var isStreaming: Bool {
        if case .streaming = state { return true }
        return false
    }

    /// A body or an end outside a request: the decoder never sends these; refuse rather than guess.
    private func malformed(context: ChannelHandlerContext) {
        refuse(Refusal(status: .badRequest, detail: "malformed HTTP request", field: nil, path: ""), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError || error is ByteToMessageDecoderError else {
            if isStreaming { return breakOff(BodyBrokeOff(description: "the connection failed: \(error)"), context: context) }
            context.fireErrorCaught(error)
            return
        }
        // Not passed on: Hummingbird would answer it again (an empty 400, or a 500 from a route
        // reading the body). A streamed body's route answers it.
        if case .refused = state { return }
        if isStreaming {
            return breakOff(BodyBrokeOff(description: "malformed HTTP request: \(Self.describe(error))"), context: context)
        }
        let path: String
        let field: String?
        if case .reading(let head, _) = state {
            path = head.path ?? ""
            field = "body"
        } else {
            path = ""
            field = nil
        }
        refuse(Refusal(status: .badRequest, detail: "malformed HTTP request: \(Self.describe(error))", field: field, path: path),
               context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if case .end = part, responsesOwed == 1, closeAfterResponse {
            // The answer to a body that broke off: the connection closes once it is written.
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.write(data, promise: written)
        } else {
            context.write(data, promise: promise)
        }
        guard case .end = part else { return }
        responsesOwed -= 1
        // `100 Continue` for the request being read once the responses before it are written
        // (a streamed request's own response is counted from its head).
        let before = isStreaming ? responsesOwed - 1 : responsesOwed
        if owedContinue, owedRefusal == nil, before <= 0 {
            owedContinue = false
            if before == 0 { writeContinue(context: context) }
        }
        guard responsesOwed == 0 else { return }
        switch state {
        case .reading, .streaming: break  // the next request's body, or this one's rest, is still coming
        case .idle, .refused: cap?.setBusy(context.channel, false)
        }
        if let refusal = owedRefusal {
            owedRefusal = nil
            writeRefusal(refusal, context: context)
        }
    }

    /// The first coding `field` lists (over all its lines, comma-separated, any case) that is not `other`.
    private static func firstCoding(of field: HTTPField.Name, in head: HTTPRequest, other: String) -> String? {
        head.headerFields[values: field]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .first { $0 != other }
    }

    /// What the head alone tells is wrong, if anything.
    static func check(_ head: HTTPRequest, maxBody: Int) -> Refusal? {
        let path = head.path ?? ""
        if let unsupported = firstCoding(of: .transferEncoding, in: head, other: "chunked") {
            return Refusal(status: .notImplemented,
                           detail: "Transfer-Encoding \(unsupported) is not supported: send the body as it is, chunked or with Content-Length",
                           field: "Transfer-Encoding", path: path)
        }
        // A compressed body would be read as it is: refused rather than misread.
        if let unsupported = firstCoding(of: .contentEncoding, in: head, other: "identity") {
            return Refusal(status: .unsupportedMediaType,
                           detail: "Content-Encoding \(unsupported) is not supported: send the body uncompressed",
                           field: "Content-Encoding", path: path)
        }
        if let expect = head.headerFields[.expect], expect.lowercased() != "100-continue" {
            return Refusal(status: .expectationFailed, detail: "Expect: \(expect) is not supported (only 100-continue)",
                           field: "Expect", path: path)
        }
        if let length = head.headerFields[.contentLength].flatMap(Int.init), length > maxBody {
            return Refusal(status: .contentTooLarge,
                           detail: "the request body is larger than the server accepts: \(tooLargeDetail(length, maxBody: maxBody))",
                           field: nil, path: path)
        }
        return nil
    }

    private func refuse(_ refusal: Refusal, context: ChannelHandlerContext) {
        state = .refused
        headerTimer?.cancel()
        headerTimer = nil
        if responsesOwed == 0 { writeRefusal(refusal, context: context) } else { owedRefusal = refusal }
    }

    private func writeRefusal(_ refusal: Refusal, context: ChannelHandlerContext) {
        logger.debug("refused a request: \(refusal.status.code) \(refusal.detail)")
        let body = Problem.body(status: refusal.status, detail: refusal.detail, field: refusal.field, instance: refusal.path)
        let head = HTTPResponse(status: refusal.status, headerFields: [
            .contentType: "application/problem+json", .contentLength: "\(body.count)", .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        // And closed in any case soon after: under load the close after the write was seen to
        // wait (a client that does not read, too, must not keep the connection).
        context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
    }

    private func writeContinue(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? ByteToMessageDecoderError, case .dataReceivedInErrorState(let inner, _) = error {
            return describe(inner)
        }
        return "\(error)"
    }
}

/// In front of the HTTP decoder: tells the gate that bytes came in (the header clock).
final class ByteActivity: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let gate: RequestGate

    init(gate: RequestGate) { self.gate = gate }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        gate.bytesArrived()
        context.fireChannelRead(data)
    }
}
