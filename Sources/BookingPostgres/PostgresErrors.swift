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
}
