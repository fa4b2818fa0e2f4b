-- A certificate the user chose to trust for one account (its SHA-256 fingerprint, hex),
-- for servers with a self-signed or otherwise unverifiable certificate.

ALTER TABLE accounts ADD COLUMN pinned_cert TEXT;
