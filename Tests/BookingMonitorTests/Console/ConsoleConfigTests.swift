import BookingConsole
import BookingCore
import Foundation
import Testing

/// config.toml: parsing with TOMLKit, every kind of mistake as one line naming the line, key
/// and command names, and the keymap, footer and help following the bindings.
@Suite("Console config file") struct ConsoleConfigTests {
    func parse(_ text: String) throws(ConfigError) -> ConsoleConfig {
        try ConsoleConfig.parse(text, path: "config.toml")
    }

    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aWholeFileReads() throws {
        let config = try parse("""
            # a comment
            theme = "light"

            [keys]
            move-down = ["n", "Down"]
            move-up = ["e", "Up"]
            toggle-availability = "t"
            quit = ["Ctrl-Q", "F10"]

            [run]
            port = 5098
            db = "/var/lib/booking-monitor/m.sqlite"
            orchestrator = "http://orchestrator:5012"
            catalog = "catalog.json"
            ascii = true
            mouse = false

            [demo]
            port = 6000
            """)
        #expect(config.palette == .light)
        #expect(config.bindings[.moveDown] == [.character("n"), .down])
        #expect(config.bindings[.toggleAvailability] == [.character("t")])
        #expect(config.bindings[.quit] == [.control("q"), .function(10)])
        #expect(config.bindings[.open] == nil, "commands the file leaves alone keep their keys")
        #expect(config.run.port == 5098)
        #expect(config.run.db == "/var/lib/booking-monitor/m.sqlite")
        #expect(config.run.orchestrator == "http://orchestrator:5012")
        #expect(config.run.catalog == "catalog.json")
        #expect(config.run.ascii == true && config.run.mouse == false)
        #expect(config.demo.port == 6000)
        let keymap = config.keymap(.standard)
        #expect(keymap.command(for: .character("n")) == .moveDown)
        #expect(keymap.command(for: .character("j")) == nil, "j is no longer bound")
        #expect(keymap.command(for: .character("t")) == .toggleAvailability)
        #expect(keymap.command(for: .space) == nil)
    }

