-- 0021: enrolled devices and their API tokens (docs/protocol.md "Devices", docs/threat-model.md
-- "Enrolled devices").
--
-- A device (the command-line client on an office machine) starts an enrolment with its two
-- public keys and a name; it waits at most 10 minutes for a member to approve it. Approval binds
-- it to that member (user_id) and stores what the member's browser made: the account keys
-- sealed to the device's X25519 key (the server cannot open them) and the certificate the
-- member's identity key signed. The device claims once (claimed_at): it gets the sealed keys,
-- which are then deleted here, and a bearer token. A device's id is its enrolment's id.
CREATE TABLE devices (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  encryption_public_key BLOB NOT NULL CHECK (length(encryption_public_key) = 32),
  signing_public_key BLOB NOT NULL CHECK (length(signing_public_key) = 32),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  -- The enrolment's end: approval and claim must come before it.
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  -- The time of the last claim the server accepted: a claim must name a later one (no replay).
  last_claim_time INTEGER NOT NULL DEFAULT 0,
  user_id BLOB NULL REFERENCES users (id) ON DELETE CASCADE,
  -- 'send', 'pull' or 'send,pull' (in that order).
  scopes TEXT NULL CHECK (scopes IS NULL OR scopes IN ('send', 'pull', 'send,pull')),
  sealed_keys BLOB NULL CHECK (sealed_keys IS NULL OR length(sealed_keys) = 317),
  certificate BLOB NULL CHECK (certificate IS NULL OR length(certificate) BETWEEN 64 AND 1024),
  approved_at INTEGER NULL,
  claimed_at INTEGER NULL,
  revoked_at INTEGER NULL,
  last_used_at INTEGER NULL,
  CHECK ((user_id IS NULL) = (approved_at IS NULL)),
  CHECK ((user_id IS NULL) = (scopes IS NULL) AND (user_id IS NULL) = (certificate IS NULL)),
  CHECK (claimed_at IS NULL OR (approved_at IS NOT NULL AND sealed_keys IS NULL))
) STRICT;
CREATE INDEX devices_by_user ON devices (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX devices_pending ON devices (expires_at) WHERE user_id IS NULL;

-- Bearer tokens: the device's own (label NULL, made at the claim) and API tokens made for it
-- with a subset of its scopes. Only tokenHash('device', token) is kept; revoked rows stay so a
-- revoked token is told it was revoked (401 device_revoked) rather than unknown.
CREATE TABLE device_tokens (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  device_id BLOB NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  label TEXT NULL CHECK (label IS NULL OR length(label) BETWEEN 1 AND 60),
  scopes TEXT NOT NULL CHECK (scopes IN ('send', 'pull', 'send,pull')),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  last_used_at INTEGER NULL,
  revoked_at INTEGER NULL
) STRICT;
CREATE INDEX device_tokens_by_device ON device_tokens (device_id);
