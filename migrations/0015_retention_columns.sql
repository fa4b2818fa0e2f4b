-- The retention as data: the `keep` text ('delete', 'forever' or 'days:N') becomes a mode
-- and a number of days the database itself checks. Days above ten years are clamped to
-- 3650 (the most the settings offer); a value no release could read is carried over as
-- 'forever', which never deletes anything on the server. SQLite cannot add a constraint
-- across two columns in place, so the table is rebuilt (foreign keys are off while
-- migrations run, and checked before each commits). The rebuilt table numbers its
-- accounts with AUTOINCREMENT: an id is never given to a second account, so nothing kept
-- under a removed account's id (a keyring entry the keyring would not delete) can reach
-- a new one.

CREATE TABLE accounts_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL DEFAULT '',
    host        TEXT    NOT NULL,
    port        INTEGER NOT NULL,
    security    TEXT    NOT NULL CHECK (security IN ('tls', 'starttls', 'plain')),
    username    TEXT    NOT NULL,
    keep_mode   TEXT    NOT NULL CHECK (keep_mode IN ('delete', 'forever', 'days')),
    -- Days on the server after download, with keep_mode 'days' only.
    keep_days   INTEGER CHECK (CASE keep_mode
                                   WHEN 'days' THEN typeof(keep_days) = 'integer'
                                                    AND keep_days BETWEEN 1 AND 3650
                                   ELSE keep_days IS NULL
                               END),
    ca_file     TEXT,
    created_at  INTEGER NOT NULL,
    -- An account removed while keeping its mail: hidden and never fetched.
    removed_at  INTEGER,
    auth        TEXT    NOT NULL DEFAULT 'auto',
    size_limit  INTEGER,
    check_on_startup INTEGER NOT NULL DEFAULT 1,
    -- Minutes between automatic checks; NULL means only when asked.
    check_every_minutes INTEGER DEFAULT 10,
    -- With a keep mode: deleting a message for good here deletes it on the server too.
    delete_on_server_when_deleted INTEGER NOT NULL DEFAULT 1,
    include_in_get_all INTEGER NOT NULL DEFAULT 1,
    pinned_cert TEXT
);

WITH old AS (
    SELECT *, lower(trim(keep)) AS k,
           CASE WHEN lower(trim(keep)) GLOB 'days:[0-9]*'
                     AND substr(trim(keep), 6) NOT GLOB '*[^0-9]*'
                THEN CAST(substr(trim(keep), 6) AS INTEGER) END AS n
    FROM accounts
)
INSERT INTO accounts_new (id, name, email, host, port, security, username, keep_mode, keep_days,
                          ca_file, created_at, removed_at, auth, size_limit, check_on_startup,
                          check_every_minutes, delete_on_server_when_deleted,
                          include_in_get_all, pinned_cert)
    SELECT id, name, email, host, port, security, username,
           CASE WHEN k IN ('delete', 'forever') THEN k
                WHEN n >= 1 THEN 'days'
                ELSE 'forever' END,
           CASE WHEN k NOT IN ('delete', 'forever') AND n >= 1 THEN min(n, 3650) END,
           ca_file, created_at, removed_at, auth, size_limit, check_on_startup,
           check_every_minutes, delete_on_server_when_deleted, include_in_get_all, pinned_cert
    FROM old;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;
CREATE UNIQUE INDEX accounts_active_name ON accounts(name) WHERE removed_at IS NULL;
