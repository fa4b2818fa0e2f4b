-- Local folders (for imported mail and the user's own filing), application settings, and
-- messages that belong to no account (imported ones). SQLite cannot relax a NOT NULL
-- constraint in place, so the messages table is rebuilt (foreign keys are off while
-- migrations run, and checked before each commits).

CREATE TABLE folders (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE messages_new (
    id          INTEGER PRIMARY KEY,
    -- NULL for mail that came from elsewhere (imported).
    account_id  INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    -- NULL: the account's inbox.
    folder_id   INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    uidl        TEXT,
    size        INTEGER NOT NULL,
    from_addr   TEXT    NOT NULL DEFAULT '',
    to_addr     TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    date        INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    read        INTEGER NOT NULL DEFAULT 0,
    partial     INTEGER NOT NULL DEFAULT 0,
    server_size INTEGER,
    trashed_at  INTEGER
);
INSERT INTO messages_new (id, account_id, folder_id, uidl, size, from_addr, to_addr, subject,
                          date, received_at, read, partial, server_size, trashed_at)
    SELECT id, account_id, NULL, uidl, size, from_addr, to_addr, subject,
           date, received_at, read, partial, server_size, trashed_at
    FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

CREATE INDEX messages_by_date ON messages(date DESC, id DESC);
CREATE INDEX messages_by_account_date ON messages(account_id, date DESC, id DESC);
CREATE INDEX messages_by_folder_date ON messages(folder_id, date DESC, id DESC);
CREATE INDEX messages_trash ON messages(trashed_at) WHERE trashed_at IS NOT NULL;
CREATE INDEX messages_by_size ON messages(size);
