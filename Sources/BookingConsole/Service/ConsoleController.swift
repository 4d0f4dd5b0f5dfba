import BookingCore
import Foundation

/// The console's logic without a terminal: holds the model and the UI state, turns keys into
/// commands through the keymap, has the monitor execute their effects, and renders frames.
/// `ConsoleService` drives one from the terminal; tests drive one with scripted keys.
public final class ConsoleController {
    public let monitor: Monitor
    public let settings: RenderSettings
    public let keymap: Keymap
    public private(set) var model: ConsoleModel
    public private(set) var state: ConsoleState
    private let retryLink: @Sendable () -> Void
    /// The demo's generators switch; returns whether they now run. nil outside the demo.
    private let toggleGenerators: (@Sendable () -> Bool)?
    private let clock: any BookingClock
    /// Where the command line's history is kept across runs; nil: not kept.
    private let historyFile: CommandHistoryFile?

    public init(monitor: Monitor, settings: RenderSettings, size: Size, keymap: Keymap = .standard,
                retryLink: @escaping @Sendable () -> Void = {}, toggleGenerators: (@Sendable () -> Bool)? = nil,
                clock: (any BookingClock)? = nil, historyFile: CommandHistoryFile? = nil) async {
        self.monitor = monitor
        self.settings = settings
        self.keymap = keymap
        self.retryLink = retryLink
        self.toggleGenerators = toggleGenerators
        self.clock = clock ?? monitor.clock
        self.model = ConsoleModel(snapshot: await monitor.snapshotNow())
        self.state = ConsoleState(size: size, readonly: settings.readonly)
        self.historyFile = historyFile
        state.timeZone = settings.timeZone
        state.commandHistory = historyFile?.load() ?? []
        model.rate = Self.seedRate(monitor, now: self.clock.now())
    }

    /// The last hour's bookings from the store's history, so the sparkline is right after a
    /// restart (at most `HistoryQuery.maxLimit` of them: beyond 10,000 an hour it undercounts).
    static func seedRate(_ monitor: Monitor, now: Date) -> BookingRate {
        var query = HistoryQuery(kind: .booking, since: now.addingTimeInterval(-Double(BookingRate.minutes * 60)),
                                 limit: HistoryQuery.maxLimit)
        query.withoutAttempts = true
        let times = ((try? monitor.history(query)) ?? []).map(\.time)
        return BookingRate(bookedAt: times, now: now)
    }

    /// Reads the monitor again (after a change).
    public func refresh() async {
        model.update(await monitor.snapshotNow(), now: clock.now())
        state.clamp(to: model)
        loadViewHistory()
    }

    /// The open view's history from the store: a product's or a customer's, newest first.
    private func loadViewHistory() {
        var query: HistoryQuery
        switch state.view {
        case .product(let id): query = HistoryQuery(productId: id, limit: 500)
        case .customer(let id): query = HistoryQuery(customerId: id, limit: 500)
        case .queue, nil:
            model.viewHistory = []
            return
        }
        do {
            model.viewHistory = try monitor.history(query)
        } catch {
            model.viewHistory = []
            state.show("history not readable: \(error)", kind: .error, now: clock.now())
        }
    }

    public func resize(_ size: Size) {
        state.size = size
        state.clamp(to: model)
    }

    /// Handles one key; returns false when the key asks to quit.
    @discardableResult
    public func press(_ key: Key) async -> Bool {
        if key == .tab, var editor = state.commandLine,
           let (text, candidates) = CommandLineSyntax.completePath(editor.text, listing: Self.entries) {
            editor.text = text
            editor.candidates = candidates
            state.commandLine = editor
            return true
        }
        let before = state.views
        let commands = state.commandHistory
        let effect = state.handle(key, model: model, keymap: keymap, now: clock.now())
        syncFilter()
        if state.views != before { loadViewHistory() }
        if state.commandHistory != commands, let historyFile {
            do {
                try historyFile.save(state.commandHistory)
            } catch {
                state.show("command history not saved to \(historyFile.path): \(error.localizedDescription)",
                           kind: .error, now: clock.now())
            }
        }
        return await carryOut(effect)
    }

    /// Handles one mouse report as `press` handles a key; false when it asks to quit.
    @discardableResult
    public func mouse(_ event: MouseEvent) async -> Bool {
        let before = state.views
        let effect = state.handle(event, model: model, keymap: keymap, now: clock.now())
        if state.views != before { loadViewHistory() }
        return await carryOut(effect)
    }

    /// Executes what a key or a click asked of the monitor; false for quitting.
    private func carryOut(_ effect: Effect?) async -> Bool {
        guard let effect else { return true }
        if effect == .quit { return false }
        await execute(effect)
        await refresh()
        return true
    }

    @discardableResult
    public func press(_ keys: [Key]) async -> Bool {
        for key in keys where !(await press(key)) { return false }
        return true
    }

    public func frame() -> Grid {
        render(model, state, size: state.size, settings: settings, keymap: keymap, now: clock.now())
    }

    /// Drops an expired message; true when the screen must be redrawn for it.
    public func expireMessage() -> Bool { state.expireMessage(now: clock.now()) }

    /// When the screen next changes with no event: a message expiring, a countdown or an age
    /// in the header ticking. nil when nothing on screen depends on the clock.
    public func nextClockChange() -> Date? {
        let current = clock.now()
        var next: Date?
        if let message = state.message { next = message.expires }
        let snapshot = model.snapshot
        var ticking = snapshot.oldestPending != nil
        if case .open = snapshot.link.breaker { ticking = true }
        if let highlight = model.nextHighlightExpiry { next = min(next ?? highlight, highlight) }
        if model.rate.total(now: current) > 0 {
            // The sparkline moves on a minute.
            let minute = current.addingTimeInterval(60 - current.timeIntervalSince1970.truncatingRemainder(dividingBy: 60))
            next = min(next ?? minute, minute)
        }
        if ticking {
            let second = current.addingTimeInterval(1 - current.timeIntervalSince1970.truncatingRemainder(dividingBy: 1))
            next = min(next ?? second, second)
        }
        return next
    }

