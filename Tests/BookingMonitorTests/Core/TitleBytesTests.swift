import BookingCore
import Foundation
import Testing

/// Titles the Orchestrator (.NET ordinal comparison) tells apart and Swift's `String ==` may
/// not: «Йод» precomposed (NFC, Й U+0419) and decomposed (NFD, И U+0418 + combining breve
/// U+0306), a trailing space, another case.
enum Titles {
    static let nfc = "\u{0419}од"
    static let nfd = "\u{0418}\u{0306}од"
    static let idiot = "Идиот"
    static let idiotSpace = "Идиот "
    static let idiotUpper = "ИДИОТ"

    static func bytes(_ title: String) -> [UInt8] { Array(title.utf8) }
    /// "product 1 → customer 2 «D0 99 …»": a booking with its title's bytes, for comparisons
    /// that `String ==` cannot blur.
    static func booking(_ productId: Int32, _ customerId: Int32, _ title: String) -> String {
        "product \(productId) → customer \(customerId) \(bytes(title))"
    }
    static func described(_ booking: Booking) -> String {
        Self.booking(booking.productId, booking.customerId, booking.title)
    }
}

@Suite("Titles compare byte for byte: rules")
struct TitleBytesRulesTests {
    @Test("the pairs are what they claim: one String for Swift, two titles by their bytes")
    func thePairs() {
        #expect(Titles.nfc == Titles.nfd, "Swift calls canonically equivalent strings equal")
        #expect(Titles.bytes(Titles.nfc) != Titles.bytes(Titles.nfd))
        #expect(Titles.nfc.precomposedStringWithCanonicalMapping.utf8.elementsEqual(Titles.nfc.utf8))
        #expect(Titles.nfd.decomposedStringWithCanonicalMapping.utf8.elementsEqual(Titles.nfd.utf8))
    }

    @Test("a customer and a title: NFC and NFD are two keys, so are a trailing space and another case")
    func customerTitleKeys() {
        let titles = [Titles.nfc, Titles.nfd, Titles.idiot, Titles.idiotSpace, Titles.idiotUpper]
        let keys = Set(titles.map { CustomerTitle(customerId: 1, title: $0) })
        #expect(keys.count == 5)
        #expect(CustomerTitle(customerId: 1, title: Titles.nfc) != CustomerTitle(customerId: 1, title: Titles.nfd))
        #expect(CustomerTitle(customerId: 1, title: Titles.nfc) == CustomerTitle(customerId: 1, title: "\u{0419}од"))
        #expect(!keys.contains(CustomerTitle(customerId: 2, title: Titles.nfc)))
    }

    @Test("a product goes only to the queue with exactly its title's bytes")
    func planByBytes() {
        let available = [
            Product(id: 1, title: Titles.nfc, description: "", isAvailable: true),
            Product(id: 2, title: Titles.nfd, description: "", isAvailable: true),
            Product(id: 3, title: Titles.idiot, description: "", isAvailable: true),
        ]
        let queues = [
            CustomerQueue(title: Titles.nfd, customers: [2]),
            CustomerQueue(title: Titles.nfc, customers: [1]),
            CustomerQueue(title: Titles.idiotSpace, customers: [3]),
            CustomerQueue(title: Titles.idiotUpper, customers: [4]),
        ]
        let plan = BookingRules.plan(available: available, queues: queues, blocks: BookingBlocks())
        #expect(plan.map { Titles.booking($0.productId, $0.customerId, $0.title) }
                == [Titles.booking(2, 2, Titles.nfd), Titles.booking(1, 1, Titles.nfc)])
    }

    @Test("a customer blocked for a title in NFC is not blocked for it in NFD")
    func blockedByBytes() {
        let available = [Product(id: 2, title: Titles.nfd, description: "", isAvailable: true)]
        let plan = BookingRules.plan(available: available, queues: [CustomerQueue(title: Titles.nfd, customers: [1])],
                                     blocks: .pending([CustomerTitle(customerId: 1, title: Titles.nfc)]))
        #expect(plan.map { Titles.booking($0.productId, $0.customerId, $0.title) } == [Titles.booking(2, 1, Titles.nfd)])
    }
}

@Suite("Titles compare byte for byte: monitor and store (SQLite, PostgreSQL)")
struct TitleBytesStoreTests {
    static let catalog = [
        Product(id: 1, title: Titles.nfc, description: "", isAvailable: false),
        Product(id: 2, title: Titles.nfd, description: "", isAvailable: false),
        Product(id: 3, title: Titles.idiot, description: "", isAvailable: false),
    ]
    static let queues = [
        CustomerQueue(title: Titles.nfc, customers: [1]),
        CustomerQueue(title: Titles.nfd, customers: [2]),
        CustomerQueue(title: Titles.idiotSpace, customers: [3]),
        CustomerQueue(title: Titles.idiotUpper, customers: [4]),
    ]

