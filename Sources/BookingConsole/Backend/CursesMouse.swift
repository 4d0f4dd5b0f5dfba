import CNcursesw

/// ncurses' own mouse support, on the curses thread. `mousemask` makes ncurses send the
/// terminal's "report the mouse" sequence (from terminfo's `XM`, else `\e[?1000h`) and decode
/// what comes back into `KEY_MOUSE` + `getmouse`; the format follows the terminfo entry:
/// xterm-256color has `kmous=\e[<` and `XM` with 1006, so reports are SGR 1006 (any column);
/// tmux-256color and screen have `kmous=\e[M` and no `XM`, so ncurses 6.4 asks for X10 reports,
/// which stop at column 223. Press and release within `mouseinterval` become a click, two
/// clicks a double click; the grouping is ncurses'.
public enum CursesMouse {
    /// Milliseconds between press and release, and between two clicks of a double click.
    static let interval: Int32 = 250

    /// Turns reporting on; false when the terminal has no mouse (no `kmous`).
    static func enable() -> Bool {
        var old: mmask_t = 0
        let granted = mousemask(bm_mouse_mask(), &old)
        guard granted != 0, has_mouse() else {
            _ = mousemask(0, nil)
            return false
        }
        _ = mouseinterval(interval)
        return true
    }

    static func disable() {
        _ = mousemask(0, nil)
    }

    /// The event `getmouse` holds after `KEY_MOUSE`; nil for buttons the console does not use.
    static func read() -> MouseEvent? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        return decode(bstate: event.bstate, x: Int(event.x), y: Int(event.y))
    }

    public static func decode(bstate: mmask_t, x: Int, y: Int) -> MouseEvent? {
        if bstate & bm_button1_double_clicked() != 0 { return MouseEvent(.doubleClick, x: x, y: y) }
        if bstate & bm_button1_clicked() != 0 { return MouseEvent(.click, x: x, y: y) }
        if bstate & bm_button4_pressed() != 0 { return MouseEvent(.wheelUp, x: x, y: y) }
        if bstate & bm_button5_pressed() != 0 { return MouseEvent(.wheelDown, x: x, y: y) }
        return nil
    }
}
