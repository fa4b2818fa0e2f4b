-- Sorting rules (振り分け): an ordered list, each for every account or for one, applied
-- at fetch time in the transaction that stores the message. The conditions and the
-- actions are JSON lists (rules::Condition, rules::Action); a rule whose JSON this
-- version cannot read is left out of sorting, never guessed at.
CREATE TABLE rules (
    id         INTEGER PRIMARY KEY,
    position   INTEGER NOT NULL,
    name       TEXT    NOT NULL UNIQUE CHECK (name <> ''),
    account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    match_any  INTEGER NOT NULL DEFAULT 0 CHECK (match_any IN (0, 1)),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    conditions TEXT    NOT NULL,
    actions    TEXT    NOT NULL
);
CREATE INDEX rules_order ON rules(position);
