// swift-tools-version:6.1
import Foundation
import PackageDescription

// The commit `--version` names: scripts/package-deb.sh sets BOOKING_MONITOR_COMMIT (git describe);
// only characters of a git name pass, so the value cannot break out of the C string.
let commit = ProcessInfo.processInfo.environment["BOOKING_MONITOR_COMMIT"].map {
    String($0.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.+".contains($0)) })
}.flatMap { $0.isEmpty ? nil : $0 }

let package = Package(
    name: "booking-monitor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "booking-monitor", targets: ["booking-monitor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Already built for postgres-nio; SHA-256 fingerprints of idempotent requests.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3" ..< "5.0.0"),
        // Tests only: reads docs/openapi.yaml to check it against the server.
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        // The console's config file (config.toml): key bindings, theme, defaults for flags.
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        // Domain, booking rules, the SQLite store and the Monitor actor: no HTTP, no terminal.
        .target(
            name: "BookingCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The shared store: several instances of one group on one PostgreSQL database.
        .target(
            name: "BookingPostgres",
            dependencies: [
                "BookingCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Adapters to the network: the Orchestrator-facing HTTP API and the outbox drain.
        .target(
            name: "BookingServer",
            dependencies: [
                "BookingCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The build's commit for --version (see `commit` above).
        .target(
            name: "CBuildInfo",
            cSettings: commit.map { [.define("BOOKING_MONITOR_COMMIT", to: "\"\($0)\"")] } ?? []
        ),
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // The operator console: pure render to a grid, keymap, and a thin curses backend.
        .target(
            name: "BookingConsole",
            dependencies: [
                "BookingCore",
                "CNcursesw",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // A development and demo stand-in for the Orchestrator, plus the demo's load generators.
        // Talks to monitors over HTTP only: it never depends on BookingCore, and no monitor
        // module depends on it.
        .target(
            name: "OrchestratorSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "booking-monitor",
            dependencies: [
                "BookingCore",
                "BookingServer",
                "BookingPostgres",
                "BookingConsole",
                "CNcursesw",
                "CBuildInfo",
                "OrchestratorSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks for BENCHMARKS.md: `swift run -c release booking-bench <figure>`.
        .executableTarget(
            name: "booking-bench",
            dependencies: [
                "BookingCore",
                "BookingServer",
                "BookingConsole",
                "BookingPostgres",
                "OrchestratorSimulator",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "BookingMonitorTests",
            dependencies: [
                // Built so the process tests can run the real binary.
                "booking-monitor",
                "BookingCore",
                "BookingPostgres",
                "BookingServer",
                "BookingConsole",
                "OrchestratorSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
