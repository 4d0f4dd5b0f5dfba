import Foundation
import Synchronization
import Testing

/// The real `booking-monitor` binary, built beside the tests.
enum Binary {
    /// `BOOKING_MONITOR_BINARY` names another binary (an installed one, an older build).
    static var path: String {
        if let path = ProcessInfo.processInfo.environment["BOOKING_MONITOR_BINARY"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let candidate = root.appendingPathComponent(".build/\(configuration)/booking-monitor").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return root.appendingPathComponent(".build/debug/booking-monitor").path
    }
}

/// A child process with its output captured to a file.
///
/// posix_spawn and waitpid, not Foundation's Process: on Linux, Process learns that a child
/// ended when every holder of that child's status pipe has closed it, and every child spawned
/// meanwhile (by any test) inherits it; `waitUntilExit` then blocked until an unrelated
/// long-lived child ended (30–60 s stalls with the shared-store tests' processes). Here the
/// child gets stdin from /dev/null, stdout and stderr to the log, and nothing else.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let output: String
    private let status = Mutex<Int32?>(nil)

    /// `shell`: commands bash runs before it becomes the binary (`ulimit -n 256`, say);
    /// `wrapper`: a command that runs the binary (`ip netns exec NAME`), the same pid.
    init(_ arguments: [String], logTo output: String, environment: [String: String] = [:], shell: String = "",
         wrapper: String = "") throws {
        self.output = output
        let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fd, 1)
        posix_spawn_file_actions_adddup2(&actions, fd, 2)
        // closefrom(3) for the child (posix_spawn_file_actions_addclosefrom_np is not imported):
        // bash closes every other descriptor, then becomes the binary (same pid). No `2>` on
        // the loop: bash would park stderr on a high descriptor, which the loop then closes.
        let trampoline = (shell.isEmpty ? "" : shell + "; ") + #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "#
            + wrapper + #" "$0" "$@""#
        let path = "/bin/bash"
        let argv = ([path, "-c", trampoline, Binary.path] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        self.pid = pid
    }

    var log: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    var isRunning: Bool { reap(blocking: false) == nil }

    func kill9() {
        kill(pid, SIGKILL)
        _ = reap(blocking: true)
    }

    /// SIGTERM, then the exit status (the signal's number if a signal ended it).
    func terminate() -> Int32 {
        if isRunning { kill(pid, SIGTERM) }
        return reap(blocking: true) ?? -1
    }

    /// Waits for exit (bounded); returns the status, or nil if it did not exit.
    func waitForExit(seconds: Double = 30) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = reap(blocking: false) { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        return reap(blocking: false)
    }

    /// The exit status once the child has ended (reaping it the first time), else nil.
    private func reap(blocking: Bool) -> Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            guard reaped == pid else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : signal
            return status
        }
    }

    deinit {
        if isRunning {
            kill(pid, SIGTERM)
            _ = reap(blocking: true)
        }
    }
}
