/// The `history` table, one schema in two dialects: every recorded change, written in the
/// transaction that made it. `sequence` orders entries; `at` is seconds since 1970; `detail`
/// a JSON object. The partial indexes serve the API's filters, newest first.
public enum HistoryTable {
    public static let sqlite = """
        CREATE TABLE history (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            source TEXT,
            instance TEXT,
            product_id INTEGER,
            customer_id INTEGER,
            title TEXT,
            booking_id TEXT,
            summary TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX history_at ON history (at);
        CREATE INDEX history_product ON history (product_id, sequence) WHERE product_id IS NOT NULL;
        CREATE INDEX history_customer ON history (customer_id, sequence) WHERE customer_id IS NOT NULL;
        CREATE INDEX history_title ON history (title, sequence) WHERE title IS NOT NULL;
        CREATE INDEX history_kind ON history (kind, sequence);
        """

    /// PostgreSQL's, one statement per element.
    public static let postgres = [
        """
        CREATE TABLE history (
            sequence BIGSERIAL PRIMARY KEY,
            at DOUBLE PRECISION NOT NULL,
            kind TEXT NOT NULL,
            source TEXT,
            instance TEXT,
            product_id INTEGER,
            customer_id INTEGER,
            title TEXT,
            booking_id TEXT,
            summary TEXT NOT NULL,
            detail TEXT
        )
        """,
        "CREATE INDEX history_at ON history (at)",
        "CREATE INDEX history_product ON history (product_id, sequence) WHERE product_id IS NOT NULL",
        "CREATE INDEX history_customer ON history (customer_id, sequence) WHERE customer_id IS NOT NULL",
        "CREATE INDEX history_title ON history (title, sequence) WHERE title IS NOT NULL",
        "CREATE INDEX history_kind ON history (kind, sequence)",
    ]

    /// The columns in `HistoryEntry` order, for both stores' SELECTs.
    public static let columns = "sequence, at, kind, source, instance, product_id, customer_id, title, booking_id, summary, detail"
}

/// A bound value of a history query, for either dialect.
public enum HistoryBind: Sendable, Equatable {
    case int(Int64), text(String), real(Double)
}

extension HistoryQuery {
    /// The WHERE clause (empty when nothing is filtered) and its values in order; `placeholder`
    /// spells the n-th parameter (`?` for SQLite, `$n` for PostgreSQL).
    public func whereClause(placeholder: (Int) -> String) -> (sql: String, binds: [HistoryBind]) {
        var conditions: [String] = []
        var binds: [HistoryBind] = []
        func add(_ column: String, _ op: String, _ value: HistoryBind) {
            binds.append(value)
            conditions.append("\(column) \(op) \(placeholder(binds.count))")
        }
        if let productId { add("product_id", "=", .int(Int64(productId))) }
        if let customerId { add("customer_id", "=", .int(Int64(customerId))) }
        if let title { add("title", "=", .text(title)) }
        if let kind { add("kind", "=", .text(kind.rawValue)) }
        if let since { add("at", ">=", .real(since.timeIntervalSince1970)) }
        if let until { add("at", "<=", .real(until.timeIntervalSince1970)) }
        if withoutAttempts { conditions.append("kind <> 'attempt'") }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), binds)
    }

    /// The whole SELECT, newest first.
    public func select(placeholder: (Int) -> String) -> (sql: String, binds: [HistoryBind]) {
        let (condition, binds) = whereClause(placeholder: placeholder)
        let limit = max(0, min(self.limit, Self.maxLimit))
        return ("SELECT \(HistoryTable.columns) FROM history \(condition) ORDER BY sequence DESC LIMIT \(limit)", binds)
    }
}
