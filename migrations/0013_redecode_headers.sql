-- Header decoding learned to join split encoded words, carry ISO-2022-JP shift state,
-- read mislabelled charsets and RFC 2231 names (issue 14). Stored list columns and the
-- search index were made by the old decoder: index every message again; the indexer
-- writes the list's sender and subject from the new decoding as it goes.
INSERT INTO message_search (message_search) VALUES ('delete-all');
UPDATE messages SET indexed = 0;
