import BookingCore
import BookingServer
import Foundation
import Logging
import ServiceLifecycle

/// The operator console's part of `run`: decides whether the console opens and builds it.
/// STUB — owned by the console work (issue 4).
struct ConsoleMode {
    var options: MonitorOptions

    /// nil when --headless (RunCommand has already refused a non-terminal without --headless).
    init?(options: MonitorOptions) {
        guard !options.headless else { return nil }
        self.options = options
    }

    func service(monitor: Monitor, link: OrchestratorLink, logger: Logger) -> any Service {
        fatalError("console not implemented yet")
    }
}
