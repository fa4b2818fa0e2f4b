-- Mail of no account that was in no folder (its folder deleted while it sat in the Trash,
-- then taken out of it) was in no view at all. It goes to "Imported", where imports go;
-- Store::restore files such mail there from now on.
INSERT OR IGNORE INTO folders (name, created_at)
    SELECT 'Imported', CAST(strftime('%s', 'now') AS INTEGER)
    WHERE EXISTS (SELECT 1 FROM messages
                  WHERE account_id IS NULL AND folder_id IS NULL AND trashed_at IS NULL);
UPDATE messages SET folder_id = (SELECT id FROM folders WHERE name = 'Imported')
    WHERE account_id IS NULL AND folder_id IS NULL AND trashed_at IS NULL;
