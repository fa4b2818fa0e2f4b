-- Full-text search (FTS5; text is prepared by search.rs so that Japanese words are found)
-- and indexes for sorting the list by sender, subject and size.

ALTER TABLE messages ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_unindexed ON messages(id) WHERE indexed = 0;

CREATE VIRTUAL TABLE message_search USING fts5(
    subject, sender, recipients, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.id;
END;

CREATE INDEX messages_by_from ON messages(from_addr COLLATE NOCASE, id);
CREATE INDEX messages_by_subject ON messages(subject COLLATE NOCASE, id);
DROP INDEX messages_by_size;
CREATE INDEX messages_by_size ON messages(size, id);
