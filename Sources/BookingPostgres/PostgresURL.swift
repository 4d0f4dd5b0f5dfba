import Foundation
import PostgresNIO

/// `postgres://user:password@host:port/database`, as `--db` takes it. `postgresql://` too;
/// the port defaults to 5432, the user to `postgres`, the database to the user's name.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    /// Nil when `text` is not a PostgreSQL URL at all (then `--db` is a SQLite path).
    public init?(_ text: String) throws(InvalidURL) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else { return nil }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw InvalidURL(text: text, problem: "it has no host, or its port is not a number")
        }
        if components.port == nil, text.dropFirst(text.hasPrefix("postgres://") ? 11 : 13).contains(":"),
           !(components.user != nil && components.password != nil) {
            throw InvalidURL(text: text, problem: "its port is not a number")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw InvalidURL(text: text, problem: "its port \(port) is not 1…65535")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding ?? $0 } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else { throw InvalidURL(text: text, problem: "the database name \"\(path)\" has a /") }
        database = path.isEmpty ? user : path
    }

    /// Host, port and database; never the password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                         database: database, tls: .disable)
    }

    public struct InvalidURL: Error, CustomStringConvertible {
        public var text: String
        public var problem: String
        public var description: String {
            "--db \(text): not a usable PostgreSQL URL (\(problem)); expected postgres://user:password@host:port/database"
        }
    }
}
