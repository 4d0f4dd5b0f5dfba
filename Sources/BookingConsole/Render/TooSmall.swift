/// Replaces the layout below the minimum size; the layout returns when the terminal grows.
struct TooSmall {
    var settings: RenderSettings
    var keymap: Keymap

    func draw(into grid: inout Grid, size: Size) {
        let theme = settings.theme
        let minimum = Layout.minimum
        let lines = [
            "terminal too small",
            "need \(minimum.width)\(theme.times)\(minimum.height), have \(size.width)\(theme.times)\(size.height)",
            "\(keymap.bindings.first { $0.command == .quit }?.keyLabel(ascii: settings.ascii) ?? "q") quits",
        ]
        let top = max(0, (size.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let width = DisplayWidth.of(line)
            grid.write(line, x: max(0, (size.width - width) / 2), y: top + offset,
                       style: offset == 0 ? theme.error : .plain)
        }
    }
}
