-- Per-account login method and size limit; the server's size of messages stored partially.

ALTER TABLE accounts ADD COLUMN auth TEXT NOT NULL DEFAULT 'auto';
-- Messages larger than this many bytes are stored as headers only; NULL means no limit.
ALTER TABLE accounts ADD COLUMN size_limit INTEGER;
-- For a partial message, its full size on the server.
ALTER TABLE messages ADD COLUMN server_size INTEGER;
