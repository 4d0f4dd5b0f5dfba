import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's `HTTP1Channel` pipeline with the monitor's edge in it: the `RequestGate`
/// between the HTTP decoder and the router, the connection cap, and the timeouts.
/// (`HTTP1Channel` takes extra handlers only after its own, and the header clock needs to see
/// bytes before the decoder does.)
struct GuardedHTTP1Channel: HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: Responder
    let limits: RequestGate.Limits
    /// Closes a connection with no request in progress for this long (`--idle-timeout`).
    let idleTimeout: TimeAmount?
    let cap: ConnectionCap?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // Reads of up to 512 KiB once a connection sends much (NIO's default stops at
            // 64 KiB): a 22 MB set-queue push arrives in some 45 parts, not 350, each part a
            // turn of the body's consumer. Below the 1 MiB the malloc tuning maps apart, so the
            // read buffers come from the heap; the allocator shrinks again for small requests.
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator,
                                               value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048,
                                                                                      maximum: 512 << 10))
            let gate = RequestGate(limits: limits, cap: cap, logger: logger)
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ByteActivity(gate: gate))
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,  // the gate answers malformed requests
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: .init())
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(gate)
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: idleTimeout.map { .nanoseconds($0.nanoseconds) }, logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 behind the monitor's edge (see `GuardedHTTP1Channel`).
    static func guarded(limits: RequestGate.Limits, idleTimeout: TimeAmount?, cap: ConnectionCap?) -> HTTPServerBuilder {
        .init { responder in
            GuardedHTTP1Channel(responder: responder, limits: limits, idleTimeout: idleTimeout, cap: cap)
        }
    }
}
