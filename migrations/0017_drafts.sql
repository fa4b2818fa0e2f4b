-- Drafts. A message being written is saved every few seconds while it is written, and
-- when its screen closes: as the message it would be (a row of `messages` in the built-in
-- Drafts folder, listed and read like any message) and, beside it, what was typed (JSON:
-- the account, the fields as typed, the thread, the files), to open it again where it was.
-- Saving again replaces both in one transaction.
CREATE TABLE drafts (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    typed      TEXT    NOT NULL,
    saved_at   INTEGER NOT NULL
);
