import BookingCore
import Foundation
import Logging
import ServiceLifecycle

/// The operator console as a service of the instance's group. Its `run` returns when the
/// operator quits, which shuts the whole instance down; a graceful shutdown (SIGINT, SIGTERM)
/// ends it too. Either way curses is ended and the terminal restored before `run` returns.
///
/// Redraws are driven by the monitor's change stream, coalesced to at most one per
/// `frameInterval`; keys and resizes redraw at once. With nothing changing, nothing runs.
public struct ConsoleService: Service {
    public var monitor: Monitor
    public var settings: RenderSettings
    public var retryLink: @Sendable () -> Void
    public var logger: Logger
    public var frameInterval: Duration = .milliseconds(33)
    /// `Keymap.demo` and the generators switch in `booking-monitor demo`.
    public var keymap: Keymap = .standard
    public var toggleGenerators: (@Sendable () -> Bool)?
    /// Mouse reports from the terminal (`--no-mouse` turns them off: the terminal selects text).
    public var mouse = true
    /// The command line's history across runs (`CommandHistoryFile.standard()`).
    public var historyFile: CommandHistoryFile? = .standard()

    public init(monitor: Monitor, settings: RenderSettings, retryLink: @escaping @Sendable () -> Void, logger: Logger) {
        self.monitor = monitor
        self.settings = settings
        self.retryLink = retryLink
        self.logger = logger
    }

    private enum Event: Sendable {
        case terminal(TerminalEvent)
        case changed
        case tick
        case terminalClosed
    }

    public func run() async throws {
        let terminal = try CursesTerminal(color: settings.color, mouse: mouse)
        do {
            try await terminal.start()
        } catch {
            // stderr is the log file while the console runs: tell the operator on the terminal.
            Self.tellTerminal("booking-monitor: \(error)")
            throw error
        }
        logger.info("console started")
        do {
            try await cancelWhenGracefulShutdown {
                try await loop(terminal)
            }
        } catch is CancellationError {
        } catch {
            await terminal.stop()
            logger.error("console failed: \(error)")
            throw error
        }
        await terminal.stop()
        logger.info("console stopped")
    }

    private static func tellTerminal(_ line: String) {
        let fd = open("/dev/tty", O_WRONLY | O_NOCTTY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
    }

    private func loop(_ terminal: CursesTerminal) async throws {
        let (inbox, post) = AsyncStream<Event>.makeStream(bufferingPolicy: .unbounded)
        let changes = await monitor.changes()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in changes { post.yield(.changed) }
            }
            group.addTask {
                for await event in terminal.events { post.yield(.terminal(event)) }
                post.yield(.terminalClosed)
            }
            defer { group.cancelAll() }
            let clock = ContinuousClock()
            var controller: ConsoleController?
            var lastFrame = clock.now - frameInterval
            var pendingChange = false
            var frames = 0, changeCount = 0
            let started = clock.now
            defer {
                // The coalescing, measured: the end-to-end test reads this line.
                logger.info("console drew \(frames) frames for \(changeCount) changes in \(clock.now - started)")
            }
            var ticker: Task<Void, Never>?
            var tickAt: ContinuousClock.Instant?
            defer { ticker?.cancel() }

            func schedule(_ instant: ContinuousClock.Instant) {
                if let tickAt, tickAt <= instant, ticker != nil { return }
                ticker?.cancel()
                tickAt = instant
                ticker = Task {
                    try? await Task.sleep(until: instant, clock: clock)
                    if !Task.isCancelled { post.yield(.tick) }
                }
            }

            func draw(_ controller: ConsoleController) {
                terminal.show(controller.frame())
                frames += 1
                lastFrame = clock.now
                if let next = controller.nextClockChange() {
                    let delay = max(0, next.timeIntervalSinceNow)
                    schedule(clock.now + .milliseconds(Int(delay * 1000) + 5))
                }
            }

            for await event in inbox {
                try Task.checkCancellation()
                switch event {
                case .terminal(.resized(let size)):
                    if let controller {
                        controller.resize(size)
                    } else {
                        controller = await ConsoleController(monitor: monitor, settings: settings, size: size,
                                                             keymap: keymap, retryLink: retryLink,
                                                             toggleGenerators: toggleGenerators, historyFile: historyFile)
                    }
                    draw(controller!)
                case .terminal(.key(let key)):
                    guard let controller else { continue }
                    if pendingChange { await controller.refresh(); pendingChange = false }
                    guard await controller.press(key) else { return }
                    draw(controller)
                case .terminal(.hangUp):
                    return
                case .terminal(.mouse(let event)):
                    guard let controller else { continue }
                    if pendingChange { await controller.refresh(); pendingChange = false }
                    guard await controller.mouse(event) else { return }
                    draw(controller)
                case .changed:
                    pendingChange = true
                    changeCount += 1
                    let due = lastFrame + frameInterval
                    if clock.now >= due, let controller {
                        await controller.refresh()
                        pendingChange = false
                        draw(controller)
                    } else {
                        schedule(due)
                    }
                case .tick:
                    ticker = nil
                    tickAt = nil
                    guard let controller else { continue }
                    if pendingChange {
                        await controller.refresh()
                        pendingChange = false
                    }
                    _ = controller.expireMessage()
                    draw(controller)
                case .terminalClosed:
                    return
                }
            }
        }
    }
}
