import BookingCore
import BookingServer
import Foundation
import Logging
import ServiceLifecycle

/// sd_notify(3) without libsystemd: one datagram per message to the unix socket systemd names
/// in `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace).
struct SystemdNotify: Sendable {
    let socketPath: String

    init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        socketPath = path
    }

    /// Sends `message` (lines of `KEY=value`); false if the socket could not be reached.
    @discardableResult
    func send(_ message: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        // An abstract address is exactly as long as its name; a path one ends at its NUL.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), sockaddrPointer, length)
            }
        }
        return sent == bytes.count
    }

    /// Half of `$WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises, when the watchdog is on for
    /// this process (`$WATCHDOG_PID`, if set, names it).
    static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], pid != String(getpid()) { return nil }
        return .microseconds(Int64(usec / 2))
    }
}

/// Tells systemd (`Type=notify`) the monitor is ready once the store is open and the server
/// listens, pets the watchdog while the monitor actor answers, and says STOPPING=1 when the
/// graceful shutdown begins. Runs only under a service manager (`$NOTIFY_SOCKET` set).
struct SystemdService: Service {
    let notify: SystemdNotify
    let readiness: Readiness
    let monitor: Monitor
    let watchdog: Duration?
    let logger: Logger

    func run() async throws {
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                // The store opened before the services started; the server is the last step.
                while readiness.boundPort == nil {
                    do { try await Task.sleep(for: .milliseconds(5)) } catch { return }
                }
                notify.send("READY=1\nSTATUS=listening on port \(readiness.boundPort ?? 0)")
                logger.debug("told systemd READY=1")
                guard let watchdog else {
                    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                    return
                }
                while !Task.isCancelled {
                    // Through the monitor actor: a wedged monitor stops the pings, and systemd
                    // restarts the service (WatchdogSec=).
                    _ = await monitor.currentTotals()
                    notify.send("WATCHDOG=1")
                    try? await Task.sleep(for: watchdog)
                }
            }
        } onGracefulShutdown: {
            notify.send("STOPPING=1")
        }
    }
}
