import BookingCore
import Foundation

extension ConsoleState {
    /// Handles one key: filter typing and the help overlay first, then the keymap. Returns the
    /// effect for the monitor to execute, if the key asks for one.
    public mutating func handle(_ key: Key, model: ConsoleModel, keymap: Keymap = .standard, now: Date) -> Effect? {
        // Below the minimum size nothing is visible, a prompt included: only the quit keys act.
        if Layout(size: size).isTooSmall { return keymap.command(for: key) == .quit ? .quit : nil }
        if editingFilter { return editFilter(key, model: model) }
        if customerPrompt != nil { return editCustomerPrompt(key, now: now) }
        if commandLine != nil { return editCommandLine(key, model: model, now: now) }
        if stockPrompt != nil { return editStockPrompt(key, model: model, now: now) }
        if let confirmation {
            self.confirmation = nil
            if key == .character("y") || key == .character("Y") { return confirmation.effect }
            if keymap.command(for: key) == .quit, key != .character("q") { return .quit }
            show(confirmation.declined, now: now)
            return nil
        }
        if outboxShown {
            if let command = keymap.command(for: key), command == .quit { return .quit }
            outboxShown = false
            return nil
        }
        if helpShown {
            // Any key closes the help; the quit keys still quit.
            if let command = keymap.command(for: key), command == .quit { return .quit }
            helpShown = false
            return nil
        }
        guard let command = keymap.command(for: key) else { return nil }
        if view != nil { return applyInView(command, model: model, now: now) }
        return apply(command, model: model, now: now)
    }

    /// Inside a view: moving scrolls it (in a queue, moves the selected customer), `Enter` on
    /// a queued customer opens that customer, `Esc` goes back, `c` asks for another customer,
    /// `?` and `q` work as everywhere; keys that change state act on the dashboard only.
    mutating func applyInView(_ command: Command, model: ConsoleModel, now: Date) -> Effect? {
        guard let view else { return nil }
        let content = model.content(for: view, timeZone: .current, width: size.width)
        let rows = max(1, ViewLayout(size: size).bodyRows)
        switch command {
        case .moveUp: moveView(by: -1, content, rows: rows)
        case .moveDown: moveView(by: 1, content, rows: rows)
        case .pageUp: moveView(by: -rows, content, rows: rows)
        case .pageDown: moveView(by: rows, content, rows: rows)
        case .top: moveView(by: -content.count, content, rows: rows)
        case .bottom: moveView(by: content.count, content, rows: rows)
        case .clearFilter: closeView()
        case .open:
            if let customer = content.customer(viewCursor.selected) { openView(.customer(customer)) }
        case .askCustomer: customerPrompt = ""
        case .toggleHelp: helpShown.toggle()
        case .openCommandLine: commandLine = CommandLineEditor()
        case .quit: return .quit
        default:
            show("Esc goes back to the dashboard first", kind: .error, now: now)
        }
        return nil
    }

    mutating func openView(_ view: ConsoleView) {
        views.append(view)
        viewCursor = Cursor()
    }

    mutating func closeView() {
        views.removeLast()
        viewCursor = Cursor()
    }

    /// A selectable view (a queue) moves its selection and keeps it on screen; the others
    /// scroll their lines.
    private mutating func moveView(by delta: Int, _ content: DetailContent, rows: Int) {
        let count = content.count
        if content.selectable {
            viewCursor.selected = max(0, min(viewCursor.selected + delta, count - 1))
            if viewCursor.selected < viewCursor.offset { viewCursor.offset = viewCursor.selected }
            if viewCursor.selected >= viewCursor.offset + rows { viewCursor.offset = viewCursor.selected - rows + 1 }
        } else {
            viewCursor.offset = max(0, min(viewCursor.offset + delta, count - rows))
            viewCursor.selected = viewCursor.offset
        }
    }

