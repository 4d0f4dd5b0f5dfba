import BookingCore

/// Glyphs and styles for one way of drawing: Unicode or ASCII, colour or monochrome. Every
/// meaning carried by colour is also carried by a letter or an attribute, so the monochrome
/// theme loses nothing.
public struct Theme: Sendable {
    public var ascii: Bool
    public var color: Bool

    public init(ascii: Bool, color: Bool) {
        self.ascii = ascii
        self.color = color
    }

    // MARK: Glyphs

    public var horizontal: String { ascii ? "-" : "─" }
    public var vertical: String { ascii ? "|" : "│" }
    public var topLeft: String { ascii ? "+" : "┌" }
    public var topRight: String { ascii ? "+" : "┐" }
    public var bottomLeft: String { ascii ? "+" : "└" }
    public var bottomRight: String { ascii ? "+" : "┘" }
    public var ellipsis: String { ascii ? "~" : "…" }
    public var selectionMark: String { ascii ? ">" : "▶" }
    public var separator: String { ascii ? "|" : "│" }
    public var dot: String { ascii ? "-" : "·" }
    public var arrow: String { ascii ? "->" : "→" }
    public var times: String { ascii ? "x" : "×" }
    public var cursor: String { ascii ? "_" : "▏" }

    /// Text from the monitor (activity lines, errors) in ASCII mode: its arrows, quotes and
    /// dashes spelled in ASCII. Titles stay as they are: they are data.
    public func text(_ text: String) -> String {
        guard ascii, !text.allSatisfy(\.isASCII) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "→": result += "->"
            case "←": result += "<-"
            case "«", "»", "“", "”": result += "\""
            case "‘", "’": result += "'"
            case "…": result += "..."
            case "—", "–": result += "-"
            case "·": result += "-"
            default: result.append(character)
            }
        }
        return result
    }

    // MARK: Styles

    private func colored(_ fg: TerminalColor, bold: Bool = false, dim: Bool = false) -> Style {
        Style(foreground: color ? fg : .default, bold: bold, dim: dim)
    }

    public func border(focused: Bool) -> Style {
        focused ? colored(.cyan, bold: true) : colored(.default, dim: !color)
    }

    public func paneTitle(focused: Bool) -> Style {
        focused ? Style(foreground: color ? .black : .default, background: color ? .cyan : .default,
                        bold: !color, reverse: !color)
            : Style(bold: true)
    }

    public func status(_ status: Product.Status) -> Style {
        switch status {
        case .available: return colored(.green, bold: true)
        case .booked: return colored(.cyan, bold: true)
        case .unavailable: return colored(.red, dim: !color)
        }
    }

    public func activity(_ kind: ActivityEntry.Kind) -> Style {
        switch kind {
        case .booking: return colored(.green)
        case .queue: return colored(.magenta)
        case .delivery: return colored(.cyan)
        case .failure: return colored(.red, bold: true)
        case .operatorAction: return colored(.yellow)
        case .info: return .plain
        }
    }

    public func activityMark(_ kind: ActivityEntry.Kind) -> String {
        switch kind {
        case .booking: return "B"
        case .queue: return "Q"
        case .delivery: return "D"
        case .failure: return "!"
        case .operatorAction: return "K"
        case .info: return "i"
        }
    }

    public var columnHeader: Style { Style(bold: true, underline: !color).with { $0.foreground = color ? .yellow : .default } }
    /// The selection bar: a background colour (cells keep their own colours on it), or
    /// reverse video in monochrome.
    public var selectedRow: Style { color ? Style(foreground: .white, background: .blue) : Style(reverse: true) }

    /// A cell's own style on a row's base style (the selection bar).
    public func on(_ base: Style, _ style: Style) -> Style {
        style.with {
            if base.background != .default { $0.background = base.background }
            if $0.foreground == .default { $0.foreground = base.foreground }
            $0.reverse = $0.reverse || base.reverse
        }
    }
    public var highlightedTitle: Style { colored(.yellow, bold: true).with { $0.underline = !color } }
    public var dimmed: Style { Style(dim: true) }
    /// Why a queue is not booked here though a product looks like its title.
    public var nearTitle: Style { colored(.yellow) }
    public var headerBar: Style { Style(foreground: color ? .white : .default, background: color ? .blue : .default, reverse: !color) }
    public var headerLabel: Style { headerBar.with { $0.bold = true } }
    public var headerValue: Style { headerBar }
    public func linkStyle(ok: Bool, failing: Bool) -> Style {
        guard color else { return headerBar.with { $0.bold = failing } }
        return headerBar.with { $0.foreground = ok ? .green : (failing ? .red : .yellow); $0.bold = true }
    }
    public var badge: Style { Style(foreground: color ? .black : .default, background: color ? .yellow : .default, bold: true, reverse: !color) }
    public var footerKey: Style { Style(foreground: color ? .black : .default, background: color ? .cyan : .default, reverse: !color) }
    public var footerText: Style { .plain }
    public var info: Style { colored(.green) }
    public var error: Style { colored(.red, bold: true) }
    public var overlay: Style { .plain }
    public var overlayBorder: Style { colored(.yellow, bold: true) }
    public var helpKey: Style { colored(.cyan, bold: true) }
}
