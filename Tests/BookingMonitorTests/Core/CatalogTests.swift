import BookingCore
import Foundation
import Testing

@Suite("Catalog")
struct CatalogTests {
    @Test("either key case; description and isAvailable optional")
    func keyCases() throws {
        let products = try Catalog.parse(Data("""
            [{"Id":1,"Title":"Война и мир. Том 1","Description":"Роман","IsAvailable":true},
             {"id":2,"title":"三体"}]
            """.utf8), source: "c.json")
        #expect(products == [
            Product(id: 1, title: "Война и мир. Том 1", description: "Роман", isAvailable: true),
            Product(id: 2, title: "三体", description: "", isAvailable: false),
        ])
    }

    @Test("errors name the file, the entry and the field", arguments: [
        (#"[{"id":1,"title":"a"},{"id":2}]"#, "c.json: entry 1: field `title` is missing"),
        (#"[{"id":"x","title":"a"}]"#, "c.json: entry 0: field `id` must be a 32-bit integer"),
        (#"[{"id":1,"title":"  "}]"#, "c.json: entry 0 (product 1): field `title` is empty"),
        (#"[{"id":1,"title":"a"},{"id":1,"title":"b"}]"#, "c.json: entry 1: field `id` 1 repeats entry 0"),
        (#"[{"id":1,"title":"a"}"#, "c.json: body is not valid JSON"),
    ])
    func errors(json: String, message: String) {
        #expect(throws: Catalog.LoadError.self) { try Catalog.parse(Data(json.utf8), source: "c.json") }
        do {
            _ = try Catalog.parse(Data(json.utf8), source: "c.json")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("an unreadable file is named")
    func missingFile() {
        do {
            _ = try Catalog.load(file: "/nonexistent/catalog.json")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/catalog.json: cannot read"))
        }
    }

    @Test("the demo catalog has both Война и мир volumes and one to three copies per title")
    func demo() {
        let titles = Dictionary(grouping: Catalog.demo, by: \.title).mapValues(\.count)
        #expect(titles["Война и мир. Том 1"] != nil && titles["Война и мир. Том 2"] != nil)
        #expect(titles.values.allSatisfy { (1...3).contains($0) })
        #expect(Set(Catalog.demo.map(\.id)).count == Catalog.demo.count)
    }
}
