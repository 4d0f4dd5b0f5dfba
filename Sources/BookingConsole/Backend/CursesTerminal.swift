import CNcursesw
import Foundation
import Glibc
import Synchronization

/// What the terminal tells the console.
public enum TerminalEvent: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    /// The size at start and after every resize.
    case resized(Size)
    /// The terminal went away: the console stops, whatever key quits.
    case hangUp
}

public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
}

/// The one thread that owns curses, from `newterm` to `endwin`. Others post grids with
/// `show`, which only stores the newest one and rings a wake-up pipe; the thread sleeps in
/// `poll` on that pipe and the keyboard, so an idle console uses no CPU.
public final class CursesTerminal: Sendable {
    private struct Mailbox {
        var grid: Grid?
        var stopping = false
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let mailbox = Mutex(Mailbox())
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let color: Bool
    private let mouse: Bool
    private let continuation: AsyncStream<TerminalEvent>.Continuation
    public let events: AsyncStream<TerminalEvent>

    /// `mouse`: ask the terminal for mouse reports (`--no-mouse` leaves selecting text to it).
    public init(color: Bool, mouse: Bool = false) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TerminalError(description: "cannot create a pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        self.color = color
        self.mouse = mouse
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Starts the curses thread; returns once curses is set up (or failed to be).
    public func start() async throws {
        let started: Result<Void, TerminalError> = await withCheckedContinuation { ready in
            let thread = Thread { [self] in self.main(ready: ready) }
            thread.name = "curses"
            thread.start()
        }
        try started.get()
    }

    /// Replaces whatever grid is waiting to be drawn.
    public func show(_ grid: Grid) {
        mailbox.withLock { $0.grid = grid }
        wake()
    }

    /// Ends curses (the terminal is restored when this returns) and the event stream.
    public func stop() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let already = mailbox.withLock { mailbox -> Bool in
                if mailbox.stopped { return true }
                mailbox.stopping = true
                mailbox.waiters.append(done)
                return false
            }
            if already { done.resume() } else { wake() }
        }
    }

    private func wake() {
        var byte: UInt8 = 0x57 // "W"
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: The curses thread

    /// Makes the character type UTF-8 for curses if the locale is not (`LANG=C`): in a
    /// single-byte locale ncursesw shows no character beyond ASCII at all, so every Cyrillic
    /// title was blank. False when no UTF-8 locale is installed.
    static func useUTF8Characters() -> Bool {
        setlocale(LC_ALL, "")
        if bm_is_utf8_locale() != 0 { return true }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"] {
            if setlocale(LC_CTYPE, name) != nil, bm_is_utf8_locale() != 0 { return true }
        }
        setlocale(LC_CTYPE, "")
        return false
    }

    private func main(ready: CheckedContinuation<Result<Void, TerminalError>, Never>) {
        let utf8 = Self.useUTF8Characters()
        TerminalGuard.install(wake: wakeWrite)
        guard let screen = bm_newterm() else {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? "(unset)"
            ready.resume(returning: .failure(TerminalError(description: "cannot start curses for TERM=\(term); "
                + "set TERM to your terminal's type, or run with --headless")))
            finish()
            return
        }
        TerminalGuard.cursesActive.store(true, ordering: .sequentiallyConsistent)
        TerminalGuard.chainResize()
        raw()
        noecho()
        nonl()
        keypad(bm_stdscr(), true)
        // Home and End as tmux, screen and rxvt send them, whatever TERM claims; otherwise they
        // arrive as Esc followed by text, and "1" of "\e[1~" would switch panes.
        for (sequence, key) in [("\u{1B}[1~", KEY_HOME), ("\u{1B}[4~", KEY_END), ("\u{1B}[7~", KEY_HOME),
                                ("\u{1B}[8~", KEY_END), ("\u{1B}[H", KEY_HOME), ("\u{1B}[F", KEY_END),
                                ("\u{1B}OH", KEY_HOME), ("\u{1B}OF", KEY_END)] {
            if key_defined(sequence) == 0 { define_key(sequence, key) }
        }
        nodelay(bm_stdscr(), true)
        bm_set_escdelay(25)
        curs_set(0)
        let useColor = color && has_colors()
        if useColor {
            start_color()
            use_default_colors()
        }
        if mouse { _ = CursesMouse.enable() }
        refresh()
        ready.resume(returning: .success(()))

        var painter = CursesPainter(color: useColor, asciiOnly: !utf8)
        var size = currentSize()
        continuation.yield(.resized(size))
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            let polled = poll(&fds, nfds_t(fds.count), -1)
            if polled < 0, errno != EINTR { break }
            drainWakePipe()
            // A resize reallocates curses' screen (cutting what no longer fits), even when it
            // ends at the size painted last: the next paint copies every cell.
            if readKeys(&size) { painter.invalidate() }
            let newSize = currentSize()
            if newSize != size {
                size = newSize
                continuation.yield(.resized(size))
                painter.invalidate()
            }
            let (grid, stopping) = mailbox.withLock { mailbox -> (Grid?, Bool) in
                defer { mailbox.grid = nil }
                return (mailbox.grid, mailbox.stopping)
            }
            if stopping { break }
            if let grid { painter.paint(grid) }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                // The terminal went away: nothing more to read, so ask to quit (not with a key:
                // a config file may have bound Ctrl-C to something else).
                continuation.yield(.hangUp)
                fds[0].fd = -1
            }
        }
        if mouse { CursesMouse.disable() }
        TerminalGuard.unchainResize()
        TerminalGuard.restore()
        delscreen(screen)
        finish()
    }

    private func finish() {
        continuation.finish()
        let waiters = mailbox.withLock { mailbox -> [CheckedContinuation<Void, Never>] in
            mailbox.stopped = true
            defer { mailbox.waiters = [] }
            return mailbox.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    /// Reads the keys waiting; true when a resize was among them.
    private func readKeys(_ size: inout Size) -> Bool {
        var value: wint_t = 0
        var resized = false
        while true {
            let code = wget_wch(bm_stdscr(), &value)
            if code == ERR { return resized }
            if code == bm_key_code_yes(), Int32(value) == KEY_RESIZE {
                size = currentSize()
                continuation.yield(.resized(size))
                resized = true
                continue
            }
            if code == bm_key_code_yes(), Int32(value) == bm_key_mouse() {
                if let event = CursesMouse.read() { continuation.yield(.mouse(event)) }
                continue
            }
            if let key = CursesKeys.key(code: code, value: value) { continuation.yield(.key(key)) }
        }
    }

    private func currentSize() -> Size {
        Size(width: Int(bm_cols()), height: Int(bm_lines()))
    }
}
