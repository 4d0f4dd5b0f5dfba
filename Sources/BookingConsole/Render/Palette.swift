/// The colour themes (`--theme`, `theme =` in config.toml). Monochrome (`--no-color`,
/// `NO_COLOR`) is not one of them: it turns colour off whatever the theme.
public enum Palette: String, Sendable, CaseIterable {
    /// The original colours, for a dark background.
    case dark
    /// For a white background: no yellow or cyan text, darker green and brown from the
    /// 256-colour palette.
    case light
    /// Blue and orange, never red against green; states keep their letters and marks.
    case colourblind

    /// Also accepts the American spelling.
    public init?(name: String) {
        let lower = name.lowercased()
        if lower == "colorblind" { self = .colourblind; return }
        self.init(rawValue: lower)
    }

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
