import BookingCore
import Foundation

/// The whole screen as a pure function: the monitor's state, the console's own state, a size
/// and a clock in; a grid of styled cells out. Backends copy the grid; tests read it as text.
public func render(_ model: ConsoleModel, _ state: ConsoleState, size: Size, settings: RenderSettings,
                   keymap: Keymap = .standard, now: Date) -> Grid {
    var grid = Grid(width: size.width, height: size.height)
    let layout = Layout(size: size)
    if layout.isTooSmall {
        TooSmall(settings: settings, keymap: keymap).draw(into: &grid, size: size)
        return grid
    }
    var state = state
    state.size = size
    Header(model: model, settings: settings, now: now).draw(into: &grid, layout.header)
    if let view = state.view {
        DetailView(content: model.content(for: view, timeZone: settings.timeZone, width: size.width), cursor: state.viewCursor,
                   settings: settings).draw(into: &grid, ViewLayout(size: size).box)
    } else {
        ProductsPane(model: model, state: state, settings: settings, now: now).draw(into: &grid, layout.products)
        QueuesPane(model: model, state: state, settings: settings, now: now).draw(into: &grid, layout.queues)
        ActivityPane(model: model, state: state, settings: settings).draw(into: &grid, layout.activity)
    }
    let footer = Footer(state: state, settings: settings, keymap: keymap, now: now)
    footer.drawMessage(into: &grid, layout.message)
    footer.drawHints(into: &grid, layout.footer)
    if state.outboxShown {
        OutboxOverlay(model: model, settings: settings, now: now).draw(into: &grid, size: size)
    }
    if state.helpShown {
        HelpOverlay(settings: settings, keymap: keymap).draw(into: &grid, size: size)
    }
    return grid
}
