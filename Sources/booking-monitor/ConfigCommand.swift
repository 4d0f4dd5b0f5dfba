import ArgumentParser
import BookingConsole
import Foundation

/// `booking-monitor config --print` and `config --check`: the config file as the monitor
/// reads it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration as TOML (--print), or check a config file (--check).",
        discussion: """
            The file is PATH, else $XDG_CONFIG_HOME/booking-monitor/config.toml, else \
            ~/.config/booking-monitor/config.toml. --print writes every key binding, the theme \
            and the [run] and [demo] defaults; the output is a config file that reads back the same.
            """
    )

    @Flag(help: "Write the effective configuration (the file's values over the defaults) as TOML.")
    var print = false

    @Flag(help: "Check the file: one line naming the first mistake and exit 2, or \"ok\".")
    var check = false

    @Argument(help: ArgumentHelp("The config file.", valueName: "path"))
    var path: String?

    func validate() throws {
        guard print != check else { throw ValidationError("give one of --print or --check") }
    }

    func run() throws {
        let config: ConsoleConfig?
        do {
            config = try Configured.load(explicit: path)
        } catch {
            throw Configured.refuse(error.description)
        }
        if check {
            guard let config else {
                Swift.print("no config file (\(ConsoleConfig.defaultPath() ?? "no HOME")): the defaults apply")
                return
            }
            Swift.print("\(config.path): ok, \(config.bindings.count) command(s) rebound, theme \(config.palette?.rawValue ?? "dark (default)")")
            return
        }
        let file = config ?? ConsoleConfig(path: "defaults")
        var run = FlagDefaults()
        run.host = "127.0.0.1"
        run.port = 5039
        run.db = "booking-monitor.sqlite"
        run.orchestrator = "http://localhost:5012"
        run.group = "default"
        run.ascii = false
        run.mouse = true
        run.noColor = false
        run.readonly = false
        var demo = run
        demo.db = nil
        demo.orchestrator = nil
        Swift.print(file.toml(palette: file.palette ?? .dark, run: file.run.over(run), demo: file.demo.over(demo)),
                    terminator: "")
    }
}
