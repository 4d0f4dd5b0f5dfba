/// The eight terminal colours curses knows, the terminal's own default, and three of the
/// 256-colour palette for the light and colour-blind themes (each falls back to one of the
/// eight on a terminal with fewer colours).
public enum TerminalColor: Int, Sendable, Hashable, CaseIterable {
    case `default` = -1
    case black = 0, red, green, yellow, blue, magenta, cyan, white
    /// #000000 from the colour cube: black text on the bright bars, which a terminal's own
    /// colour 0 (often a dark grey in a theme) is not.
    case pureBlack = 16
    /// #5fafff: the colour-blind theme's blue, readable on a dark background.
    case skyBlue = 75
    /// #008700: green that reads on a white background.
    case darkGreen = 28
    /// #af5f00: a warning colour that reads on white (yellow does not).
    case brown = 130
    /// #ff8700: the colour-blind theme's second colour beside blue.
    case orange = 208

    /// The colour on a terminal with `colors` colours.
    public func on(colors: Int) -> TerminalColor {
        guard rawValue >= colors else { return self }
        switch self {
        case .darkGreen: return .green
        case .pureBlack: return .black
        case .skyBlue: return .blue
        case .brown, .orange: return .yellow
        default: return .default
        }
    }
}

/// How a cell looks. Colours are dropped by the monochrome theme, so every state must also be
/// visible through a letter or one of the attributes.
public struct Style: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()

    public func with(_ change: (inout Style) -> Void) -> Style {
        var copy = self
        change(&copy)
        return copy
    }

    public var isPlain: Bool { self == .plain }
}
