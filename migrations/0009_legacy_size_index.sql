-- Finding an identical message among those stored before fingerprints existed: an index
-- of just those, so that an import does not read every message of the same size.

CREATE INDEX messages_without_digest ON messages(size) WHERE digest IS NULL;
