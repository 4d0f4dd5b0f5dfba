import BookingConsole
import BookingCore
import Foundation
import Testing

/// A frame from a snapshot built of values: no monitor, no store.
@Suite("Console render from a snapshot of values")
struct ConsoleValueRenderTests {
    @Test("a booked, an available and an unavailable product, and a queue, drawn at 80×24 from values")
    func fromValues() {
        let at = ConsoleFixture.fixedNow
        let snapshot = MonitorSnapshot(
            group: "east",
            products: [
                Product(id: 1, title: "Идиот", description: "", isAvailable: false, bookedBy: 7, bookedAt: at),
                Product(id: 2, title: "Идиот", description: "", isAvailable: true),
                Product(id: 3, title: "三体", description: "", isAvailable: false),
            ],
            queues: QueueSnapshot(sequence: 4, receivedAt: at, queues: [CustomerQueue(title: "Идиот", customers: [7, 8])]),
            paused: true)
        let size = Size(width: 80, height: 24)
        let grid = render(ConsoleModel(snapshot: snapshot), ConsoleState(size: size), size: size,
                          settings: ConsoleFixture.settings(color: false), now: at)
        let text = grid.lines.joined(separator: "\n")
        #expect(text.contains("east"))
        #expect(text.contains("Идиот") && text.contains("三体"))
        #expect(text.contains("PAUSED"), "the pause shows in the header")
    }
}
