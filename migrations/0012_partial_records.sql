-- A message stored as headers only (over the account's size limit) stays on the server
-- whatever the retention, until its whole is stored here or it is deleted here for good:
-- its UIDL record says so, also after its local copy is gone.
ALTER TABLE uidls ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
UPDATE uidls SET partial = 1
 WHERE message_id IN (SELECT id FROM messages WHERE partial = 1);
