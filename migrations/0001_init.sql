-- 0001: first-run setup links.
-- Times are milliseconds since the Unix epoch (UTC), as the server's clock gives them.

-- A setup link `<PUBLIC_URL>/setup#<token>` lets its holder create the first admin account.
-- Only the token's tagged hash is stored (tokenHash('setup', token)), so a copy of the
-- database cannot be turned into a working link. A row with used_at set means setup is done.
CREATE TABLE setup_tokens (
  token_hash BLOB NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  used_at INTEGER NULL CHECK (used_at IS NULL OR used_at >= created_at)
) STRICT, WITHOUT ROWID;
