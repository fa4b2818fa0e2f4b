-- Poplar's first schema. Applied once, in a transaction, when PRAGMA user_version < 1.

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL DEFAULT '',
    host        TEXT    NOT NULL,
    port        INTEGER NOT NULL,
    security    TEXT    NOT NULL CHECK (security IN ('tls', 'starttls', 'plain')),
    username    TEXT    NOT NULL,
    -- 'delete', 'forever' or 'days:N'
    keep        TEXT    NOT NULL,
    ca_file     TEXT,
    created_at  INTEGER NOT NULL,
    -- An account removed while keeping its mail: hidden and never fetched.
    removed_at  INTEGER
);
CREATE UNIQUE INDEX accounts_active_name ON accounts(name) WHERE removed_at IS NULL;

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uidl        TEXT,
    -- The message exactly as the server sent it, after dot-unstuffing.
    raw         BLOB    NOT NULL,
    size        INTEGER NOT NULL,
    from_addr   TEXT    NOT NULL DEFAULT '',
    to_addr     TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    -- Seconds since the epoch from the Date header, or the download time without one.
    date        INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    read        INTEGER NOT NULL DEFAULT 0,
    partial     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_by_date ON messages(date DESC, id DESC);
CREATE INDEX messages_by_account_date ON messages(account_id, date DESC, id DESC);

-- Every UIDL ever downloaded, per account. Recorded in the same transaction as the message,
-- in every retention mode, so a session whose deletions the server rolled back never brings
-- a second copy.
CREATE TABLE uidls (
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uidl              TEXT    NOT NULL,
    message_id        INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    downloaded_at     INTEGER NOT NULL,
    deleted_on_server INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, uidl)
) WITHOUT ROWID;
