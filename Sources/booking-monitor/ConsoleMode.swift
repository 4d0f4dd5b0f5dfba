import BookingConsole
import BookingCore
import BookingServer
import CNcursesw
import Foundation
import Logging
import ServiceLifecycle

/// The operator console's part of `run`: decides whether the console opens and builds it.
struct ConsoleMode {
    var options: MonitorOptions
    var settings: RenderSettings
    /// The key bindings of config.toml, if one was read.
    var config: ConsoleConfig?

    /// nil when --headless (RunCommand has already refused a non-terminal without --headless).
    init?(options: MonitorOptions, config: ConsoleConfig? = nil) {
        guard !options.headless else { return nil }
        self.options = options
        self.settings = Self.settings(options)
        self.config = config
    }

    /// `toggleGenerators`: the demo's switch, bound to `d` (`Keymap.demo`).
    func service(monitor: Monitor, link: OrchestratorLink, logger: Logger,
                 toggleGenerators: (@Sendable () -> Bool)? = nil) -> any Service {
        var service = ConsoleService(monitor: monitor, settings: settings, retryLink: { link.retryNow() }, logger: logger)
        if let toggleGenerators {
            service.keymap = .demo
            service.toggleGenerators = toggleGenerators
        }
        if let config { service.keymap = config.keymap(service.keymap) }
        service.mouse = options.mouse ?? true
        return service
    }

    /// `--ascii` (or a locale that is not UTF-8), `--no-color` (or NO_COLOR), `--readonly`, `--theme`.
    static func settings(_ options: MonitorOptions) -> RenderSettings {
        setlocale(LC_ALL, "")
        let utf8 = bm_is_utf8_locale() != 0
        let noColorEnv = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return RenderSettings(ascii: options.ascii || !utf8, color: !(options.noColor || noColorEnv),
                              readonly: options.readonly, httpAddress: "\(options.host):\(options.port)",
                              palette: options.theme.flatMap(Palette.init(name:)) ?? .dark)
    }

    /// `--once`: the dashboard as plain text, from the store alone (no server, no link).
    static func printOnce(_ options: MonitorOptions, monitor: Monitor) async {
        var settings = settings(options)
        // No server runs: an address would claim one.
        settings.httpAddress = ""
        let size = options.size.flatMap(ConsoleSize.parse) ?? ConsoleSize.terminal() ?? Size(width: 120, height: 40)
        // Nothing here delivers events: say so rather than "link: ok".
        await monitor.updateLink { $0.notRunning = true }
        let controller = await ConsoleController(monitor: monitor, settings: settings, size: size)
        print(controller.frame().text)
    }
}

enum ConsoleSize {
    static func parse(_ text: String) -> Size? { Size(parsing: text) }

    /// The terminal's size when stdout is one.
    static func terminal() -> Size? {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0,
              size.ws_col > 0, size.ws_row > 0 else { return nil }
        return Size(width: Int(size.ws_col), height: Int(size.ws_row))
    }
}
