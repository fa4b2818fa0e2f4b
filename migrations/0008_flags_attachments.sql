-- Flagged messages, and how many attachments a message has (found when it is indexed).

ALTER TABLE messages ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN attachments INTEGER NOT NULL DEFAULT 0;
