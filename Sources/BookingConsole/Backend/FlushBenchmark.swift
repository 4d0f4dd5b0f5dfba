import CNcursesw
import Foundation

/// For `booking-bench frame`: the real backend (`CursesPainter` into a curses screen, then
/// `doupdate`) with the terminal output sent to /dev/null, so a frame's cost is measured
/// without a terminal emulator drawing it.
public enum CursesFlushBenchmark {
    /// Paints `grids` in turn, `rounds` times in all; returns the seconds each paint took.
    /// `everyCell`: the painter forgets the screen before each paint and copies every cell,
    /// as on the first frame and after a resize.
    public static func measure(_ grids: [Grid], rounds: Int, everyCell: Bool = false) -> [Double]? {
        guard let first = grids.first else { return [] }
        setenv("LINES", "\(first.height)", 1)
        setenv("COLUMNS", "\(first.width)", 1)
        setlocale(LC_ALL, "C.UTF-8")
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else { return nil }
        defer { fclose(output); fclose(input) }
        guard let screen = newterm("xterm-256color", output, input) else { return nil }
        defer { delscreen(screen) }
        start_color()
        use_default_colors()
        var painter = CursesPainter(color: true)
        var seconds: [Double] = []
        seconds.reserveCapacity(rounds)
        for round in 0..<rounds {
            if everyCell { painter.invalidate() }
            let start = DispatchTime.now().uptimeNanoseconds
            painter.paint(grids[round % grids.count])
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        endwin()
        return seconds
    }
}
