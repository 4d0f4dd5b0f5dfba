import BookingConsole
import Foundation
import Testing

/// README.md follows the keymap: its keys table names every key of `Keymap.standard`, and
/// its config file section names every command of `Command.names`.
@Suite("README keys follow the keymap") struct ConsoleReadmeKeysTests {
    static var readme: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }

    /// The text between `heading` and the next heading of any level.
    static func section(_ heading: String) -> String {
        let text = readme
        guard let start = text.range(of: "\n" + heading + "\n") else { return "" }
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n#")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test func theKeysTableNamesEveryKey() {
        let table = Self.section("### Keys")
        #expect(!table.isEmpty)
        for binding in Keymap.standard.bindings {
            for key in binding.keys {
                let spelled = ["`\(key.label(ascii: false))`", "`\(key.name)`", "`\(key.label(ascii: true))`"]
                #expect(spelled.contains { table.contains($0) }, "\(binding.command.name): \(key.name) is not in README's keys table")
            }
        }
    }

    @Test func theConfigSectionNamesEveryCommand() {
        let section = Self.section("### The config file")
        for (name, _) in Command.names {
            #expect(section.contains("`\(name)`"), "\(name) is not in README's config file section")
        }
    }
}
