import Foundation

/// The message line (a message, the filter being typed, or the read-only notice) and the
/// footer of key hints, drawn from the keymap.
struct Footer {
    var state: ConsoleState
    var settings: RenderSettings
    var keymap: Keymap
    var now: Date

    func drawMessage(into grid: inout Grid, _ rect: Rect) {
        let theme = settings.theme
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1)
        if state.editingFilter {
            var x = rect.x
            x += grid.write(" filter: ", x: x, y: rect.y, style: Style(bold: true))
            x += grid.write(state.filter, x: x, y: rect.y, style: theme.highlightedTitle, limit: rect.width - x - 1)
            grid.write(theme.cursor, x: x, y: rect.y, style: Style(bold: true))
            grid.write("   Enter keep  Esc clear", x: x + 1, y: rect.y, style: theme.dimmed, limit: rect.x + rect.width - x - 1)
        } else if let typed = state.customerPrompt {
            var x = rect.x
            x += grid.write(" customer id: ", x: x, y: rect.y, style: Style(bold: true))
            x += grid.write(typed, x: x, y: rect.y, style: theme.highlightedTitle, limit: rect.width - x - 1)
            grid.write(theme.cursor, x: x, y: rect.y, style: Style(bold: true))
            grid.write("   Enter show  Esc cancel", x: x + 1, y: rect.y, style: theme.dimmed, limit: rect.x + rect.width - x - 1)
        } else if let editor = state.commandLine {
            var x = rect.x
            x += grid.write(" :", x: x, y: rect.y, style: Style(bold: true))
            x += grid.write(editor.text, x: x, y: rect.y, style: theme.highlightedTitle, limit: rect.width - x - 1)
            grid.write(theme.cursor, x: x, y: rect.y, style: Style(bold: true))
            let help = editor.candidates.isEmpty ? "   Enter run  Tab complete  Up/Down history  Esc cancel"
                : "   " + editor.candidates.joined(separator: " ")
            grid.write(help, x: x + 1, y: rect.y, style: theme.dimmed, limit: rect.x + rect.width - x - 1)
        } else if let prompt = state.stockPrompt {
            var x = rect.x
            x += grid.write(" stock arrived for «\(prompt.title)», copies: ", x: x, y: rect.y, style: Style(bold: true),
                            limit: rect.width - 12)
            x += grid.write(prompt.typed, x: x, y: rect.y, style: theme.highlightedTitle, limit: rect.width - x - 1)
            grid.write(theme.cursor, x: x, y: rect.y, style: Style(bold: true))
            grid.write("   Enter go  Esc cancel", x: x + 1, y: rect.y, style: theme.dimmed,
                       limit: rect.x + rect.width - x - 1)
        } else if let confirmation = state.confirmation {
            grid.write(" " + confirmation.question, x: rect.x, y: rect.y, style: theme.error,
                       columns: rect.width, ellipsis: theme.ellipsis)
        } else if let message = state.message, message.expires > now {
            grid.write(" " + message.text, x: rect.x, y: rect.y, style: message.kind == .error ? theme.error : theme.info,
                       columns: rect.width, ellipsis: theme.ellipsis)
        } else if settings.readonly {
            grid.write(" read-only: keys that change state are off", x: rect.x, y: rect.y, style: theme.dimmed,
                       columns: rect.width)
        }
    }

    func drawHints(into grid: inout Grid, _ rect: Rect) {
        let theme = settings.theme
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1)
        var x = rect.x
        let end = rect.x + rect.width
        var hints = keymap.hints(readonly: settings.readonly, ascii: settings.ascii)
        if let view = state.view {
            // In a view the dashboard's keys wait: only these act.
            let ascii = settings.ascii
            func key(_ command: Command) -> String? { keymap.label(for: command, ascii: ascii) }
            var items: [(String?, String)] = [(key(.clearFilter), "back"), (key(.moveDown), "scroll"),
                                              (key(.pageDown), "page")]
            if case .queue = view { items.append((key(.open), "customer")) }
            items += [(key(.askCustomer), "customer id"), (key(.toggleHelp), "help"), (key(.quit), "quit")]
            hints = items.compactMap { item in item.0.map { ($0, item.1) } }
        }
        if !state.marks.isEmpty, state.view == nil {
            // What a and u act on now, first: the marks.
            hints.insert(("\(state.marks.count)", "marked (x clears)"), at: 0)
        }
        for (key, text) in hints {
            let need = DisplayWidth.of(key) + DisplayWidth.of(text) + 3
            guard x + need <= end else { break }
            x += grid.write(" \(key) ", x: x, y: rect.y, style: theme.footerKey)
            x += grid.write(" \(text) ", x: x, y: rect.y, style: theme.footerText)
        }
    }
}
