-- Scheduled checks, the local Trash, deletions queued for the server, and UIDL pruning.

ALTER TABLE accounts ADD COLUMN check_on_startup INTEGER NOT NULL DEFAULT 1;
-- Minutes between automatic checks; NULL means only when asked.
ALTER TABLE accounts ADD COLUMN check_every_minutes INTEGER DEFAULT 10;
-- With a keep mode: deleting a message for good here deletes it on the server too.
ALTER TABLE accounts ADD COLUMN delete_on_server_when_deleted INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN include_in_get_all INTEGER NOT NULL DEFAULT 1;

-- When the message was moved to the Trash; NULL while it is not there.
ALTER TABLE messages ADD COLUMN trashed_at INTEGER;
CREATE INDEX messages_trash ON messages(trashed_at) WHERE trashed_at IS NOT NULL;

-- Since when a recorded UIDL has been absent from the server (NULL: seen at the last
-- check). A record is pruned only after 30 days of absence.
ALTER TABLE uidls ADD COLUMN missing_since INTEGER;

-- Server copies to delete at the next fetch, because the message was deleted for good here.
CREATE TABLE server_deletions (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uidl       TEXT    NOT NULL,
    queued_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, uidl)
) WITHOUT ROWID;
