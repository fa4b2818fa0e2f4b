-- Accounts that sign in with a token (OAuth2): who signs them in ('microsoft', 'google'
-- or 'custom'), and for a custom issuer its address and the app's client id. The tokens
-- are never here: they live in the system keyring.
ALTER TABLE accounts ADD COLUMN oauth_provider TEXT
    CHECK (oauth_provider IN ('microsoft', 'google', 'custom'));
ALTER TABLE accounts ADD COLUMN oauth_issuer TEXT;
ALTER TABLE accounts ADD COLUMN oauth_client_id TEXT;
