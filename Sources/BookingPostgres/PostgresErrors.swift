import BookingCore
import PostgresNIO

public enum PostgresErrors {
    /// A PostgreSQL error in words: the server's message, or what failed underneath (a refused
    /// connection). PSQLError's own description hides both on purpose.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return error.serverInfo?[.sqlState].map { "\(message) (SQLSTATE \($0))" } ?? message
        }
        if let underlying = error.underlying {
            let text = "\(underlying)"
            if text.contains("Connection refused") { return "connection refused: is PostgreSQL running there?" }
            return text
        }
        return "\(error.code)"
    }

    /// SQLSTATEs that mean "not now": the server ended a wait it was told to bound, or the
    /// session. The change was not made; sending it again is right.
    static let notNow: [String: String] = [
        "55P03": "another instance holds the group's lock (frozen or cut off?)",
        "57014": "the statement took longer than allowed",
        "25P03": "the transaction was left idle too long and ended by the server",
        "57P05": "the session was left idle too long and ended by the server",
        "57P01": "the server is shutting down",
        "40P01": "a deadlock was broken",
        "40001": "a serialization conflict",
    ]

    /// The store's error for a PostgreSQL error: `unreachable` (503) for a lost connection or a
    /// bounded wait the server ended, `failed` for a refused statement.
    static func storeError(_ error: PSQLError) -> StoreError {
        guard let info = error.serverInfo else { return .unreachable(describe(error)) }
        // Raised by booking_monitor_commit (PostgresMigrations): the whole transaction was refused.
        switch info[.sqlState] {
        case "BM001": return .notAvailable(productId: Int32(info[.detail] ?? "") ?? 0)
        case "BM002":
            return .failed("not the sender any more (another instance took the role): delivery of booking sequence "
                           + "\(info[.detail] ?? "?") not recorded; the sender sends it again with the same key")
        default: break
        }
        if let state = info[.sqlState], let meaning = notNow[state] {
            return .unreachable("\(meaning): \(describe(error))")
        }
        return .failed(describe(error))
    }
}