    @Test("NFC and NFD queues are booked each with its own product; space and case variants not at all; a restart keeps every byte",
          arguments: StoreKind.allCases)
    func bookedByBytes(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        let expected = [Titles.booking(1, 1, Titles.nfc), Titles.booking(2, 2, Titles.nfd)]
        do {
            let monitor = try await place.monitor(catalog: Self.catalog)
            try await monitor.replaceQueues(Self.queues)
            for id: Int32 in [2, 1, 3] { try await monitor.setAvailability(productId: id, isAvailable: true) }
            let snapshot = await monitor.snapshotNow()
            #expect(snapshot.outbox.map { Titles.described($0.booking) }.sorted() == expected.sorted())
            #expect(snapshot.products.first { $0.id == 3 }?.status == .available, "«Идиот» is queued only as «Идиот » and «ИДИОТ»")
        }
        // What the store kept, read back by a new monitor and straight from the tables.
        let monitor = try await place.monitor()
        let snapshot = await monitor.snapshotNow()
        #expect(snapshot.queues.queues.map { Titles.bytes($0.title) } == Self.queues.map { Titles.bytes($0.title) })
        #expect(snapshot.products.map { Titles.bytes($0.title) } == Self.catalog.map { Titles.bytes($0.title) })
        #expect(snapshot.outbox.map { Titles.described($0.booking) }.sorted() == expected.sorted())
        let rows = try await place.rows("SELECT CAST(product_id AS TEXT), title FROM booking ORDER BY product_id")
        #expect(rows.map { Titles.bytes($0[1] ?? "") } == [Titles.bytes(Titles.nfc), Titles.bytes(Titles.nfd)])
        // The one-copy rule after the restart: customer 2 is blocked for the NFD title only.
        try await monitor.applyCatalog([Product(id: 4, title: Titles.nfc, description: "", isAvailable: false),
                                        Product(id: 5, title: Titles.nfd, description: "", isAvailable: false)])
        try await monitor.replaceQueues([CustomerQueue(title: Titles.nfc, customers: [2]),
                                         CustomerQueue(title: Titles.nfd, customers: [2])])
        try await monitor.setAvailability(productId: 4, isAvailable: true)
        try await monitor.setAvailability(productId: 5, isAvailable: true)
        let after = await monitor.snapshotNow()
        #expect(after.outbox.map { Titles.described($0.booking) }.sorted()
                == (expected + [Titles.booking(4, 2, Titles.nfc)]).sorted())
        #expect(after.products.first { $0.id == 5 }?.status == .available)
    }

    @Test("a catalog that retitles a product from NFC to NFD changes it", arguments: StoreKind.allCases)
    func retitledByBytes(_ kind: StoreKind) async throws {
        let place = try await StorePlace.make(kind)
        defer { place.remove() }
        do {
            let monitor = try await place.monitor(catalog: [Product(id: 1, title: Titles.nfc, description: "", isAvailable: false)])
            let changed = try await monitor.applyCatalog([Product(id: 1, title: Titles.nfd, description: "", isAvailable: false)])
            #expect(changed.updated == 1)
            try await monitor.replaceQueues([CustomerQueue(title: Titles.nfc, customers: [1]),
                                             CustomerQueue(title: Titles.nfd, customers: [2])])
            try await monitor.setAvailability(productId: 1, isAvailable: true)
            #expect(await monitor.snapshotNow().outbox.map { Titles.described($0.booking) } == [Titles.booking(1, 2, Titles.nfd)])
        }
        let monitor = try await place.monitor()
        #expect(await monitor.allProducts().map { Titles.bytes($0.title) } == [Titles.bytes(Titles.nfd)])
    }
}

@Suite("Titles compare byte for byte: the shared store's catch-up")
struct TitleBytesSharedTests {
    @Test("a catalog on B retitling a product from NFC to NFD reaches A: A carries the NFD title and books it for its queue only")
    func retitleReachesOtherInstance() async throws {
        let place = try await StorePlace.make(.postgres)
        let catalog = [Product(id: 1, title: Titles.nfc, description: "", isAvailable: false)]
        let a = try await place.monitor(catalog: catalog)
        let b = try await place.monitor(catalog: catalog)
        #expect(try await b.applyCatalog([Product(id: 1, title: Titles.nfd, description: "", isAvailable: false)]).updated == 1)
        try await a.refresh()
        let snapshot = await a.snapshotNow()
        #expect(snapshot.products.map { Titles.bytes($0.title) } == [Titles.bytes(Titles.nfd)])
        #expect(snapshot.carries(Titles.nfd) && !snapshot.carries(Titles.nfc))
        #expect(snapshot.nearTitles.near(Titles.nfc)?.differences == [.unicodeForm])
        try await a.replaceQueues([CustomerQueue(title: Titles.nfc, customers: [1]),
                                   CustomerQueue(title: Titles.nfd, customers: [2])])
        try await a.setAvailability(productId: 1, isAvailable: true)
        #expect(await a.snapshotNow().outbox.map { Titles.described($0.booking) } == [Titles.booking(1, 2, Titles.nfd)])
    }
}
