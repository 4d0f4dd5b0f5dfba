import CNcursesw
import Glibc
import Synchronization

/// Puts the terminal back however the process ends: `endwin` at exit, and on a crash signal
/// before the previous handler (the Swift backtracer, or the default) runs. Also turns
/// SIGWINCH into a wake-up for the curses thread, which may be blocked in `poll` while the
/// signal lands on another thread.
enum TerminalGuard {
    /// True between `newterm` and `endwin`.
    static let cursesActive = Atomic<Bool>(false)

    /// Only these globals are touched from signal handlers; they are written before the
    /// handlers are installed.
    nonisolated(unsafe) private static var wakeFD: Int32 = -1
    nonisolated(unsafe) private static var previousWinch = sigaction()
    nonisolated(unsafe) private static var previousFatal: [Int32: sigaction] = [:]
    private static let installed = Atomic<Bool>(false)

    static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    /// Installs the handlers once per process. `wake` is the write end of the curses thread's
    /// wake-up pipe.
    static func install(wake: Int32) {
        wakeFD = wake
        guard !installed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        atexit { TerminalGuard.restore() }
        for signal in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                TerminalGuard.restore()
                // Hand the signal to whoever handled it before us: returning re-runs the
                // faulting instruction (or abort re-raises) with that handler in place.
                if var previous = TerminalGuard.previousFatal[signal] {
                    sigaction(signal, &previous, nil)
                } else {
                    Glibc.signal(signal, SIG_DFL)
                }
            }
            sigemptyset(&action.sa_mask)
            var previous = sigaction()
            sigaction(signal, &action, &previous)
            previousFatal[signal] = previous
        }
    }

    /// Chains a SIGWINCH handler in front of ncurses' own (which must already be installed by
    /// `newterm`): ncurses records the resize, we wake the curses thread so it reads it.
    static func chainResize() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var byte: UInt8 = 0x52 // "R"
            if TerminalGuard.wakeFD >= 0 { _ = write(TerminalGuard.wakeFD, &byte, 1) }
            if let handler = TerminalGuard.previousWinch.__sigaction_handler.sa_handler,
               unsafeBitCast(handler, to: Int.self) > 1 { // not SIG_DFL (0) or SIG_IGN (1)
                handler(signal)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(SA_RESTART)
        sigaction(SIGWINCH, &action, &previousWinch)
    }

    /// Puts ncurses' own SIGWINCH handler back and stops writing to the wake-up pipe, which
    /// is closed after this (its descriptor number may be reused).
    static func unchainResize() {
        sigaction(SIGWINCH, &previousWinch, nil)
        wakeFD = -1
    }

    static func restore() {
        if cursesActive.exchange(false, ordering: .sequentiallyConsistent) {
            endwin()
        }
    }
}
