import CBuildInfo

/// What `--version` prints: `0.1.0 (commit 26bdb1f)`, or `0.1.0 (unknown commit)` from a build
/// that was not told its commit (a plain `swift build`).
enum BuildInfo {
    /// The release; scripts/package-deb.sh names the Debian package after it.
    static let version = "0.1.0"
    static let commit: String? = {
        let commit = String(cString: booking_monitor_build_commit())
        return commit.isEmpty ? nil : commit
    }()
    static var description: String { "\(version) (\(commit.map { "commit \($0)" } ?? "unknown commit"))" }
}
