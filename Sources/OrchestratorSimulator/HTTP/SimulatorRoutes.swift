import Foundation
import Hummingbird

/// The Orchestrator's API as the original serves it, plus one read-only extra
/// (`get-all-events`) for tests and curious operators.
///
/// | route | answer |
/// |---|---|
/// | `POST /orchestrator/add-new-order` `{"CustomerId":1,"Title":"…"}` | pushes, then `200` with the order `{"Id":1,"CustomerId":1,"Title":"…","Priority":0}` (the original answered an empty `200`; the body is extra) |
/// | `GET /orchestrator/get-all-orders` | `200` `[{"Id":1,"CustomerId":1,"Title":"…","Priority":0}]`, arrival order |
/// | `GET /orchestrator/request-to-monitoring` | pushes, then `200`, empty |
/// | `POST /orchestrator/order-event` | priority += 1, pushes, then `200`, empty; a repeated `Idempotency-Key`: `200`, nothing applied; no or several matching orders: `500` |
/// | `GET /orchestrator/get-all-events` | `200` the applied events `[{"Key":…,"CustomerId":…,"Title":…,"OrderId":…,"ProductId":…,"Group":…}]` |
///
/// Input property names are case-insensitive; bad input is `400` problem+json naming the field.
struct SimulatorRoutes<Context: RequestContext> {
    let simulator: OrchestratorSimulator
    static var maxBody: Int { 1 << 20 }

    func register(on router: Router<Context>) {
        let orchestrator = router.group("orchestrator")
        orchestrator.post("add-new-order") { request, _ in
            let input = try await Self.orderInput(request)
            let order = await simulator.addOrder(customer: input.customerId, title: input.title)
            return WireOutput.json(WireOutput.order(order))
        }
        orchestrator.get("get-all-orders") { _, _ in
            WireOutput.json(WireOutput.orders(simulator.orderBook.orders))
        }
        orchestrator.get("get-all-events") { _, _ in
            WireOutput.json(WireOutput.events(simulator.orderBook.events))
        }
        orchestrator.get("request-to-monitoring") { _, _ in
            await simulator.pushQueues()
            return WireOutput.ok
        }
        orchestrator.post("order-event") { request, _ in
            let input = try await Self.orderInput(request)
            let key = request.headers[.init("Idempotency-Key")!].flatMap { $0.isEmpty ? nil : $0 }
            let outcome = await simulator.receiveEvent(key: key, customer: input.customerId, title: input.title,
                                                       productId: input.productId, group: input.group)
            switch outcome {
            case .applied, .repeated:
                return WireOutput.ok
            case .unmatched(let count):
                let what = count == 0 ? "no order" : "\(count) orders"
                throw SimulatorProblem(.internalServerError,
                                       "\(what) for customer \(input.customerId) and title «\(input.title)»; exactly one must match")
            }
        }
    }

    static func orderInput(_ request: Request) async throws -> OrderInput {
        let body = try await request.body.collect(upTo: maxBody)
        do throws(InputError) {
            return try OrderInput.decode(Data(buffer: body))
        } catch {
            throw SimulatorProblem(error)
        }
    }
}