    private mutating func editCustomerPrompt(_ key: Key, now: Date) -> Effect? {
        let typed = customerPrompt ?? ""
        switch key {
        case .escape, .control("c"):
            customerPrompt = nil
        case .backspace:
            customerPrompt = String(typed.dropLast())
        case .enter:
            customerPrompt = nil
            guard let id = Int32(typed.trimmingCharacters(in: .whitespaces)) else {
                show("a customer id is a whole number, got \"\(typed)\"", kind: .error, now: now)
                return nil
            }
            openView(.customer(id))
        case .character(let c) where c.isASCII && c.isNumber || c == "-":
            if typed.count < 11 { customerPrompt = typed + String(c) }
        default:
            break
        }
        return nil
    }

    /// Applies a command to the view; commands that change the monitor become effects.
    public mutating func apply(_ command: Command, model: ConsoleModel, now: Date) -> Effect? {
        if command.changesState, readonly {
            show("read-only: \(Self.describe(command)) is off (--readonly)", kind: .error, now: now)
            return nil
        }
        let layout = Layout(size: size)
        // Below the minimum size nothing is visible to act on: only quitting works.
        if layout.isTooSmall, command != .quit { return nil }
        let page = max(1, layout.listRows(focus))
        switch command {
        case .moveUp: move(by: -1, model: model)
        case .moveDown: move(by: 1, model: model)
        case .pageUp: move(by: -page, model: model)
        case .pageDown: move(by: page, model: model)
        case .top: move(to: 0, model: model)
        case .bottom: move(to: model.count(of: focus) - 1, model: model)
        case .nextPane: focus = Pane(rawValue: (focus.rawValue + 1) % Pane.allCases.count)!
        case .previousPane: focus = Pane(rawValue: (focus.rawValue + Pane.allCases.count - 1) % Pane.allCases.count)!
        case .focus(let pane): focus = pane
        case .toggleHelp: helpShown.toggle()
        case .toggleOutbox: outboxShown.toggle()
        case .startFilter:
            editingFilter = true
            focus = .products
        case .clearFilter:
            if !filter.isEmpty { setFilter("") }
        case .quit: return .quit
        case .open:
            switch focus {
            case .products:
                guard let product = model.product(at: cursor(.products).selected) else {
                    show("no product selected", kind: .error, now: now)
                    return nil
                }
                openView(.product(product.id))
            case .queues:
                guard model.snapshot.queues.queues.indices.contains(cursor(.queues).selected) else {
                    show("no queue selected", kind: .error, now: now)
                    return nil
                }
                openView(.queue(model.snapshot.queues.queues[cursor(.queues).selected].title))
            case .activity:
                show("Enter opens a product (press 1) or a queue (press 2)", kind: .error, now: now)
            }
        case .askCustomer: customerPrompt = ""
        case .openCommandLine: commandLine = CommandLineEditor()
        case .toggleMark: toggleMark(model: model, now: now)
        case .markRange: markRange(model: model, now: now)
        case .markAll: markAllShown(model: model, now: now)
        case .clearMarks: clearMarks(now: now)
        case .sortNext: sortNextColumn(now: now)
        case .sortReverse: reverseSort(now: now)
        case .sortBy(let column): sortBy(column, ascending: nil, now: now)
        case .undo: return undoLast(model: model, now: now)
        case .stockArrived:
            guard focus == .products, let product = model.product(at: cursor(.products).selected) else {
                show("select a product in Products (press 1): its title's stock arrived", kind: .error, now: now)
                return nil
            }
            stockPrompt = StockPrompt(title: product.title)
        case .togglePause: return .setPaused(!model.snapshot.paused)
        case .resend: return .resend
        case .toggleGenerators: return .toggleGenerators
        case .toggleAvailability, .setAvailable, .setUnavailable:
            guard focus == .products else {
                show("select a product in Products (press 1) to change it", kind: .error, now: now)
                return nil
            }
            if !marks.isEmpty, command != .toggleAvailability {
                return actOnMarks(available: command == .setAvailable, model: model, now: now)
            }
            guard let product = model.product(at: cursor(.products).selected) else {
                show("no product selected", kind: .error, now: now)
                return nil
            }
            let target: Bool
            switch command {
            case .setAvailable: target = true
            case .setUnavailable: target = false
            default: target = !product.isAvailable
            }
            let effect = Effect.setAvailability(productId: product.id, isAvailable: target)
            if target, let customer = product.bookedBy {
                // Available means the checker hands it to the next customer in the queue.
                confirmation = Confirmation(
                    question: "release product \(product.id) from customer \(customer)? the next in its queue gets it; the Orchestrator is not told  y/N",
                    effect: effect, declined: "product \(product.id) stays booked for customer \(customer)")
                return nil
            }
            return effect
        }
        return nil
    }

