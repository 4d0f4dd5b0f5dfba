import Foundation

/// Open-file limits: the monitor raises its soft limit to the hard one at start (the soft
/// default of 1,024 is soon spent by clients), and keeps its connection cap below what is left.
enum DescriptorLimit {
    /// Descriptors kept for everything but client connections: the store, the log, the
    /// Orchestrator link's and PostgreSQL's connections, the listening socket.
    static let reserve = 64

    /// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
    @discardableResult
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// `--max-connections`, lowered if the descriptors cannot hold that many.
    static func connectionCap(requested: Int, softLimit: Int) -> Int {
        max(1, min(requested, softLimit - reserve))
    }
}
