-- Raw messages move to a table of their own, with the bytes as the row's last column.
-- Reading the list then never walks a large message's overflow pages, and a large body is
-- written through incremental BLOB I/O without SQLite first building it in memory.

CREATE TABLE message_bodies (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    raw        BLOB NOT NULL
);
INSERT INTO message_bodies (message_id, raw) SELECT id, raw FROM messages;
ALTER TABLE messages DROP COLUMN raw;
