import Foundation

/// The products an instance watches (its group), read from a JSON file in the get-products
/// shape: `[{"id":1,"title":"…","description":"…","isAvailable":false}]`, keys in any case.
public enum Catalog {
    public struct Entry: Decodable, Sendable {
        var id: Int32
        var title: String
        var description: String?
        var isavailable: Bool?

        enum CodingKeys: String, CodingKey { case id, title, description, isavailable }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeInt32(forKey: .id)
            title = try container.decode(String.self, forKey: .title)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            isavailable = try container.decodeIfPresent(Bool.self, forKey: .isavailable)
        }
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(file: String) throws(LoadError) -> [Product] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw LoadError(description: "\(file): cannot read: \((error as NSError).localizedDescription)")
        }
        return try parse(data, source: file)
    }

    public static func parse(_ data: Data, source: String) throws(LoadError) -> [Product] {
        let entries: [Entry]
        do {
            entries = try LenientJSON.decode([Entry].self, from: data)
        } catch {
            throw LoadError(description: "\(source): \(describe(error))")
        }
        var seen: [Int32: Int] = [:]
        var products: [Product] = []
        for (index, entry) in entries.enumerated() {
            let title = entry.title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty else {
                throw LoadError(description: "\(source): entry \(index) (product \(entry.id)): field `title` is empty")
            }
            if let first = seen[entry.id] {
                throw LoadError(description: "\(source): entry \(index): field `id` \(entry.id) repeats entry \(first)")
            }
            seen[entry.id] = index
            products.append(Product(id: entry.id, title: entry.title, description: entry.description ?? "",
                                    isAvailable: entry.isavailable ?? false))
        }
        return products
    }

    /// "entry 3: field `title` is missing" from a decoding path like `[3].title`.
    private static func describe(_ error: InputError) -> String {
        guard let field = error.field else { return error.description }
        if field.hasPrefix("["), let close = field.firstIndex(of: "]") {
            let index = field[field.index(after: field.startIndex)..<close]
            let rest = field[field.index(after: close)...].trimmingPrefix(".")
            if rest.isEmpty { return "entry \(index) \(error.message)" }
            return "entry \(index): field `\(rest)` \(error.message)"
        }
        return "the catalog must be a JSON array of products (\(error.description))"
    }

    /// Seeded on an empty store started without a catalog: the original's two "Война и мир"
    /// volumes and a handful of other titles, one to three copies each.
    public static let demo: [Product] = {
        let titles: [(String, String, Int)] = [
            ("Война и мир. Том 1", "Роман", 2),
            ("Война и мир. Том 2", "Роман", 2),
            ("Преступление и наказание", "Роман", 2),
            ("Мастер и Маргарита", "Роман", 3),
            ("Евгений Онегин", "Роман в стихах", 1),
            ("Мёртвые души", "Поэма", 1),
            ("Анна Каренина", "Роман", 2),
            ("Отцы и дети", "Роман", 1),
        ]
        var products: [Product] = []
        for (title, description, copies) in titles {
            for _ in 0..<copies {
                products.append(Product(id: Int32(products.count + 1), title: title, description: description,
                                        isAvailable: false))
            }
        }
        return products
    }()
}
