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
        ("shared v3: a commit in one statement", [
            // The last booking sequence, so a writer numbers its bookings itself (the group's
            // version check makes the numbers its own) instead of asking the sequence.
            "ALTER TABLE group_state ADD COLUMN last_sequence BIGINT NOT NULL DEFAULT 0",
            "UPDATE group_state SET last_sequence = COALESCE((SELECT max(sequence) FROM booking), 0)",
            // What changed after version `since`: the group row, then products by id, then events
            // in booking order, then a 'snapshot' row when the queue snapshot was replaced (its
            // body is read apart). One statement, so a catch-up is one round trip.
            """
            CREATE FUNCTION booking_monitor_delta(since BIGINT) RETURNS TABLE (kind TEXT, body TEXT)
            LANGUAGE sql STABLE AS $$
                SELECT kind, body FROM (
                    SELECT 0 AS rank, 0::BIGINT AS key, 'group' AS kind,
                           json_build_array(version, bookings, delivered, queue_pushes, last_sequence)::TEXT AS body
                    FROM group_state WHERE id = 1
                    UNION ALL
                    SELECT 1, id, 'product', json_build_array(id, title, description, is_available, booked_by, booked_at)::TEXT
                    FROM product WHERE changed_version > since
                    UNION ALL
                    SELECT 2, b.sequence, 'event',
                           json_build_array(b.sequence, b.id, b.product_id, b.title, b.customer_id, b.booked_at,
                                            b.snapshot_sequence, o.state, o.attempts, o.last_error, o.last_attempt_at,
                                            o.delivered_at)::TEXT
                    FROM outbox o JOIN booking b ON b.sequence = o.booking_sequence WHERE o.changed_version > since
                    UNION ALL
                    SELECT 3, 0, 'snapshot', NULL FROM queue_snapshot WHERE id = 1 AND changed_version > since
                ) AS delta ORDER BY rank, key
            $$
            """,
            // A whole write transaction in one statement (so one round trip, and no lock held
            // while a client thinks): locks the group row; when another instance committed since
            // `expected`, writes nothing and answers 'conflict' with what changed (the writer
            // plans again on it); else applies `writes` (JSON, see PostgresStore.Writes) and the
            // snapshot, increases the version, notifies, and answers 'committed'.
            // SQLSTATE BM001: a product to book is not available; BM002: the sender's epoch is
            // not the group's any more (another instance took the role).
            """
            CREATE FUNCTION booking_monitor_commit(expected BIGINT, epoch BIGINT, writes JSONB,
                                                   snapshot_sequence BIGINT, snapshot_received_at DOUBLE PRECISION,
                                                   snapshot_body BYTEA)
            RETURNS TABLE (kind TEXT, body TEXT) LANGUAGE plpgsql AS $$
            DECLARE
                v_current BIGINT;
                v_next BIGINT;
                r RECORD;
            BEGIN
                SELECT g.version INTO v_current FROM group_state g WHERE g.id = 1 FOR UPDATE;
                IF v_current <> expected THEN
                    RETURN QUERY SELECT 'conflict'::TEXT, v_current::TEXT
                        UNION ALL SELECT d.kind, d.body FROM booking_monitor_delta(expected) d;
                    RETURN;
                END IF;
                v_next := v_current + 1;
                INSERT INTO product (id, title, description, is_available, changed_version)
                    SELECT c.id, c.title, c.description, c.available, v_next
                    FROM jsonb_to_recordset(COALESCE(writes->'catalog', '[]')) AS c (id INT, title TEXT, description TEXT, available BOOL)
                    ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
                        changed_version = excluded.changed_version
                    WHERE product.title <> excluded.title OR product.description <> excluded.description;
                FOR r IN SELECT * FROM jsonb_to_recordset(COALESCE(writes->'flips', '[]')) AS f (id INT, available BOOL, "by" INT, "at" DOUBLE PRECISION) LOOP
                    UPDATE product SET is_available = r.available, booked_by = r."by", booked_at = r."at", changed_version = v_next
                    WHERE id = r.id;
                END LOOP;
                FOR r IN SELECT * FROM jsonb_to_recordset(COALESCE(writes->'books', '[]')) AS k (id INT, "by" INT, "at" DOUBLE PRECISION) LOOP
                    UPDATE product SET is_available = FALSE, booked_by = r."by", booked_at = r."at", changed_version = v_next
                    WHERE id = r.id AND is_available;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'product % is not available', r.id USING ERRCODE = 'BM001', DETAIL = r.id::TEXT;
                    END IF;
                END LOOP;
                IF snapshot_body IS NOT NULL THEN
                    INSERT INTO queue_snapshot (id, sequence, received_at, body, changed_version)
                    VALUES (1, snapshot_sequence, snapshot_received_at, snapshot_body, v_next)
                    ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, received_at = excluded.received_at,
                        body = excluded.body, changed_version = excluded.changed_version;
                END IF;
                INSERT INTO booking (sequence, id, product_id, title, customer_id, booked_at, snapshot_sequence)
                    SELECT b.sequence, b.id, b.product, b.title, b.customer, b."at", b.snapshot
                    FROM jsonb_to_recordset(COALESCE(writes->'bookings', '[]'))
                        AS b (sequence BIGINT, id TEXT, product INT, title TEXT, customer INT, "at" DOUBLE PRECISION, snapshot BIGINT)
                    ORDER BY b.sequence;
                INSERT INTO outbox (booking_sequence, state, changed_version)
                    SELECT b.sequence, 'pending', v_next
                    FROM jsonb_to_recordset(COALESCE(writes->'bookings', '[]')) AS b (sequence BIGINT);
                FOR r IN SELECT * FROM jsonb_to_recordset(COALESCE(writes->'outbox', '[]'))
                        AS o (sequence BIGINT, state TEXT, attempts INT, error TEXT, "attemptAt" DOUBLE PRECISION,
                              "deliveredAt" DOUBLE PRECISION, fenced BOOL) LOOP
                    IF r.fenced AND (SELECT g.sender_epoch FROM group_state g WHERE g.id = 1) IS DISTINCT FROM epoch THEN
                        RAISE EXCEPTION 'not the sender any more' USING ERRCODE = 'BM002', DETAIL = r.sequence::TEXT;
                    END IF;
                    UPDATE outbox SET state = r.state, attempts = r.attempts, last_error = r.error,
                        last_attempt_at = r."attemptAt", delivered_at = r."deliveredAt", changed_version = v_next
                    WHERE booking_sequence = r.sequence;
                END LOOP;
                INSERT INTO idempotency_key (key, fingerprint, status, body, created_at)
                    SELECT i.key, i.fingerprint, i.status, decode(i.body, 'base64'), i."at"
                    FROM jsonb_to_recordset(COALESCE(writes->'remember', '[]'))
                        AS i (key TEXT, fingerprint TEXT, status INT, body TEXT, "at" DOUBLE PRECISION)
                    ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
                        body = excluded.body, created_at = excluded.created_at;
                INSERT INTO history (at, kind, source, instance, product_id, customer_id, title, booking_id, summary, detail)
                    SELECT h."at", h.kind, h.source, h.instance, h.product, h.customer, h.title, h.booking, h.summary, h.detail
                    FROM jsonb_to_recordset(COALESCE(writes->'history', '[]'))
                        AS h ("at" DOUBLE PRECISION, kind TEXT, source TEXT, instance TEXT, product INT, customer INT,
                              title TEXT, booking TEXT, summary TEXT, detail TEXT);
                IF writes ? 'pruneHistory' THEN
                    DELETE FROM history WHERE at < (writes->'pruneHistory'->>'before')::DOUBLE PRECISION;
                    DELETE FROM history WHERE sequence <= (SELECT max(sequence) FROM history)
                        - (writes->'pruneHistory'->>'keepRows')::BIGINT;
                END IF;
                IF writes ? 'forgetBefore' THEN
                    DELETE FROM idempotency_key WHERE created_at < (writes->>'forgetBefore')::DOUBLE PRECISION;
                END IF;
                UPDATE group_state SET version = v_next,
                    bookings = bookings + jsonb_array_length(COALESCE(writes->'bookings', '[]')),
                    delivered = delivered + COALESCE((writes->>'delivered')::BIGINT, 0),
                    queue_pushes = GREATEST(queue_pushes, COALESCE(snapshot_sequence, 0)),
                    last_sequence = GREATEST(last_sequence, COALESCE(
                        (SELECT max((b->>'sequence')::BIGINT) FROM jsonb_array_elements(COALESCE(writes->'bookings', '[]')) b), 0))
                WHERE id = 1;
                PERFORM pg_notify('booking_monitor', v_next::TEXT);
                RETURN QUERY SELECT 'committed'::TEXT, v_next::TEXT;
            END
            $$
            """,
        ]),
        ("v4: history", HistoryTable.postgres.map { PostgresQuery(unsafeSQL: $0) }),
        ("v5: a row per queue", [
            // A push writes the rows of the queues it changed; an instance catching up reads the
            // rows newer than its version. `entries` NULL: the snapshot is still v1's body.
            """
            CREATE TABLE queue_entry (
                position INTEGER PRIMARY KEY,
                title BYTEA NOT NULL,  -- UTF-8 bytes: a title may hold U+0000, which TEXT refuses
                customers BYTEA NOT NULL,
                changed_version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX queue_entry_changed ON queue_entry (changed_version)",
            "ALTER TABLE queue_snapshot ADD COLUMN entries INTEGER",
            // booking_monitor_commit without a body, then, once it committed, the queue rows of
            // the push (`p_positions`: those that changed) and its header, in the same statement
            // and so under the same lock.
            """
            CREATE FUNCTION booking_monitor_commit_queues(expected BIGINT, epoch BIGINT, writes JSONB,
                                                          snapshot_sequence BIGINT, snapshot_received_at DOUBLE PRECISION,
                                                          p_entries INTEGER, p_positions INTEGER[], p_titles BYTEA[],
                                                          p_customers BYTEA[])
            RETURNS TABLE (kind TEXT, body TEXT) LANGUAGE plpgsql AS $$
            #variable_conflict use_column
            DECLARE
                v_next BIGINT;
                r RECORD;
            BEGIN
                FOR r IN SELECT c.kind, c.body FROM booking_monitor_commit(expected, epoch, writes, snapshot_sequence,
                                                                         snapshot_received_at, NULL) c LOOP
                    kind := r.kind;
                    body := r.body;
                    RETURN NEXT;
                    IF r.kind = 'committed' THEN v_next := r.body::BIGINT; END IF;
                END LOOP;
                IF v_next IS NULL OR p_entries IS NULL THEN RETURN; END IF;
                DELETE FROM queue_entry WHERE position >= p_entries;
                INSERT INTO queue_entry (position, title, customers, changed_version)
                    SELECT u.position, u.title, u.customers, v_next
                    FROM unnest(p_positions, p_titles, p_customers) AS u (position, title, customers)
                    ON CONFLICT (position) DO UPDATE SET title = excluded.title, customers = excluded.customers,
                        changed_version = excluded.changed_version;
                INSERT INTO queue_snapshot (id, sequence, received_at, body, changed_version, entries)
                    VALUES (1, snapshot_sequence, snapshot_received_at, '', v_next, p_entries)
                    ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, received_at = excluded.received_at,
                        body = excluded.body, changed_version = excluded.changed_version, entries = excluded.entries;
            END
            $$
            """,
        ]),
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
