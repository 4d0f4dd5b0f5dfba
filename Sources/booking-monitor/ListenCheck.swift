import Foundation
import NIOCore
import NIOPosix

/// Start-up checks of a listening address, before any service starts: a port in use is a
/// one-line error naming the flag, not a service group torn down half-started.
enum ListenCheck {
    enum Outcome: Equatable {
        case free
        case inUse
        case refused(String)
    }

    /// Binds and closes at once, as the server will (SO_REUSEADDR, the same resolution).
    static func probe(host: String, port: Int) async -> Outcome {
        guard port != 0 else { return .free }
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try? await channel.close()
            return .free
        } catch {
            return inUse(error) ? .inUse : .refused(describe(error))
        }
    }

    static func inUse(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == EADDRINUSE
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        return String(cString: strerror(error.errnoCode)).lowercased()
    }

    /// The one line for a port another process holds.
    static func inUseMessage(host: String, port: Int, flag: String = "--port") -> String {
        "port \(port) is in use (another booking-monitor?): give \(flag) N, or \(flag) 0 for a free one"
    }

    /// Throws the one line unless the monitor can listen on `host:port`.
    static func require(host: String, port: Int, flag: String = "--port") async throws {
        switch await probe(host: host, port: port) {
        case .free: return
        case .inUse: throw Fatal(inUseMessage(host: host, port: port, flag: flag))
        case .refused(let reason): throw Fatal("cannot listen on \(host):\(port) (\(reason)): check --host and \(flag)")
        }
    }

    /// A failure of the running service group, in the same words when it is a bind failure
    /// (the port taken between the check and the bind).
    static func explain(_ error: any Error, host: String, port: Int) -> any Error {
        guard let io = error as? IOError, io.description.contains("bind") else { return error }
        if io.errnoCode == EADDRINUSE { return Fatal(inUseMessage(host: host, port: port)) }
        return Fatal("cannot listen on \(host):\(port) (\(describe(io))): check --host and --port")
    }
}
