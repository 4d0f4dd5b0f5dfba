import BookingCore
import Foundation
import OrchestratorSimulator
import Synchronization

/// Watches the monitor's changes during the demo: what was made available, what was booked.
final class DemoObserver: Sendable {
    struct Tally: Sendable {
        var available: [Int32: Bool] = [:]
        /// Times each product became available (its initial availability counts once).
        var grants: [Int32: Int] = [:]
        var bookings: [Int32: Int] = [:]
        /// Products booked while not available: booked twice for one arrival.
        var doubleBooked: Set<Int32> = []
    }

    private let state: Mutex<Tally>

    init(products: [Product]) {
        var tally = Tally()
        for product in products {
            tally.available[product.id] = product.isAvailable
            if product.isAvailable { tally.grants[product.id] = 1 }
        }
        state = Mutex(tally)
    }

    var tally: Tally { state.withLock { $0 } }

    /// Until the monitor finishes its changes (at the end of `Instance.run`).
    func consume(_ changes: AsyncStream<MonitorChange>) async {
        for await change in changes {
            state.withLock { tally in
                switch change {
                case .productChanged(let product):
                    if product.isAvailable, tally.available[product.id] != true { tally.grants[product.id, default: 0] += 1 }
                    tally.available[product.id] = product.isAvailable
                case .booked(let booking):
                    if tally.available[booking.productId] != true { tally.doubleBooked.insert(booking.productId) }
                    tally.available[booking.productId] = false
                    tally.bookings[booking.productId, default: 0] += 1
                default:
                    break
                }
            }
        }
    }
}

/// What the demo did, for people and for scripts (the last line).
struct DemoSummary {
    var seconds: Double
    var generated: DemoGenerators.Counts
    var orders: OrderBook
    var monitor: MonitorSnapshot
    var tally: DemoObserver.Tally

    /// Products booked more often than they became available, by the monitor's own changes
    /// or by the events the Orchestrator received (each key once).
    var doubleBooked: Set<Int32> {
        var received: [Int32: Int] = [:]
        for event in orders.events { if let id = event.productId { received[id, default: 0] += 1 } }
        let overReceived = received.filter { $0.value > tally.grants[$0.key, default: 0] }.keys
        return tally.doubleBooked.union(overReceived)
    }

    var text: String {
        let queues = orders.queues
        let longest = queues.sorted { $0.customers.count > $1.customers.count }.prefix(8)
            .map { "«\($0.title)» \($0.customers.count)" }.joined(separator: ", ")
        let doubles = doubleBooked.sorted()
        var lines = [
            "",
            "demo summary after \(String(format: "%.1f", seconds)) s:",
            "  orders placed:      \(orders.orders.count) (by the generator: \(generated.orders))",
            "  stock arrivals:     \(generated.stock)",
            "  bookings:           \(monitor.totals.bookings), delivered \(monitor.totals.delivered), pending \(monitor.pendingCount), parked \(monitor.parkedCount)",
            "  events received:    \(orders.events.count) by the Orchestrator simulator (repeats dropped: \(orders.repeats))",
            "  queues:             \(queues.count) titles\(longest.isEmpty ? "" : ": \(longest)")",
            "  booked twice:       \(doubles.isEmpty ? "none" : doubles.map { "product \($0)" }.joined(separator: ", "))",
        ]
        if generated.failures > 0 { lines.append("  generator misses:   \(generated.failures) (see the log)") }
        let fields: [(String, Int)] = [
            ("orders", orders.orders.count), ("stock", generated.stock), ("bookings", monitor.totals.bookings),
            ("delivered", monitor.totals.delivered), ("received", orders.events.count), ("pending", monitor.pendingCount),
            ("parked", monitor.parkedCount), ("queues", queues.count),
            ("queued", queues.reduce(0) { $0 + $1.customers.count }), ("double-booked", doubles.count),
        ]
        lines.append("summary: " + fields.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }
}
