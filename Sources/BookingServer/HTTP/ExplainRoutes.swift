import BookingCore
import Foundation
import Hummingbird

/// `GET /administration/explain`: why a customer has or has not a copy of a title
/// (`customer` and `title`), or who has a product and why it is not booked (`product`).
/// The answers come from the booking rules themselves (`MonitorSnapshot.explain`).
struct ExplainRoutes<Context: RequestContext> {
    let monitor: Monitor

    func register(on router: Router<Context>) {
        let admin = router.group("administration")
        admin.get("explain") { request, _ in
            switch try Self.question(request.uri.queryParameters) {
            case .customer(let customer, let title):
                return try JSONCoding.response(await monitor.explain(customer: customer, title: title))
            case .product(let id):
                guard let answer = await monitor.explain(product: id) else {
                    throw Problem(.notFound, "no product with id \(id) in this group", field: "product")
                }
                return try JSONCoding.response(answer)
            }
        }
    }

    enum Question: Equatable {
        case customer(Int32, title: String)
        case product(Int32)
    }

    /// The question the parameters ask; a `Problem` naming the parameter at fault otherwise.
    static func question(_ query: Parameters) throws -> Question {
        let product = query.get("product"), customer = query.get("customer"), title = query.get("title")
        if let product {
            guard customer == nil, title == nil else {
                throw Problem(.badRequest, "ask about a product, or about a customer and a title, not both",
                              field: customer == nil ? "title" : "customer")
            }
            return .product(try integer(product, "product"))
        }
        guard let customer else {
            throw Problem(.badRequest, "query parameter customer (with title) or product is missing", field: "customer")
        }
        let id = try integer(customer, "customer")
        guard let title else {
            throw Problem(.badRequest, "query parameter title is missing: the title whose queue to explain", field: "title")
        }
        guard !title.isEmpty else { throw Problem(.badRequest, "title is empty", field: "title") }
        return .customer(id, title: title)
    }

    static func integer(_ raw: String, _ field: String) throws -> Int32 {
        guard let value = Int32(raw) else {
            throw Problem(.badRequest, "\(field) must be a 32-bit integer, got \"\(raw)\"", field: field)
        }
        return value
    }
}
