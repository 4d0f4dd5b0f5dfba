import BookingCore
import Foundation
import Testing

@Suite("HTTP access with --token")
struct AccessTests {
    let setQueue = #"[{"Title":"Война и мир. Том 1","Customers":[{"CustomerId":1}]}]"#

    @Test("state-changing requests need the bearer token; reads and health stay open; nothing changes on 401")
    func writesNeedToken() async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, token: "s3cret") { running in
            for headers in [[], [("Authorization", "Bearer wrong")], [("Authorization", "s3cret")],
                            [("Authorization", "Bearer s3cret2")]] {
                let put = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/1?isAvailable=true",
                                                     headers: headers)
                #expect(put.status == 401)
                #expect(put.header("Content-Type") == "application/problem+json")
                let post = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: setQueue,
                                                      headers: headers)
                #expect(post.status == 401)
            }
            #expect(await monitor.product(id: 1)?.isAvailable == false)
            #expect(await monitor.queues().queues.isEmpty)
            let read = try await TestHTTP.get(running.url + "/administration/get-products")
            #expect(read.status == 200)
            let put = try await TestHTTP.request(.PUT, running.url + "/administration/switch-state/1?isAvailable=true",
                                                 headers: [("Authorization", "Bearer s3cret")])
            #expect(put.status == 200)
            #expect(await monitor.product(id: 1)?.isAvailable == true)
        }
    }

    @Test("--token-reads protects reads too, but not health")
    func readsToo() async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor, token: "t", tokenReads: true) { running in
            let open = try await TestHTTP.get(running.url + "/administration/get-products")
            #expect(open.status == 401)
            let authorized = try await TestHTTP.request(.GET, running.url + "/administration/get-products",
                                                        headers: [("Authorization", "Bearer t")])
            #expect(authorized.status == 200)
            let health = try await TestHTTP.get(running.url + "/health/ready")
            #expect(health.status == 200)
        }
    }

    @Test("without a token everything is open, as the Orchestrator of today expects")
    func openByDefault() async throws {
        let monitor = try await makeMonitor(.inMemory)
        try await RunningMonitor.with(monitor) { running in
            let post = try await TestHTTP.request(.POST, running.url + "/administration/set-queue", body: setQueue)
            #expect(post.status == 200)
        }
    }
}
