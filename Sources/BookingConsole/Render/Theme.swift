import BookingCore

/// Glyphs and styles for one way of drawing: Unicode or ASCII, colour or monochrome. Every
/// meaning carried by colour is also carried by a letter or an attribute, so the monochrome
/// theme loses nothing.
public struct Theme: Sendable {
    public var ascii: Bool
    public var color: Bool
    /// Which colours, when `color`: monochrome ignores it.
    public var palette: Palette

    public init(ascii: Bool, color: Bool, palette: Palette = .dark) {
        self.ascii = ascii
        self.color = color
        self.palette = palette
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

    /// The colour for a meaning in this palette: dark is the original look; light keeps off
    /// yellow and cyan text (faint on white); colour-blind never sets red against green, using
    /// blue and orange, and every state also has its letter or mark.
    private func tone(_ meaning: Meaning) -> TerminalColor {
        switch (palette, meaning) {
        case (.dark, .good): return .green
        case (.dark, .booked): return .cyan
        case (.dark, .bad): return .red
        case (.dark, .warn): return .yellow
        case (.dark, .accent): return .cyan
        case (.dark, .heading): return .yellow
        case (.dark, .queue): return .magenta
        case (.light, .good): return .darkGreen
        case (.light, .booked): return .blue
        case (.light, .bad): return .red
        case (.light, .warn): return .brown
        case (.light, .accent): return .blue
        case (.light, .heading): return .blue
        case (.light, .queue): return .magenta
        case (.colourblind, .good): return .skyBlue
        case (.colourblind, .booked): return .orange
        case (.colourblind, .bad): return .orange
        case (.colourblind, .warn): return .orange
        case (.colourblind, .accent): return .skyBlue
        case (.colourblind, .heading): return .skyBlue
        case (.colourblind, .queue): return .magenta
        }
    }

    private enum Meaning { case good, booked, bad, warn, accent, heading, queue }

    public func border(focused: Bool) -> Style {
        focused ? colored(tone(.accent), bold: true) : colored(.default, dim: !color)
    }

    public func paneTitle(focused: Bool) -> Style {
        guard focused else { return Style(bold: true) }
        guard color else { return Style(bold: true, reverse: true) }
        return palette == .dark ? Style(foreground: .black, background: .cyan) : Style(foreground: .white, background: .blue)
    }

    public func status(_ status: Product.Status) -> Style {
        switch status {
        case .available: return colored(tone(.good), bold: true)
        case .booked: return colored(tone(.booked), bold: true)
        case .unavailable:
            // Colour-blind: unavailable is the quiet state, told by its letter, not by a colour.
            return palette == .colourblind && color ? Style(dim: true) : colored(tone(.bad), dim: !color)
        }
    }

    public func activity(_ kind: ActivityEntry.Kind) -> Style {
        switch kind {
        case .booking: return colored(tone(.good))
        case .queue: return colored(tone(.queue))
        case .delivery: return colored(tone(.booked))
        case .failure: return colored(tone(.bad), bold: true)
        case .operatorAction: return colored(tone(.warn))
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

    public var columnHeader: Style { Style(bold: true, underline: !color).with { $0.foreground = color ? tone(.heading) : .default } }
    /// The selection bar: a background colour (cells keep their own colours on it), or
    /// reverse video in monochrome.
    public var selectedRow: Style { color ? Style(foreground: .white, background: .blue) : Style(reverse: true) }

    /// A cell's own style on a row's base style (the selection bar).
    public func on(_ base: Style, _ style: Style) -> Style {
        style.with {
            if base.background != .default { $0.background = base.background }
            if $0.foreground == .default { $0.foreground = base.foreground }
            $0.reverse = $0.reverse || base.reverse
            // On the bright bar of a change, every cell's text is black: cyan or orange on
            // yellow cannot be read. The letters still tell the states.
            // On the selection bar (blue), the light and colour-blind palettes' blues and the
            // dimmed grey could not be read: white text there, the letters tell the states.
            if color, base == selectedRow, palette != .dark || $0.foreground == base.background {
                $0.foreground = .white
                $0.dim = false
            }
            if color, base == changedRow {
                $0.foreground = .pureBlack
                $0.dim = false
                $0.underline = false
            }
        }
    }
    public var highlightedTitle: Style {
        colored(palette == .dark ? .yellow : .magenta, bold: true).with { $0.underline = !color }
    }
    public var dimmed: Style { Style(dim: true) }
    /// Why a queue is not booked here though a product looks like its title.
    public var nearTitle: Style { colored(tone(.warn)) }
    public var headerBar: Style { Style(foreground: color ? .white : .default, background: color ? .blue : .default, reverse: !color) }
    public var headerLabel: Style { headerBar.with { $0.bold = true } }
    public var headerValue: Style { headerBar }
    public func linkStyle(ok: Bool, failing: Bool) -> Style {
        guard color else { return headerBar.with { $0.bold = failing } }
        // On the blue bar: colour-blind says ok in white and trouble in orange, never red/green.
        let ok2: TerminalColor = palette == .colourblind ? .white : .green
        let bad: TerminalColor = palette == .colourblind ? .orange : .red
        let warn: TerminalColor = palette == .colourblind ? .orange : .yellow
        return headerBar.with { $0.foreground = ok ? ok2 : (failing ? bad : warn); $0.bold = true }
    }
    public var badge: Style { Style(foreground: color ? .black : .default, background: color ? .yellow : .default, bold: true, reverse: !color) }
    public var footerKey: Style {
        guard color else { return Style(reverse: true) }
        return palette == .dark ? Style(foreground: .black, background: .cyan) : Style(foreground: .white, background: .blue)
    }
    public var footerText: Style { .plain }
    public var info: Style { colored(tone(.good)) }
    public var error: Style { colored(tone(.bad), bold: true) }
    public var overlay: Style { .plain }
    public var overlayBorder: Style { colored(palette == .dark ? .yellow : .blue, bold: true) }
    public var helpKey: Style { colored(tone(.accent), bold: true) }

    /// A row that changed a moment ago (`ConsoleModel.changedRecently`): a background in colour,
    /// underline in monochrome, and the `changedMark` glyph either way.
    public var changedRow: Style {
        guard color else { return Style(bold: true, underline: true) }
        return Style(foreground: .pureBlack, background: palette == .colourblind ? .orange : .yellow)
    }
    public var changedMark: String { ascii ? "*" : "•" }
    public var sparkline: Style { headerBar.with { $0.bold = true } }
}
