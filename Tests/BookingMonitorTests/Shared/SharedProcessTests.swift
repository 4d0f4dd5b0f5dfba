import BookingPostgres
import Foundation
import Synchronization
import Testing

/// Two real `booking-monitor` processes on one PostgreSQL database, an Orchestrator sink on
/// loopback, and availability flips raced across both.
@Suite("Shared PostgreSQL store: two real instances", .serialized)
struct SharedProcessTests {
    struct Instance {
        let child: ChildProcess
        let url: String
    }

    /// A catalog file of `titles` × `copies` products, and queues of `customers` per title
    /// (customer ids tell the title and the rank: title × 1000 + rank).
    static func setUp(_ dir: TempDir, titles: Int, copies: Int) throws -> String {
        let path = dir.file("catalog.json")
        try writeCatalog((0..<titles * copies).map { (id: $0 + 1, title: "Книга \($0 % titles)") }, to: path)
        return path
    }

    static func queues(titles: Int, customers: Int) -> (body: String, order: [String: [Int32]]) {
        var order: [String: [Int32]] = [:]
        let body = (0..<titles).map { title in
            let ids = (0..<Int32(customers)).map { Int32(title) * 1000 + $0 }
            order["Книга \(title)"] = ids
            return #"{"Title":"Книга \#(title)","Customers":["# + ids.map { #"{"CustomerId":\#($0)}"# }.joined(separator: ",") + "]}"
        }.joined(separator: ",")
        return ("[" + body + "]", order)
    }

    static func start(_ name: String, db: PostgresURL, catalog: String, orchestrator: String, dir: TempDir,
                      placement: Placement? = nil) throws -> Instance {
        let port = try OrchestratorStandIn.freePort()
        let placement = placement ?? Placement(database: db)
        let child = try ChildProcess(["--headless", "--host", placement.host, "--port", "\(port)",
                                      "--db", placement.database.connectionString, "--catalog", catalog,
                                      "--orchestrator", orchestrator, "--name", name,
                                      "--sweep-interval", "0.5"],
                                     logTo: dir.file("\(name).log"), wrapper: placement.wrapper)
        return Instance(child: child, url: "http://\(placement.reachedAt):\(port)")
    }

    /// Where an instance runs and how it reaches the others: by default on loopback, beside the
    /// test; in a network namespace (a partition trial), or through a latency proxy.
    struct Placement {
        var database: PostgresURL
        var wrapper = ""
        var host = "127.0.0.1"
        var reachedAt = "127.0.0.1"
        /// The address it reaches the Orchestrator's stand-in at (its port is the stand-in's).
        var orchestratorHost: String?
    }

    static func link(_ instance: Instance) async -> [String: Any]? {
        try? await TestHTTP.get(instance.url + "/administration/link").json() as? [String: Any]
    }

