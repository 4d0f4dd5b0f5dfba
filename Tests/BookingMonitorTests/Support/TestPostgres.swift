import BookingCore
import BookingPostgres
import Foundation
import GRDB
import Logging
import Testing

/// The PostgreSQL server the shared-store tests use: `BOOKING_MONITOR_TEST_POSTGRES` (a URL;
/// `.ci/run` starts one and sets it), else a throwaway server started once per test run with
/// `scripts/postgres.sh` (Debian's postgresql package). No server is a failure, not a skip.
enum TestPostgres {
    static let server: Result<String, ServerError> = {
        if let url = ProcessInfo.processInfo.environment["BOOKING_MONITOR_TEST_POSTGRES"], !url.isEmpty {
            guard let parsed = try? PostgresURL(url) else {
                return .failure(ServerError(message: "BOOKING_MONITOR_TEST_POSTGRES=\(url) is not a postgres:// URL"))
            }
            return .success(server(of: parsed))
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path
        // system(3), not Foundation's Process: this runs once, inside a static initializer on a
        // test thread, and Process.waitUntilExit was seen to hang there while other tests
        // started children of their own. The output goes to a file, not a pipe another child
        // could inherit and hold open.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bm-postgres-\(getpid()).out").path
        let status = system("/bin/bash '\(script)' start > '\(output)' 2>&1")
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: output)
        guard let url = text.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
            return .failure(ServerError(message: "scripts/postgres.sh start failed (status \(status)): \(text)"))
        }
        guard let parsed = try? PostgresURL(url) else { return .failure(ServerError(message: "not a URL: \(url)")) }
        return .success(server(of: parsed))
    }()

    /// The server part of a URL (the database it names is the maintenance one; tests create
    /// their own beside it).
    private static func server(of url: PostgresURL) -> String {
        var server = url
        server.database = ""
        return String(server.connectionString.dropLast())
    }

    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { "no PostgreSQL server for the tests: \(message)" }
    }

    /// A new, empty database on the test server; its URL.
    static func freshDatabase() async throws -> PostgresURL {
        let base = try server.get()
        let name = "bm_" + UUID().uuidString.prefix(8).lowercased()
        try await execute(base + "/postgres", "CREATE DATABASE \(name)")
        return try PostgresURL(base + "/" + name)!
    }

    /// Runs `sql` on a connection of its own (`PostgresURL.execute`); rows as text.
    @discardableResult
    static func execute(_ url: String, _ sql: String) async throws -> [[String?]] {
        do {
            return try await PostgresURL(url)!.execute(sql)
        } catch {
            throw ServerError(message: "\(error)")
        }
    }
}

/// The two kinds of store every store test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Where a test keeps its state: a SQLite file in a temporary directory, or a fresh PostgreSQL
/// database. It can be opened again, as a restart would.
struct StorePlace: Sendable {
    let kind: StoreKind
    let path: String?
    let url: PostgresURL?

    static func make(_ kind: StoreKind) async throws -> StorePlace {
        switch kind {
        case .sqlite:
            let dir = try TempDir()
            return StorePlace(kind: kind, path: dir.file("m.sqlite"), url: nil)
        case .postgres:
            return StorePlace(kind: kind, path: nil, url: try await TestPostgres.freshDatabase())
        }
    }

    func open(group: String = "test", instance: String = "test", history: HistoryRetention = .standard) throws -> any Store {
        switch kind {
        case .sqlite: return try SQLiteStore(.file(path!), history: history)
        case .postgres:
            return try PostgresStore(url: url!, group: group, instance: instance, history: history, logger: quietLogger)
        }
    }

    /// A monitor on a newly opened store (a restart when one ran before).
    func monitor(catalog: [Product]? = nil, group: String = "test", history: HistoryRetention = .standard,
                 clock: any BookingClock = SystemClock()) async throws -> Monitor {
        let monitor = try Monitor(store: open(group: group, history: history), group: group, orchestrator: "http://127.0.0.1:1",
                                  logger: quietLogger, clock: clock)
        if let catalog { try await monitor.applyCatalog(catalog) }
        return monitor
    }

    /// Rows of `sql`, which casts every column to text (works in both dialects).
    func rows(_ sql: String) async throws -> [[String?]] {
        switch kind {
        case .sqlite:
            return try await Self.sqlite(path!).read { db in
                try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { String.fromDatabaseValue($0) } }
            }
        case .postgres:
            return try await url!.execute(sql)
        }
    }

    /// The test's own connection to a SQLite store, waiting out a lock: a monitor let go just
    /// before closes its connections on its own threads, and the last close checkpoints the WAL
    /// under an exclusive lock (CI saw "database is locked" on opening).
    private static func sqlite(_ path: String) throws -> DatabaseQueue {
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Runs a statement that writes (a test's surgery on the stored state).
    func execute(_ sql: String) async throws {
        switch kind {
        case .sqlite: try await Self.sqlite(path!).write { db in try db.execute(sql: sql) }
        case .postgres: _ = try await url!.execute(sql)
        }
    }

    func remove() {
        if let path { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    }
}

extension PostgresURL {
    var connectionString: String {
        "postgres://\(user)\(password.map { ":" + $0 } ?? "")@\(host):\(port)/\(database)"
    }
}
