import BookingCore
import PostgresNIO

/// The schema of a shared store. The first migration is SQLite's v1 (`Migrations` in
/// BookingCore) in PostgreSQL's dialect, under the same name, so the two stores keep one
/// history; the second adds what only a shared store needs. Append; never edit a released one.
enum PostgresMigrations {
    static let all: [(name: String, sql: [PostgresQuery])] = [
        ("v1: products, queue snapshot, bookings, outbox", [
            """
            CREATE TABLE product (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                is_available BOOLEAN NOT NULL DEFAULT FALSE,
                booked_by INTEGER,
                booked_at DOUBLE PRECISION
            )
            """,
            """
            CREATE TABLE queue_snapshot (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                sequence BIGINT NOT NULL,
                received_at DOUBLE PRECISION,
                body BYTEA NOT NULL
            )
            """,
            """
            CREATE TABLE booking (
                sequence BIGSERIAL PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                product_id INTEGER NOT NULL,
                title TEXT NOT NULL,
                customer_id INTEGER NOT NULL,
                booked_at DOUBLE PRECISION NOT NULL,
                snapshot_sequence BIGINT NOT NULL
            )
            """,
            "CREATE INDEX booking_snapshot ON booking (snapshot_sequence)",
            """
            CREATE TABLE outbox (
                booking_sequence BIGINT PRIMARY KEY REFERENCES booking (sequence),
                state TEXT NOT NULL CHECK (state IN ('pending', 'parked', 'delivered')),
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                last_attempt_at DOUBLE PRECISION,
                delivered_at DOUBLE PRECISION
            )
            """,
            "CREATE INDEX outbox_undelivered ON outbox (state) WHERE state <> 'delivered'",
        ]),
        ("shared v1: group row, change versions", [
            // One row: the group this database serves, the version every commit increases
            // (and sends with NOTIFY), and running totals. Writers lock it: one order of decisions.
            """
            CREATE TABLE group_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                group_name TEXT NOT NULL,
                version BIGINT NOT NULL DEFAULT 0,
                bookings BIGINT NOT NULL DEFAULT 0,
                delivered BIGINT NOT NULL DEFAULT 0,
                queue_pushes BIGINT NOT NULL DEFAULT 0
            )
            """,
            // The version of the commit that last changed a row: an instance catches up by
            // reading the rows newer than the version it has seen.
            "ALTER TABLE product ADD COLUMN changed_version BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE queue_snapshot ADD COLUMN changed_version BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE outbox ADD COLUMN changed_version BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX product_changed ON product (changed_version)",
            "CREATE INDEX outbox_changed ON outbox (changed_version)",
        ]),
        ("v2: idempotency keys", [
            """
            CREATE TABLE idempotency_key (
                key TEXT PRIMARY KEY,
                fingerprint TEXT NOT NULL,
                status INTEGER NOT NULL,
                body BYTEA NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX idempotency_key_created ON idempotency_key (created_at)",
        ]),
        ("shared v2: sender epoch", [
            // Increased by each instance that takes the sender role: the fence a delivery mark
            // is checked against.
            "ALTER TABLE group_state ADD COLUMN sender_epoch BIGINT NOT NULL DEFAULT 0",
        ]),
        ("v4: history", HistoryTable.postgres.map { PostgresQuery(unsafeSQL: $0) }),
    ]

    /// Applies what is missing, in one transaction under an advisory lock, so instances that
    /// start together migrate once. Creates the group row on a new database.
    static func migrate(_ session: BlockingConnection.Session, group: String) throws {
        try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock(\(SharedLocks.migration.class), \(SharedLocks.migration.object))")
            try session.query("""
                CREATE TABLE IF NOT EXISTS booking_monitor_migrations (
                    name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let applied = Set(try session.rows("SELECT name FROM booking_monitor_migrations").map {
                try $0.decode(String.self)
            })
            for (name, statements) in all where !applied.contains(name) {
                for statement in statements { try session.query(statement) }
                try session.query("INSERT INTO booking_monitor_migrations (name) VALUES (\(name))")
            }
            try session.query("""
                INSERT INTO group_state (id, group_name) VALUES (1, \(group)) ON CONFLICT (id) DO NOTHING
                """)
        }
    }
}

/// Advisory lock keys (two 32-bit halves): "BM" and a role.
enum SharedLocks {
    static let migration = (class: Int32(0x424D), object: Int32(1))
    /// Held, for its session, by the one instance that delivers the outbox.
    static let sender = (class: Int32(0x424D), object: Int32(2))
}
