-- Unread counts for the sidebar (every account's inbox and every local folder) are read
-- after each change; this index holds only the unread messages, so counting them does not
-- scan a 100,000-message mailbox.
CREATE INDEX messages_unread ON messages(account_id, folder_id)
    WHERE read = 0 AND trashed_at IS NULL;
