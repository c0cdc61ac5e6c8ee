-- 0015: trusted devices, and what an unlock resets (docs/protocol.md §21 "Trusted devices",
-- docs/threat-model.md "Trusted devices").
--
-- A recipient who proved their address with an e-mail code may let their browser remember that
-- proof for this office: the browser keeps a random 256-bit token in its own cookie, and the
-- server keeps only the token's hash, bound to the proved address (normalized, lower case), for
-- at most the office's setting (1 to 30 days; 0 turns trusted devices off). With it, the step
-- that needs a code is satisfied without one. It is never a key: nothing it unlocks opens a
-- file without the link secret, which the server never has.
ALTER TABLE office ADD COLUMN trusted_device_days INTEGER NOT NULL DEFAULT 30
  CHECK (trusted_device_days BETWEEN 0 AND 30);

CREATE TABLE trusted_devices (
  -- tokenHash('trusted-device', token): a copied database proves nothing.
  token_hash BLOB NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
  email TEXT NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  last_used_at INTEGER NULL CHECK (last_used_at IS NULL OR last_used_at >= created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX trusted_devices_by_email ON trusted_devices (email);

-- When the office last unlocked a guest recipient or a bound drop (the page then says so until
-- the next code is asked for), and when a trusted device last stood in for a code (the sender
-- sees "opened (trusted device)" rather than "code requested").
ALTER TABLE share_recipients ADD COLUMN unlocked_at INTEGER NULL;
ALTER TABLE share_recipients ADD COLUMN trusted_at INTEGER NULL;
ALTER TABLE drops ADD COLUMN unlocked_at INTEGER NULL;
ALTER TABLE drops ADD COLUMN trusted_at INTEGER NULL;