    private mutating func editFilter(_ key: Key, model: ConsoleModel) -> Effect? {
        switch key {
        case .escape, .control("c"):
            // Ctrl-C cancels the filter as Esc does (as a shell cancels a line); it quits only
            // from the dashboard.
            editingFilter = false
            setFilter("")
        case .enter:
            editingFilter = false
        case .backspace:
            if !filter.isEmpty { setFilter(String(filter.dropLast())) }
        case .control("u"):
            setFilter("")
        case .character(let c) where !(c.asciiValue.map { $0 < 0x20 } ?? false):
            setFilter(filter + String(c))
        default:
            break
        }
        return nil
    }

    mutating func setFilter(_ text: String) {
        filter = text
        cursors[.products] = Cursor()
        selectedProduct = nil
    }

    /// Selects a row of the focused pane, kept on screen.
    mutating func select(row: Int, model: ConsoleModel) {
        move(to: row, model: model)
    }

    private mutating func move(by delta: Int, model: ConsoleModel) {
        move(to: cursor(focus).selected + delta, model: model)
    }

    private mutating func move(to row: Int, model: ConsoleModel) {
        let count = model.count(of: focus)
        var cursor = cursor(focus)
        cursor.selected = max(0, min(row, count - 1))
        cursors[focus] = cursor
        scrollIntoView(focus, count: count)
        if focus == .products { selectedProduct = model.product(at: cursor.selected)?.id }
    }

    /// Keeps each pane's selection inside its list and on screen, after a change of size or of
    /// the data (a filter, a new snapshot).
    public mutating func clamp(to model: ConsoleModel) {
        for pane in Pane.allCases {
            var cursor = cursor(pane)
            if pane == .products, let id = selectedProduct, model.product(at: cursor.selected)?.id != id,
               let row = model.row(of: id) {
                cursor.selected = row  // the rows moved (a sort, a push): stay on the product
            }
            cursor.selected = max(0, min(cursor.selected, model.count(of: pane) - 1))
            cursors[pane] = cursor
            scrollIntoView(pane, count: model.count(of: pane))
            if pane == .products { selectedProduct = model.product(at: cursor.selected)?.id }
        }
    }

    private mutating func scrollIntoView(_ pane: Pane, count: Int) {
        let rows = max(1, Layout(size: size).listRows(pane))
        var cursor = cursor(pane)
        if cursor.selected < cursor.offset { cursor.offset = cursor.selected }
        if cursor.selected >= cursor.offset + rows { cursor.offset = cursor.selected - rows + 1 }
        cursor.offset = max(0, min(cursor.offset, max(0, count - rows)))
        cursors[pane] = cursor
    }

    static func describe(_ command: Command) -> String {
        switch command {
        case .toggleAvailability, .setAvailable, .setUnavailable: return "changing availability"
        case .togglePause: return "pausing"
        case .resend: return "resending"
        case .toggleGenerators: return "switching the demo's generators"
        case .undo: return "undoing"
        case .stockArrived: return "stock arriving"
        default: return "this key"
        }
    }
}