    /// PUTs `isAvailable=true` for every product, in random order, from 16 concurrent clients,
    /// each flip to a random instance. Returns how many were answered 200.
    static func flip(_ products: [Int], across instances: [Instance]) async -> Int {
        let queue = WorkList(products.shuffled())
        return await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var ok = 0
                    while let product = queue.next() {
                        let target = instances.randomElement()!
                        let reply = try? await TestHTTP.request(.PUT, target.url + "/administration/switch-state/\(product)?isAvailable=true")
                        if reply?.status == 200 { ok += 1 }
                    }
                    return ok
                }
            }
            return await group.reduce(0, +)
        }
    }

    /// A sink, then instance a (which takes the sender role) and b (on standby) of one group
    /// on a fresh database, each with the catalog; queues pushed to `pushTo` and seen by both.
    struct Pair {
        let dir: TempDir
        let db: PostgresURL
        let sink: OrchestratorStandIn
        let a: Instance
        let b: Instance
        /// Each title's queue, in order.
        let order: [String: [Int32]]

        /// `placeA`/`placeB`: where a or b runs (`Placement`); `sinkHost` the stand-in's address.
        static func launch(titles: Int, copies: Int, customers: Int, sinkDelay: Double? = nil,
                           pushTo: KeyPath<Pair, Instance> = \.a, database: PostgresURL? = nil,
                           placeA: Placement? = nil, placeB: Placement? = nil,
                           sinkHost: String = "127.0.0.1") async throws -> Pair {
            let dir = try TempDir()
            let db: PostgresURL
            if let database { db = database } else { db = try await TestPostgres.freshDatabase() }
            let catalog = try SharedProcessTests.setUp(dir, titles: titles, copies: copies)
            let sink = try OrchestratorStandIn(host: sinkHost)
            sink.state.withLock { $0.acceptAll = true }
            if let sinkDelay { sink.setFault(.slow(sinkDelay)) }
            try await sink.start()
            func start(_ name: String, standby: Bool) async throws -> Instance {
                let placement = name == "a" ? placeA : placeB
                let orchestrator = placement?.orchestratorHost.map { "http://\($0):\(sink.port)" } ?? sink.url
                let instance = try SharedProcessTests.start(name, db: db, catalog: catalog, orchestrator: orchestrator,
                                                            dir: dir, placement: placement)
                try await eventually("\(name) ready", within: 60) { (try? await TestHTTP.get(instance.url + "/health/ready"))?.status == 200 }
                try await eventually("\(name) \(standby ? "on standby" : "sends")") {
                    (await SharedProcessTests.link(instance))?["standby"] as? Bool == standby
                }
                return instance
            }
            let a = try await start("a", standby: false)
            let b = try await start("b", standby: true)
            let (body, order) = SharedProcessTests.queues(titles: titles, customers: customers)
            let pair = Pair(dir: dir, db: db, sink: sink, a: a, b: b, order: order)
            let target = pair[keyPath: pushTo], other = pushTo == \Pair.a ? b : a
            #expect(try await TestHTTP.request(.POST, target.url + "/administration/set-queue", body: body).status == 200)
            try await eventually("the push reaches the other instance") {
                ((try? await TestHTTP.get(other.url + "/administration/get-queues-list").json() as? [Any])?.count) == titles
            }
            return pair
        }

        func stop() {
            if a.child.isRunning { _ = a.child.terminate() }
            if b.child.isRunning { _ = b.child.terminate() }
            let sink = sink
            Task { await sink.stop() }
            dir.remove()
        }
    }

    @Test("1,000 flips raced across two instances: each product booked once, each event delivered once, queue order kept")
    func racedAcrossTwoProcesses() async throws {
        let titles = 10, copies = 100
        let pair = try await Pair.launch(titles: titles, copies: copies, customers: copies + 20)
        defer { pair.stop() }
        let (a, b, sink, db, order) = (pair.a, pair.b, pair.sink, pair.db, pair.order)

        let answered = await Self.flip(Array(1...titles * copies), across: [a, b])
        #expect(answered == titles * copies)
        try await eventually("every event delivered", within: 120) { sink.events.count >= titles * copies }
        try await eventually("both outboxes empty") {
            for instance in [a, b] where (await Self.link(instance))?["pending"] as? Int != 0 { return false }
            return true
        }

        let rows = try await TestPostgres.execute(db.connectionString, """
            SELECT CAST(product_id AS TEXT), CAST(customer_id AS TEXT), title, id FROM booking ORDER BY sequence
            """)
        #expect(rows.count == titles * copies)
        #expect(Set(rows.map { $0[0] }).count == rows.count, "no product booked twice")
        for (title, customers) in order {
            let booked = rows.filter { $0[2] == title }.map { Int32($0[1]!)! }
            #expect(booked == Array(customers.prefix(copies)), "queue order of \(title)")
        }
        #expect(sink.events.map(\.key) == rows.map { $0[3]! }, "each event once, in booking order")
        #expect(sink.attempts.count == rows.count, "no event sent twice")
        let standby = await [Self.link(a), Self.link(b)].map { $0?["standby"] as? Bool }
        #expect(standby.sorted { ($0 ?? true) == false && ($1 ?? true) } == [false, true], "one sender, one standby: \(standby)")
        let instances = (await Self.link(a))?["instances"] as? [[String: Any]]
        #expect(Set(instances?.compactMap { $0["name"] as? String } ?? []) == ["a", "b"])
    }

    @Test("SIGKILL the sending instance mid-storm: the other delivers everything that was pending, once")
    func senderKilledMidStorm() async throws {
        let titles = 8, copies = 50
        // A slow sink lets a backlog build up: the kill finds events pending.
        let pair = try await Pair.launch(titles: titles, copies: copies, customers: copies + 10, sinkDelay: 0.01,
                                         pushTo: \.b)
        defer { pair.stop() }
        let (a, b, sink, db) = (pair.a, pair.b, pair.sink, pair.db)

        let storm = Task { await Self.flip(Array(1...titles * copies), across: [a, b]) }
        try await eventually("a delivering") { sink.events.count >= 20 }
        a.child.kill9()
        let killedAt = Date()
        let deliveredBeforeKill = sink.events.count
        try await eventually("b takes the sender role", within: 60) { (await Self.link(b))?["standby"] as? Bool == false }
        let takeover = Date().timeIntervalSince(killedAt)
        try await eventually("b delivers", within: 60) { sink.events.count > deliveredBeforeKill }
        let delivering = Date().timeIntervalSince(killedAt)
        if delivering > 5 {  // for the next reader of a slow run: what b was doing
            let log = (try? String(contentsOfFile: pair.dir.file("b.log"), encoding: .utf8)) ?? ""
            print("slow takeover; b's link: \(String(describing: await Self.link(b)))\nb's log:\n\(log.suffix(3000))")
        }
        _ = await storm.value
        sink.setFault(.none)
        let rows = try await TestPostgres.execute(db.connectionString, "SELECT id FROM booking ORDER BY sequence")
        #expect(deliveredBeforeKill < rows.count, "the kill came with events pending")
        try await eventually("b drains the outbox", within: 120) { (await Self.link(b))?["pending"] as? Int == 0 }
        let after = try await TestPostgres.execute(db.connectionString, "SELECT id FROM booking ORDER BY sequence")
        print("sender killed after \(deliveredBeforeKill) of \(after.count) events; b took the role after "
              + "\(String(format: "%.2f", takeover)) s and delivered after \(String(format: "%.2f", delivering)) s")
        #expect(sink.events.map(\.key) == after.map { $0[0]! }, "every booking delivered once, in booking order")
        // An event a had sent when it died may be sent again, with the same key: the sink
        // applies it once. Nothing else is sent twice.
        #expect(sink.state.withLock { $0.duplicates } <= 1)
        let undelivered = try await TestPostgres.execute(db.connectionString,
                                                         "SELECT CAST(count(*) AS TEXT) FROM outbox WHERE state <> 'delivered'")
        #expect(undelivered == [["0"]])
        #expect((await Self.link(b))?["standby"] as? Bool == false)
    }
}

/// Items handed out one at a time to concurrent workers.
final class WorkList: Sendable {
    private let items: Mutex<ArraySlice<Int>>
    init(_ items: [Int]) { self.items = Mutex(items[...]) }
    func next() -> Int? { items.withLock { $0.popFirst() } }
}
