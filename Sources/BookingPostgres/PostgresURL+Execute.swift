import Logging
import BookingCore
import PostgresNIO

extension PostgresURL {
    /// Runs one statement on a connection of its own and closes it: creating a database for a
    /// benchmark, a test reading the store. Rows come back as text; the statement casts what is
    /// not (`CAST(x AS TEXT)`). Errors are in words (`StoreError`), as the store's are.
    @discardableResult
    public func execute(_ sql: String) async throws -> [[String?]] {
        let logger = Logger(label: "booking-monitor.postgres") { _ in SwiftLogNoOpLogHandler() }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw StoreError.failed("cannot connect to \(self): \(PostgresErrors.describe(error))")
        }
        do {
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { cell in try cell.decode(String?.self) })
            }
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw StoreError.failed("\(sql.prefix(60)): \(PostgresErrors.describe(error))")
        }
    }
}
