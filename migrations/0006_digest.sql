-- An MD5 digest of each message's bytes, to find an identical message quickly (imports
-- skip what is already here). Not a security measure: matches are compared byte for byte.
-- Messages stored before this have none and are compared by size instead.

ALTER TABLE messages ADD COLUMN digest BLOB;
CREATE INDEX messages_by_digest ON messages(digest) WHERE digest IS NOT NULL;
