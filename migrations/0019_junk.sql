-- The junk filter (junk::Model): how many junk and good messages were trained, how many
-- of each held every token, and what each trained message was trained as, with the very
-- tokens it was trained on (so "Not junk" on a message trained as junk takes back
-- exactly that training, even when the message was completed since, and training a
-- message twice counts it once). The training stays in the counts when the message
-- itself is deleted. `generation` changes with every training, so a cached model knows
-- it is out of date.
CREATE TABLE junk_totals (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    junk       INTEGER NOT NULL DEFAULT 0 CHECK (junk >= 0),
    good       INTEGER NOT NULL DEFAULT 0 CHECK (good >= 0),
    generation INTEGER NOT NULL DEFAULT 0
);
INSERT INTO junk_totals (id) VALUES (1);

CREATE TABLE junk_tokens (
    token TEXT    PRIMARY KEY,
    junk  INTEGER NOT NULL CHECK (junk >= 0),
    good  INTEGER NOT NULL CHECK (good >= 0)
) WITHOUT ROWID;

CREATE TABLE junk_trained (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('junk', 'good')),
    -- The tokens, one a line (a token never holds a line break).
    tokens     TEXT    NOT NULL
);

-- When a message went into the Junk folder: junk older than the preference's days is
-- emptied into the Trash, counted from then (not from when it arrived).
ALTER TABLE messages ADD COLUMN junk_at INTEGER;