    private func syncFilter() {
        if model.filter != state.filter || model.sort != state.sort {
            model.setFilter(state.filter)
            model.setSort(state.sort)
            state.clamp(to: model)
        }
    }

    private func execute(_ effect: Effect) async {
        do {
            switch effect {
            case .setAvailability(let id, let available):
                // Through the bulk path with one id: the answer carries the product before, for undo.
                let changes = try await monitor.setAvailability(productIds: [id], isAvailable: available, by: "console")
                let product = changes.first?.after ?? model.snapshot.products.first { $0.id == id }!
                state.remember(UndoEntry(label: "product \(id) \(available ? "available" : "unavailable")",
                                         changes: changes, at: clock.now()))
                switch product.status {
                case .booked:
                    state.show("product \(id) «\(product.title)» booked for customer \(product.bookedBy ?? 0)", now: clock.now())
                case .available:
                    state.show("product \(id) «\(product.title)» is available", now: clock.now())
                case .unavailable:
                    state.show("product \(id) «\(product.title)» is unavailable", now: clock.now())
                }
            case .bulk(let request):
                try await bulk(request)
            case .undo(let entry):
                try await undo(entry)
            case .exportProducts(let path):
                let text = CSVExport.products(model)
                try write(text, to: path)
                state.show("exported \(model.productCount) products to \(path)", now: clock.now())
            case .exportHistory(let path):
                let entries = try monitor.history(HistoryQuery(limit: HistoryQuery.maxLimit))
                try write(CSVExport.history(entries), to: path)
                state.show("exported \(entries.count) history entries to \(path)", now: clock.now())
            case .setPaused(let paused):
                await monitor.setPaused(paused)
                state.show(paused ? "checker paused: nothing is booked until p" : "checker resumed", now: clock.now())
            case .resend:
                let requeued = try await monitor.requeueParked()
                retryLink()
                state.show("resending now: \(requeued) parked event(s) requeued", now: clock.now())
            case .toggleGenerators:
                guard let toggleGenerators else {
                    state.show("no generators: d works in booking-monitor demo", kind: .error, now: clock.now())
                    break
                }
                state.show(toggleGenerators() ? "demo generators on: customers order, stock arrives"
                                              : "demo generators off: press d to resume", now: clock.now())
            case .quit:
                break
            }
        } catch {
            state.show("\(error)", kind: .error, now: clock.now())
        }
    }

    private func bulk(_ request: BulkRequest) async throws {
        let changes = try await monitor.setAvailability(productIds: request.productIds, isAvailable: request.isAvailable,
                                                        by: "console")
        if request.clearsMarks {
            state.marks = []
            state.markAnchor = nil
        }
        let note = request.note.map { $0 + "; " } ?? ""
        guard !changes.isEmpty else {
            state.show(note + "nothing changed: \(request.label) already \(request.isAvailable ? "available" : "unavailable")",
                       now: clock.now())
            return
        }
        state.remember(UndoEntry(label: request.label, changes: changes, at: clock.now()))
        let booked = changes.filter { $0.after.status == .booked }
        var text = note + "\(changes.count == 1 ? "1 product" : "\(changes.count) products") "
            + (request.isAvailable ? "available" : "unavailable")
        if !booked.isEmpty {
            text += ", \(booked.count) booked at once ("
                + booked.prefix(3).map { "\($0.after.id) → customer \($0.after.bookedBy ?? 0)" }.joined(separator: ", ")
                + (booked.count > 3 ? ", …)" : ")")
        }
        state.show(text + " (U undoes)", now: clock.now())
    }

    private func undo(_ entry: UndoEntry) async throws {
        // Done or refused for good: the entry leaves the stack. A store failure keeps it (the
        // error is the message; U again once the store works).
        func drop() { if state.undoStack.last == entry { state.undoStack.removeLast() } }
        do {
            let reverted = try await monitor.revert(entry.changes, by: "console undo")
            drop()
            let given = reverted.filter { $0.after.status == .booked && $0.before.status != .booked }
            let detail = given.count == 1 && reverted.count == 1
                ? "product \(given[0].after.id) given back to customer \(given[0].after.bookedBy ?? 0)"
                : "\(reverted.count == 1 ? "1 product" : "\(reverted.count) products") put back"
                    + (given.isEmpty ? "" : ", \(given.count) given back to their customers")
            state.show("undone \(entry.label): \(detail)", now: clock.now())
        } catch let error as BulkError {
            drop()
            // Changed between the check and the write (another instance, the API).
            model.update(await monitor.snapshotNow())
            let products = model.snapshot.products
            let reasons = entry.blockers(current: { id in products.first { $0.id == id } }, products: products,
                                         timeZone: settings.timeZone)
            state.show(UndoEntry.blockedMessage(reasons.isEmpty ? ["\(error)"] : reasons)
                       + " (dropped from undo)", kind: .error, now: clock.now())
        }
    }

    /// A directory's entries for path completion, directories ending in `/`.
    static func entries(of directory: String) -> [String] {
        let path = CSVExport.expand(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.map { name in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return isDirectory.boolValue ? name + "/" : name
        }
    }

    private func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: CSVExport.expand(path))
        do {
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw ExportError(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
    }

    struct ExportError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "export: \(path) not written: \(reason)" }
    }
}
