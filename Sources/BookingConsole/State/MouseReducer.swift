import Foundation

extension ConsoleState {
    /// A click on the Products column heading (`x` from the left of the pane's inside, `width`
    /// of it): sort by the column under it (a second click reverses); nil on the description
    /// or a gap.
    static func headingCommand(x: Int, width: Int, model: ConsoleModel) -> Command? {
        productColumn(atX: x, width: width, model: model).map(Command.sortBy)
    }

    /// Handles one mouse report: a click selects the row under it and focuses its pane, a
    /// double click opens it (as `Enter`), the wheel scrolls the pane under the pointer.
    /// Overlays, prompts and questions close or stay as a key would leave them: a click
    /// while one is up only closes the help and the outbox.
    public mutating func handle(_ mouse: MouseEvent, model: ConsoleModel, keymap: Keymap = .standard,
                                now: Date) -> Effect? {
        if editingFilter || customerPrompt != nil || confirmation != nil { return nil }
        if helpShown || outboxShown {
            if mouse.action == .click || mouse.action == .doubleClick {
                helpShown = false
                outboxShown = false
            }
            return nil
        }
        var viewLines = 0
        var selectable = false
        if let view {
            let content = model.content(for: view, timeZone: .current, width: size.width)
            viewLines = content.count
            selectable = content.selectable
        }
        let counts = Dictionary(uniqueKeysWithValues: Pane.allCases.map { ($0, model.count(of: $0)) })
        let target = HitTest.target(x: mouse.x, y: mouse.y, state: self, counts: counts, viewLines: viewLines,
                                    viewSelectable: selectable)
        // ncurses pairs two clicks by time alone (`mouseinterval`, 250 ms) and reports the pair
        // as one double click at the second: the first click's row is not known here.
        switch (mouse.action, target) {
        case (.wheelUp, .row(let pane, _)), (.wheelUp, .pane(let pane)):
            focus = pane
            return apply(.moveUp, repeated: MouseEvent.wheelRows, model: model, now: now)
        case (.wheelDown, .row(let pane, _)), (.wheelDown, .pane(let pane)):
            focus = pane
            return apply(.moveDown, repeated: MouseEvent.wheelRows, model: model, now: now)
        case (.wheelUp, .productsHeading), (.wheelDown, .productsHeading):
            focus = .products
            return apply(mouse.action == .wheelUp ? .moveUp : .moveDown, repeated: MouseEvent.wheelRows,
                         model: model, now: now)
        case (.wheelUp, .viewLine), (.wheelDown, .viewLine):
            return apply(mouse.action == .wheelUp ? .moveUp : .moveDown, repeated: MouseEvent.wheelRows,
                         model: model, now: now)
        case (.click, .row(let pane, let row)), (.doubleClick, .row(let pane, let row)):
            focus = pane
            select(row: row, model: model)  // by row, and in Products by product (kept through a sort)
            return mouse.action == .doubleClick ? apply(.open, model: model, now: now) : nil
        case (.click, .pane(let pane)), (.doubleClick, .pane(let pane)):
            focus = pane
        case (.click, .productsHeading(let x, let width)), (.doubleClick, .productsHeading(let x, let width)):
            focus = .products
            if let command = Self.headingCommand(x: x, width: width, model: model) { return apply(command, model: model, now: now) }
        case (.click, .viewLine(let line)), (.doubleClick, .viewLine(let line)):
            guard selectable else { return nil }
            viewCursor.selected = line
            if mouse.action == .doubleClick { return applyInView(.open, model: model, now: now) }
        case (_, .nothing):
            break
        }
        return nil
    }

    private mutating func apply(_ command: Command, repeated times: Int, model: ConsoleModel, now: Date) -> Effect? {
        for _ in 0..<times {
            if view != nil { _ = applyInView(command, model: model, now: now) } else { _ = apply(command, model: model, now: now) }
        }
        return nil
    }
}
