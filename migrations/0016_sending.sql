-- Sending. Each account may have an outgoing (SMTP submission) server; the messages written
-- here live in built-in folders (the Outbox until the server takes them, then Sent), and
-- beside each one its envelope and how delivery went.
--
-- Built-in folders are rows of `folders` with a role. Their names are the catalogs' (the
-- stored name is only for whoever reads the database), so a local folder the user called
-- "Sent" stays theirs: names are unique among local folders only. SQLite cannot change a
-- table's constraints in place, so `folders` is rebuilt with the same ids (foreign keys
-- are off while migrations run, and checked before each commits).

CREATE TABLE folders_new (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    role       TEXT    UNIQUE CHECK (role IN ('outbox', 'sent', 'drafts', 'junk'))
);
INSERT INTO folders_new (id, name, created_at) SELECT id, name, created_at FROM folders;
DROP TABLE folders;
ALTER TABLE folders_new RENAME TO folders;
CREATE UNIQUE INDEX folders_local_name ON folders(name) WHERE role IS NULL;

CREATE TABLE smtp_servers (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    host         TEXT    NOT NULL CHECK (host <> ''),
    port         INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security     TEXT    NOT NULL CHECK (security IN ('tls', 'starttls', 'plain')),
    -- Empty: the incoming server's user name.
    username     TEXT    NOT NULL DEFAULT '',
    login        TEXT    NOT NULL DEFAULT 'auto'
                 CHECK (login IN ('auto', 'plain', 'login', 'cram-md5', 'none',
                                  'pop-before-smtp')),
    ca_file      TEXT,
    -- 1: the outgoing server has a password of its own in the keyring.
    own_password INTEGER NOT NULL DEFAULT 0 CHECK (own_password IN (0, 1)),
    -- 'iso-2022-jp': for older Japanese mailers, where every character has a JIS code.
    charset      TEXT    NOT NULL DEFAULT 'utf-8' CHECK (charset IN ('utf-8', 'iso-2022-jp')),
    signature    TEXT    NOT NULL DEFAULT ''
);

-- A message written here: its envelope (the Bcc recipients are only here, never in the
-- bytes) and its delivery. In the Outbox while sent_at is NULL; `refused` when the server
-- refused it for good (5xx): it then waits for the user instead of being tried again.
CREATE TABLE outgoing (
    message_id      INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    sender          TEXT    NOT NULL,
    -- One address per line: To, Cc and Bcc, each once.
    recipients      TEXT    NOT NULL CHECK (recipients <> ''),
    -- One address per line: the Bcc recipients, to be shown with the Sent copy.
    bcc             TEXT    NOT NULL DEFAULT '',
    message_id_header TEXT  NOT NULL DEFAULT '',
    queued_at       INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at INTEGER,
    last_error      TEXT,
    refused         INTEGER NOT NULL DEFAULT 0 CHECK (refused IN (0, 1)),
    sent_at         INTEGER
);
CREATE INDEX outgoing_queued ON outgoing(message_id) WHERE sent_at IS NULL;
