/// A row of bars, one character a value, scaled to the largest: `▁▂▃▄▅▆▇█` (ASCII:
/// `_.-~=+*#`). Zero is a blank, so an idle minute is told from a slow one.
public enum Sparkline {
    static let unicode: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let ascii: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    public static func text(_ values: [Int], ascii: Bool) -> String {
        let levels = ascii ? Self.ascii : Self.unicode
        let top = values.max() ?? 0
        return String(values.map { value -> Character in
            guard value > 0, top > 0 else { return " " }
            // 1 … top onto the eight levels; the largest is always the full bar.
            let level = (value * levels.count + top - 1) / top - 1
            return levels[max(0, min(levels.count - 1, level))]
        })
    }
}
