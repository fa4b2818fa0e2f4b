-- Accounts that sign in with a token (OAuth2): who signs them in ('microsoft', 'google'
-- or 'custom'), and for a custom issuer its address and the app's client id. The tokens
-- are never here: they live in the system keyring.
ALTER TABLE accounts ADD COLUMN oauth_provider TEXT
    CHECK (oauth_provider IN ('microsoft', 'google', 'custom'));
ALTER TABLE accounts ADD COLUMN oauth_issuer TEXT;
ALTER TABLE accounts ADD COLUMN oauth_client_id TEXT;

-- An outgoing server that logs in with the account's sign-in ('oauth2'): the login
-- column's CHECK takes it. SQLite changes a CHECK only by building the table again.
CREATE TABLE smtp_servers_0020 (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    host         TEXT    NOT NULL CHECK (host <> ''),
    port         INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security     TEXT    NOT NULL CHECK (security IN ('tls', 'starttls', 'plain')),
    -- Empty: the incoming server's user name.
    username     TEXT    NOT NULL DEFAULT '',
    login        TEXT    NOT NULL DEFAULT 'auto'
                 CHECK (login IN ('auto', 'plain', 'login', 'cram-md5', 'oauth2', 'none',
                                  'pop-before-smtp')),
    ca_file      TEXT,
    -- 1: the outgoing server has a password of its own in the keyring.
    own_password INTEGER NOT NULL DEFAULT 0 CHECK (own_password IN (0, 1)),
    -- 'iso-2022-jp': for older Japanese mailers, where every character has a JIS code.
    charset      TEXT    NOT NULL DEFAULT 'utf-8' CHECK (charset IN ('utf-8', 'iso-2022-jp')),
    signature    TEXT    NOT NULL DEFAULT ''
);
INSERT INTO smtp_servers_0020 (account_id, host, port, security, username, login, ca_file,
                               own_password, charset, signature)
    SELECT account_id, host, port, security, username, login, ca_file, own_password, charset,
           signature
    FROM smtp_servers;
DROP TABLE smtp_servers;
ALTER TABLE smtp_servers_0020 RENAME TO smtp_servers;
