import Foundation

/// One checker per database: two monitors booking from one SQLite file could each book the
/// same product. The lock is an `flock` on `<db>.lock`, released by the kernel when the
/// process dies, so a `kill -9` never leaves a stale lock behind.
final class InstanceLock {
    private let fd: Int32

    init(database path: String) throws {
        let lockPath = path + ".lock"
        fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Fatal("\(path): cannot create the lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Fatal("\(path) is in use by another booking-monitor\(holder.map { " (pid \($0))" } ?? ""); "
                        + "two checkers on one database could double-book — stop it or use another --db")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    deinit { close(fd) }
}
