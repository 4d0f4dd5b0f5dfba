/// A mouse report as the console understands it, independent of curses' `MEVENT`: where (a
/// cell of the grid, 0-based) and what. ncurses decodes the terminal's reports (SGR 1006 or
/// X10, whichever the terminfo entry names) and groups press and release into clicks.
public struct MouseEvent: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case click
        case doubleClick
        case wheelUp
        case wheelDown
    }

    public var action: Action
    public var x: Int
    public var y: Int

    public init(_ action: Action, x: Int, y: Int) {
        self.action = action
        self.x = x
        self.y = y
    }

    /// Rows one notch of the wheel moves.
    public static let wheelRows = 3
}
