import GRDB

enum Migrations {
    /// Append new migrations; never edit a released one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: products, queue snapshot, bookings, outbox") { db in
            try db.execute(sql: """
                CREATE TABLE product (
                    id INTEGER PRIMARY KEY,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    is_available BOOLEAN NOT NULL DEFAULT 0,
                    booked_by INTEGER,
                    booked_at REAL
                );
                -- One row: the last set-queue push, whole. Queues are read and replaced as a unit.
                CREATE TABLE queue_snapshot (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    sequence INTEGER NOT NULL,
                    received_at REAL,
                    body BLOB NOT NULL
                );
                CREATE TABLE booking (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    product_id INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    customer_id INTEGER NOT NULL,
                    booked_at REAL NOT NULL,
                    snapshot_sequence INTEGER NOT NULL
                );
                CREATE INDEX booking_snapshot ON booking (snapshot_sequence);
                CREATE TABLE outbox (
                    booking_sequence INTEGER PRIMARY KEY REFERENCES booking (sequence),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'parked', 'delivered')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    last_attempt_at REAL,
                    delivered_at REAL
                );
                CREATE INDEX outbox_undelivered ON outbox (state) WHERE state != 'delivered';
                """)
        }
        migrator.registerMigration("v2: idempotency keys") { db in
            try db.execute(sql: """
                -- The first answer to a state-changing request sent with an Idempotency-Key,
                -- written in the transaction that made the change.
                CREATE TABLE idempotency_key (
                    key TEXT PRIMARY KEY,
                    fingerprint TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
                """)
        }
        migrator.registerMigration("v3: settings (the group the store is run for)") { db in
            try db.execute(sql: "CREATE TABLE setting (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        migrator.registerMigration("v4: history") { db in
            try db.execute(sql: HistoryTable.sqlite)
        }
        migrator.registerMigration("v5: a row per queue") { db in
            // A push writes the rows of the queues it changed, not the whole snapshot again.
            // `entries` NULL: the snapshot is still v1's body (read until the next push).
            try db.execute(sql: """
                CREATE TABLE queue_entry (
                    position INTEGER PRIMARY KEY,
                    title BLOB NOT NULL, -- UTF-8 bytes: text would end a title at a U+0000

                    customers BLOB NOT NULL
                );
                ALTER TABLE queue_snapshot ADD COLUMN entries INTEGER;
                """)
        }
        return migrator
    }
}
