import BookingConsole
import BookingCore
import Foundation
import Testing

/// A retried request never gives a copy twice: `Idempotency-Key` on every state-changing
/// endpoint, kept in the store (both kinds), so a restart keeps it.
@Suite("Idempotency-Key", .serialized)
struct IdempotencyTests {
    let tom1 = "Война и мир. Том 1"

    func bookings(_ place: StorePlace) async throws -> Int {
        Int(try await place.rows("SELECT CAST(count(*) AS TEXT) FROM booking")[0][0] ?? "0") ?? -1
    }

    @Test("switch-state sent three times with one key books once; the repeats replay the first answer", arguments: StoreKind.allCases)
    func switchStateOnce(kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: testCatalog)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [1, 2, 3])])
        let key = [("Idempotency-Key", "\"retry-1\"")]
        try await RunningMonitor.with(monitor) { running in
            let url = running.url + "/administration/switch-state/1?isAvailable=true"
            let first = try await TestHTTP.request(.PUT, url, headers: key)
            #expect(first.status == 200)
            #expect(first.header("Idempotent-Replayed") == nil)
            for _ in 0..<2 {
                let again = try await TestHTTP.request(.PUT, url, headers: key)
                #expect(again.status == 200)
                #expect(again.header("Idempotent-Replayed") == "true")
            }
            #expect(try await bookings(place) == 1, "one copy, one customer")
            #expect(await monitor.product(id: 1)?.bookedBy == 1)
            // The same key for another request is refused and changes nothing.
            let other = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/2?isAvailable=true", headers: key)
            #expect(other.status == 422)
            #expect(other.header("Content-Type") == "application/problem+json")
            #expect(other.text.contains("\"field\":\"Idempotency-Key\""))
            #expect(await monitor.product(id: 2)?.isAvailable == false)
            // Without a key the original's meaning stays: available again, booked for the next.
            _ = try await TestHTTP.request(.PUT, url)
            #expect(try await bookings(place) == 2)
        }
        // After a restart the key is still known.
        let restarted = try await place.monitor()
        try await RunningMonitor.with(restarted) { running in
            let again = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/1?isAvailable=true", headers: key)
            #expect(again.status == 200)
            #expect(again.header("Idempotent-Replayed") == "true")
            #expect(try await bookings(place) == 2)
        }
    }

    @Test("set-queue and the outbox retries honour the key; a malformed key is a 400 naming the header", arguments: StoreKind.allCases)
    func otherEndpoints(kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let monitor = try await place.monitor(catalog: testCatalog)
        try await RunningMonitor.with(monitor) { running in
            let push = #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":1}]}]"#
            for _ in 0..<3 {
                let reply = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: push,
                                                       headers: [("Idempotency-Key", "push-1")])
                #expect(reply.status == 200)
            }
            #expect(await monitor.queues().sequence == 1, "one push applied, two replayed")
            let changed = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: "[]",
                                                     headers: [("Idempotency-Key", "push-1")])
            #expect(changed.status == 422, "another body under the same key")
            let retry = try await TestHTTP.request(.POST, running.url + "/administration/outbox/retry",
                                                   headers: [("Idempotency-Key", "retry-all")])
            #expect(retry.status == 200)
            let replay = try await TestHTTP.request(.POST, running.url + "/administration/outbox/retry",
                                                    headers: [("Idempotency-Key", "retry-all")])
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.text == retry.text)
            for bad in ["", "has space", String(repeating: "k", count: 256)] {
                let reply = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/1?isAvailable=true",
                                                       headers: [("Idempotency-Key", bad)])
                #expect(reply.status == 400, "key \"\(bad.prefix(10))\"")
                #expect(reply.text.contains("\"field\":\"Idempotency-Key\""))
            }
            #expect(await monitor.product(id: 1)?.isAvailable == false, "refused requests changed nothing")
        }
    }

    @Test("console: making a booked product available asks first; n keeps it booked, y releases it")
    func consoleAsksBeforeRelease() async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await monitor.replaceQueues([CustomerQueue(title: tom1, customers: [14])])
        try await monitor.setAvailability(productId: 1, isAvailable: true)
        let model = ConsoleModel(snapshot: await monitor.snapshotNow())
        var state = ConsoleState(size: Size(width: 120, height: 40))
        let now = Date()
        for key in [Key.character("a"), .space] {
            #expect(state.handle(key, model: model, now: now) == nil, "asks before acting")
            #expect(state.confirmation?.question.hasPrefix("release product 1 from customer 14?") == true)
            let screen = render(model, state, size: state.size, settings: RenderSettings(), now: now).lines.joined(separator: "\n")
            #expect(screen.contains("release product 1 from customer 14?"))
            #expect(state.handle(.character("n"), model: model, now: now) == nil)
            #expect(state.confirmation == nil)
            #expect(state.message?.text == "product 1 stays booked for customer 14")
        }
        _ = state.handle(.character("a"), model: model, now: now)
        #expect(state.handle(.character("y"), model: model, now: now) == .setAvailability(productId: 1, isAvailable: true))
        // An unbooked product changes at once, as before.
        _ = state.handle(.down, model: model, now: now)
        #expect(state.handle(.character("a"), model: model, now: now) == .setAvailability(productId: 2, isAvailable: true))
    }
}
