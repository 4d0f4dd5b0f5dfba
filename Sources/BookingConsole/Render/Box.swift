extension Grid {
    /// A bordered pane with a title in the top border and an optional note in the bottom one.
    mutating func box(_ rect: Rect, title: String, note: String? = nil, focused: Bool, theme: Theme) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let border = theme.border(focused: focused)
        let right = rect.x + rect.width - 1, bottom = rect.y + rect.height - 1
        for x in rect.x + 1..<right {
            write(theme.horizontal, x: x, y: rect.y, style: border)
            write(theme.horizontal, x: x, y: bottom, style: border)
        }
        for y in rect.y + 1..<bottom {
            write(theme.vertical, x: rect.x, y: y, style: border)
            write(theme.vertical, x: right, y: y, style: border)
        }
        write(theme.topLeft, x: rect.x, y: rect.y, style: border)
        write(theme.topRight, x: right, y: rect.y, style: border)
        write(theme.bottomLeft, x: rect.x, y: bottom, style: border)
        write(theme.bottomRight, x: right, y: bottom, style: border)
        fill(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 2)
        let room = rect.width - 4
        if room > 0 {
            write(Text.fit(" \(title) ", columns: min(room, DisplayWidth.of(title) + 2), ellipsis: theme.ellipsis),
                  x: rect.x + 2, y: rect.y, style: theme.paneTitle(focused: focused), limit: room)
        }
        if let note, room > 0 {
            let text = Text.prefix(" \(note) ", columns: room)
            write(text, x: right - 1 - DisplayWidth.of(text), y: bottom, style: border)
        }
    }
}
