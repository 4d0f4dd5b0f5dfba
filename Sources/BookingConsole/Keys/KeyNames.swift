/// Keys by name, as config.toml spells them: `"j"`, `"G"`, `"Space"`, `"Down"`, `"Ctrl-F"`,
/// `"F1"`, `"Enter"`, `"Esc"`, `"Shift-Tab"`. A single character stands for itself (case
/// counts: `"g"` and `"G"` are two keys); names of the other keys ignore case.
extension Key {
    /// The named keys, each with the name `config --print` writes first.
    static let names: [(names: [String], key: Key)] = [
        (["Space"], .space), (["Up"], .up), (["Down"], .down), (["Left"], .left), (["Right"], .right),
        (["PageUp", "PgUp"], .pageUp), (["PageDown", "PgDn"], .pageDown), (["Home"], .home), (["End"], .end),
        (["Tab"], .tab), (["Shift-Tab", "S-Tab", "BackTab"], .backTab), (["Enter", "Return"], .enter),
        (["Esc", "Escape"], .escape), (["Backspace", "Bksp"], .backspace),
    ]

    /// nil for a name that is no key the console reads.
    public init?(name: String) {
        if name.count == 1, let character = name.first {
            guard !character.isWhitespace, !(character.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) else { return nil }
            self = .character(character)
            return
        }
        let lower = name.lowercased()
        if let named = Self.names.first(where: { $0.names.contains { $0.lowercased() == lower } }) {
            self = named.key
            return
        }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            guard rest.count == 1, let letter = rest.first, letter.isASCII, letter.isLetter else { return nil }
            // Ctrl-I, Ctrl-J, Ctrl-M and Ctrl-H reach the console as Tab, Enter and Backspace.
            guard !"ijmh".contains(letter) else { return nil }
            self = .control(letter)
            return
        }
        if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...12).contains(number) {
            self = .function(number)
            return
        }
        return nil
    }

    /// The name config.toml uses; `Key(name: key.name) == key`.
    public var name: String {
        if let named = Self.names.first(where: { $0.key == self }) { return named.names[0] }
        switch self {
        case .character(let c): return String(c)
        case .control(let c): return "Ctrl-\(c.uppercased())"
        case .function(let n): return "F\(n)"
        default: return label(ascii: true)
        }
    }
}
