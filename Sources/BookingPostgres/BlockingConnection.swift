import BookingCore
import Foundation
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
/// call connects again. No wait is unbounded: the session starts with `SharedStoreTimeouts`
/// (the server ends long lock waits, statements and transactions left idle), and the client
/// closes a connection that gives no answer within `timeouts.answer` (a network dropping
/// packets).
final class BlockingConnection: @unchecked Sendable {
    private let url: PostgresURL
    private let applicationName: String
    private let timeouts: SharedStoreTimeouts
    /// This session holds the sender role's lease: the server ends it when it goes idle.
    private let holdsLease: Bool
    /// Async callers run their blocking calls here, never on Swift's cooperative threads.
    private let queue: DispatchQueue
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let lock = NIOLock()
    private var connection: PostgresConnection?
    private var nextId = 0
    /// Statements sent, each a round trip waited for.
    private let sent = NIOLockedValueBox(0)
    var statements: Int { sent.withLockedValue { $0 } }
    /// Called, on the event loop, when a new connection is established (to LISTEN again, say).
    private let onConnect: @Sendable (PostgresConnection) -> Void

    init(url: PostgresURL, applicationName: String, timeouts: SharedStoreTimeouts = SharedStoreTimeouts(),
         holdsLease: Bool = false, eventLoop: any EventLoop, logger: Logger,
         onConnect: @escaping @Sendable (PostgresConnection) -> Void = { _ in }) {
        self.url = url
        self.applicationName = applicationName
        self.timeouts = timeouts
        self.holdsLease = holdsLease
        queue = DispatchQueue(label: "booking-monitor.postgres.\(applicationName)")
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
                return try body(Session(connection: connection, logger: logger, answerWithin: timeouts.answer, sent: sent))
            } catch let error as PSQLError {
                // PSQLError hides what happened on purpose; the store's errors say it.
                throw PostgresErrors.storeError(error)
            }
        }
    }

    /// `with`, for async callers: the blocking calls run on this connection's own queue.
    func run<T: Sendable>(_ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.with(body) }) }
        }
    }

    /// True while a connection is open (it may still fail at the next query).
    var isOpen: Bool { lock.withLock { connection.map { !$0.isClosed } ?? false } }

    private func current() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        var configuration = url.configuration
        configuration.options.connectTimeout = .milliseconds(Int64(timeouts.connect * 1000))
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
            + timeouts.startupParameters(holdsLease: holdsLease)
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
        let answerWithin: TimeInterval
        let sent: NIOLockedValueBox<Int>

        @discardableResult
        func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
            guard !connection.isClosed else { throw StoreError.unreachable("the connection to the database was closed") }
            sent.withLockedValue { $0 += 1 }
            return try bounded(connection.query(query, logger: logger))
        }

        /// Waits for `future` at most `answerWithin`; then closes the connection (the server is
        /// not answering: a cut network, a frozen server) and throws.
        func bounded<T>(_ future: EventLoopFuture<T>) throws -> T {
            // Our own promise: the wait ends at the deadline even if closing the connection
            // does not fail the query (a query sent on a connection the server has just ended
            // was seen never to complete).
            let promise = connection.eventLoop.makePromise(of: T.self)
            future.cascade(to: promise)
            let connection = connection
            let seconds = answerWithin
            let timer = connection.eventLoop.scheduleTask(in: .milliseconds(Int64(answerWithin * 1000))) {
                promise.fail(StoreError.unreachable("no answer from the database within \(Int(seconds)) s (a cut network?)"))
                let closing: EventLoopFuture<Void> = connection.close()
                _ = closing
            }
            defer { timer.cancel() }
            return try promise.futureResult.wait()
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
