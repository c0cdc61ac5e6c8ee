-- The server's half of a session's kept keys (docs/protocol.md §29): 32 random bytes, made on
-- the session's first request for it and handed only to that live session. It lives and dies
-- with the session row (sign-out, expiry, "sign out everywhere", a password change, recovery,
-- disabling), so once the session has ended what the browser kept opens nothing.
ALTER TABLE sessions ADD COLUMN keep_half BLOB CHECK (keep_half IS NULL OR length(keep_half) = 32);