    @Test("every kind of mistake: one line with the file and line", arguments: [
        ("theme = \"light\"\n[keys]\nmove-dwn = [\"j\"]", "config.toml:3: unknown command \"move-dwn\" in [keys]"),
        ("[keys]\nmove-down = [\"j\", \"Dwn\"]", "config.toml:2: unknown key name \"Dwn\" for move-down"),
        ("[keys]\nopen = [\"Enter\"]\n\n\ntoggle-availability = [\"j\"]",
         "config.toml:5: key \"j\" is bound to both move-down and toggle-availability"),
        ("[keys]\nmove-down = [\"n\"]\nmove-up = [\n  \"Up\",\n  \"n\",\n]",
         "config.toml:5: key \"n\" is bound to both move-down and move-up"),
        ("[keys]\nmove-down = 3", "config.toml:2: move-down: a binding is a list of key names"),
        ("[keys]\nmove-down = [3]", "config.toml:2: move-down: keys are names in quotes"),
        ("\ntheme = \"solarized\"", "config.toml:2: unknown theme \"solarized\" (themes: dark, light, colourblind)"),
        ("theme = 1", "config.toml:1: theme is a name in quotes"),
        ("colour = \"light\"", "config.toml:1: unknown setting \"colour\""),
        ("[ui]\nx = 1", "config.toml:1: unknown setting \"ui\""),
        ("[run]\nport = 70000", "config.toml:2: port is a whole number 0…65535"),
        ("[run]\n\nprot = 5098", "config.toml:3: unknown setting \"prot\" in [run]"),
        ("[demo]\nmouse = \"no\"", "config.toml:2: mouse is true or false"),
        ("[run]\ndb = 5", "config.toml:2: db is text in quotes"),
        ("[keys]\nmove-down = [\"j\"\n", "config.toml:"),
        ("theme = = 1", "config.toml:1:"),
    ])
    func mistakes(text: String, expected: String) {
        let message = error(text)
        #expect(message?.hasPrefix(expected) == true, "\(message ?? "no error")")
        #expect(message?.contains("\n") == false)
        #expect(message?.range(of: #"^config\.toml:[0-9]+: "#, options: .regularExpression) != nil, "\(message ?? "")")
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: ConfigError.self) { try ConsoleConfig.load(path: "/nonexistent/config.toml") }
        do {
            _ = try ConsoleConfig.load(path: "/nonexistent/config.toml")
        } catch {
            #expect(error.description == "/nonexistent/config.toml: no such file")
        }
    }

    @Test func theDefaultPlaceFollowsXDG() {
        #expect(ConsoleConfig.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/booking-monitor/config.toml")
        #expect(ConsoleConfig.defaultPath(environment: ["HOME": "/h"]) == "/h/.config/booking-monitor/config.toml")
        #expect(ConsoleConfig.defaultPath(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"])
                == "/h/.config/booking-monitor/config.toml", "XDG says a relative path is ignored")
    }

    @Test func everyCommandOfTheKeymapHasOneName() {
        let names = Command.names.map(\.name)
        #expect(Set(names).count == names.count)
        for binding in Keymap.demo.bindings {
            #expect(Command(name: binding.command.name) == binding.command, "\(binding.command)")
        }
    }

    @Test func keyNamesRoundTrip() {
        let keys: [Key] = [.character("j"), .character("G"), .character("?"), .character("é"), .space, .up, .down, .left,
                           .right, .pageUp, .pageDown, .home, .end, .tab, .backTab, .enter, .escape, .backspace,
                           .control("f"), .function(1), .function(12)]
        for key in keys { #expect(Key(name: key.name) == key, "\(key) as \(key.name)") }
        #expect(Key(name: "ctrl-f") == .control("f"))
        #expect(Key(name: "PgDn") == .pageDown)
        #expect(Key(name: "down") == .down)
        for bad in ["", "Dwn", "Ctrl-", "Ctrl-1", "Ctrl-M", "F13", "F0", " ", "\t"] { #expect(Key(name: bad) == nil, "\(bad)") }
    }

    @Test func printedConfigurationReadsBackTheSame() throws {
        let config = try parse("theme = \"colourblind\"\n[keys]\nmove-down = [\"n\"]\n[run]\nport = 5098")
        var run = FlagDefaults()
        run.port = 5039
        run.db = "booking-monitor.sqlite"
        run.mouse = true
        let text = config.toml(palette: config.palette ?? .dark, run: config.run.over(run), demo: config.demo)
        let again = try ConsoleConfig.parse(text, path: "printed.toml")
        #expect(again.palette == .colourblind)
        #expect(again.run.port == 5098 && again.run.db == "booking-monitor.sqlite" && again.run.mouse == true)
        // Every command is written, with its effective keys.
        #expect(again.bindings.count == Command.names.count)
        #expect(again.bindings[.moveDown] == [.character("n")])
        #expect(again.bindings[.quit] == [.character("q"), .control("c")])
        #expect(again.keymap(.demo).bindings.map(\.keys) == config.keymap(.demo).bindings.map(\.keys))
    }

    @Test func footerAndHelpFollowTheBindings() async throws {
        let config = try parse("[keys]\ntoggle-availability = [\"t\"]\nhelp = [\"F1\"]\nmove-down = [\"n\"]")
        let keymap = config.keymap(.standard)
        let monitor = try await ConsoleFixture.midDemo()
        let model = ConsoleModel(snapshot: await monitor.snapshotNow())
        let size = Size(width: 120, height: 40)
        let footer = render(model, ConsoleState(size: size), size: size, settings: ConsoleFixture.settings(),
                            keymap: keymap, now: ConsoleFixture.fixedNow).lines.last ?? ""
        #expect(footer.contains(" t  toggle"), "\(footer)")
        #expect(footer.contains(" F1  help"), "\(footer)")
        #expect(footer.contains(" n  move"), "\(footer)")
        #expect(!footer.contains("Space"))
        var state = ConsoleState(size: size)
        state.helpShown = true
        let help = render(model, state, size: size, settings: ConsoleFixture.settings(), keymap: keymap,
                          now: ConsoleFixture.fixedNow).text
        let line = help.split(separator: "\n").first { $0.contains("toggle the selected product's availability") } ?? ""
        #expect(line.contains("│ t "), "\(help)")
        #expect(!help.contains("Space"))
        // A rebound key does what its new command does.
        var pressed = ConsoleState(size: size)
        _ = pressed.handle(.character("n"), model: model, keymap: keymap, now: ConsoleFixture.fixedNow)
        #expect(pressed.cursor(.products).selected == 1)
    }

    @Test func themesAreChosenByNameAndMonochromeWins() {
        #expect(Palette(name: "light") == .light)
        #expect(Palette(name: "colorblind") == .colourblind)
        #expect(Palette(name: "Dark") == .dark)
        #expect(Palette(name: "solarized") == nil)
        let light = Theme(ascii: false, color: true, palette: .light)
        let textStyles = [light.columnHeader, light.status(.booked), light.status(.available), light.helpKey,
                          light.highlightedTitle, light.nearTitle, light.border(focused: true), light.info]
        for style in textStyles {
            #expect(![.yellow, .cyan, .white].contains(style.foreground), "light: no faint text colour: \(style)")
        }
        #expect(light.status(.booked).foreground != Theme(ascii: false, color: true).status(.booked).foreground)
        let blind = Theme(ascii: false, color: true, palette: .colourblind)
        let states = [blind.status(.available), blind.status(.booked), blind.status(.unavailable), blind.error, blind.info,
                      blind.activity(.booking), blind.activity(.failure), blind.linkStyle(ok: true, failing: false),
                      blind.linkStyle(ok: false, failing: true)]
        for style in states { #expect(![.red, .green, .darkGreen].contains(style.foreground), "colour-blind: \(style)") }
        #expect(blind.status(.available).foreground != blind.status(.booked).foreground)
        let mono = Theme(ascii: false, color: false, palette: .light)
        #expect(mono.status(.booked).foreground == .default && mono.columnHeader.foreground == .default)
        #expect(mono.changedRow.underline, "monochrome marks a change by an attribute")
    }
}
