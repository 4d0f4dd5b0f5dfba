import BookingCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// One PostgreSQL connection used synchronously. The `Monitor` calls its store synchronously
/// (as it calls GRDB), so each query waits for its future. The connection lives on an event
/// loop thread of its own, which no caller can be blocking, so a wait cannot deadlock; and
/// nothing here needs Swift's cooperative threads to complete.
///
/// A lost connection (a server restart, a network cut) fails the call in progress; the next
/// call connects again.
final class BlockingConnection: @unchecked Sendable {
    private let url: PostgresURL
    private let applicationName: String
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let lock = NIOLock()
    private var connection: PostgresConnection?
    private var nextId = 0
    /// Called, on the event loop, when a new connection is established (to LISTEN again, say).
    private let onConnect: @Sendable (PostgresConnection) -> Void

    init(url: PostgresURL, applicationName: String, eventLoop: any EventLoop, logger: Logger,
         onConnect: @escaping @Sendable (PostgresConnection) -> Void = { _ in }) {
        self.url = url
        self.applicationName = applicationName
        self.eventLoop = eventLoop
        self.logger = logger
        self.onConnect = onConnect
    }

    /// Runs `body` with the connection, alone: calls on one `BlockingConnection` never overlap.
    @discardableResult
    func with<T>(_ body: (Session) throws -> T) throws -> T {
        try lock.withLock {
            do {
                let connection = try current()
                return try body(Session(connection: connection, logger: logger))
            } catch let error as PSQLError {
                // PSQLError hides what happened on purpose; the store's errors say it.
                if error.serverInfo == nil { throw StoreError.unreachable(PostgresErrors.describe(error)) }
                throw StoreError.failed(PostgresErrors.describe(error))
            }
        }
    }

    /// True while a connection is open (it may still fail at the next query).
    var isOpen: Bool { lock.withLock { connection.map { !$0.isClosed } ?? false } }

    private func current() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        var configuration = url.configuration
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        nextId += 1
        let opened = try PostgresConnection.connect(on: eventLoop, configuration: configuration,
                                                    id: nextId, logger: logger).wait()
        connection = opened
        onConnect(opened)
        return opened
    }

    func close() {
        lock.withLock {
            try? connection?.close().wait()
            connection = nil
        }
    }

    /// The connection inside `with`: queries that wait for their answer.
    struct Session {
        let connection: PostgresConnection
        let logger: Logger

        @discardableResult
        func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
            try connection.query(query, logger: logger).wait()
        }

        func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
            try self.query(query).rows
        }

        /// Runs `body` between BEGIN and COMMIT; any error rolls back and is rethrown.
        func transaction<T>(_ begin: PostgresQuery = "BEGIN", _ body: () throws -> T) throws -> T {
            try query(begin)
            do {
                let result = try body()
                try query("COMMIT")
                return result
            } catch {
                if !connection.isClosed { _ = try? query("ROLLBACK") }
                throw error
            }
        }
    }
}
