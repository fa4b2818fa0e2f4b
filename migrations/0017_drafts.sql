-- Drafts. A message being written is saved every few seconds while it is written, and
-- when its screen closes: as a message in the built-in Drafts folder (its text, listed and
-- read like any message), with what was typed beside it (JSON: the account, the fields as
-- typed, the thread) and its files in `draft_files`, written only when they change. A
-- draft is saved again in place: its id stays while it is being written.
CREATE TABLE drafts (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    typed      TEXT    NOT NULL,
    saved_at   INTEGER NOT NULL
);

CREATE TABLE draft_files (
    message_id   INTEGER NOT NULL REFERENCES drafts(message_id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    PRIMARY KEY (message_id, position)
);
