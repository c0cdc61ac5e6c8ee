-- 0002: accounts. The office and its keys, users, invitations, sessions, sign-in tickets,
-- backup codes, rate limits, and the append-only audit log.
--
-- What the server keeps of a user is public keys, sealed bundles, certificates and keyed
-- hashes: nothing here opens a file or a private key (docs/protocol.md §7–§9, §16).
-- Times are milliseconds since the Unix epoch (UTC). Ids are 16 random bytes.

-- The office: one row, made by the first admin at setup.
CREATE TABLE office (
  slot INTEGER NOT NULL PRIMARY KEY CHECK (slot = 1),
  id BLOB NOT NULL CHECK (length(id) = 16),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  signing_public_key BLOB NOT NULL CHECK (length(signing_public_key) = 32),
  encryption_public_key BLOB NOT NULL CHECK (length(encryption_public_key) = 32),
  -- The signing key's signed statement about the encryption key (protocol §9).
  encryption_key_statement BLOB NOT NULL CHECK (length(encryption_key_statement) BETWEEN 72 AND 4096),
  require_two_factor INTEGER NOT NULL DEFAULT 0 CHECK (require_two_factor IN (0, 1)),
  max_expiry_days INTEGER NOT NULL DEFAULT 30 CHECK (max_expiry_days BETWEEN 1 AND 365),
  retention_days INTEGER NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 1 AND 3650),
  logo BLOB NULL CHECK (logo IS NULL OR length(logo) BETWEEN 16 AND 524288),
  logo_type TEXT NULL CHECK (logo_type IN ('image/png', 'image/jpeg', 'image/webp')),
  -- Bumped on every logo change, so the logo URL changes and caches let go of the old one.
  logo_version INTEGER NOT NULL DEFAULT 0 CHECK (logo_version >= 0),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  CHECK ((logo IS NULL) = (logo_type IS NULL))
) STRICT;

-- A member of the office. Until an admin approves them (certificate + sealed office keys),
-- approval is 'pending'. After an admin reset, the old keys are gone ('reset') until the
-- user sets new ones through the reset link.
CREATE TABLE users (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'client')),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  approval TEXT NOT NULL CHECK (approval IN ('pending', 'approved', 'reset')),
  kdf_salt BLOB NULL CHECK (kdf_salt IS NULL OR length(kdf_salt) = 16),
  kdf_ops INTEGER NULL CHECK (kdf_ops IS NULL OR kdf_ops BETWEEN 1 AND 100),
  kdf_mem INTEGER NULL CHECK (kdf_mem IS NULL OR kdf_mem BETWEEN 1024 AND 1073741824),
  -- MAC(serverKey, auth-verifier, userId, authKey): the auth key itself is never stored.
  auth_verifier BLOB NULL CHECK (auth_verifier IS NULL OR length(auth_verifier) = 32),
  recovery_verifier BLOB NULL CHECK (recovery_verifier IS NULL OR length(recovery_verifier) = 32),
  identity_public_key BLOB NULL CHECK (identity_public_key IS NULL OR length(identity_public_key) = 32),
  encryption_public_key BLOB NULL CHECK (encryption_public_key IS NULL OR length(encryption_public_key) = 32),
  encryption_key_signature BLOB NULL CHECK (encryption_key_signature IS NULL OR length(encryption_key_signature) = 64),
  password_bundle BLOB NULL CHECK (password_bundle IS NULL OR length(password_bundle) = 140),
  recovery_bundle BLOB NULL CHECK (recovery_bundle IS NULL OR length(recovery_bundle) = 140),
  certificate BLOB NULL CHECK (certificate IS NULL OR length(certificate) BETWEEN 72 AND 4096),
  -- The version of the newest certificate the office issued (0 before the first); kept through
  -- a reset, so a re-approval must go higher.
  certificate_version INTEGER NOT NULL DEFAULT 0 CHECK (certificate_version >= 0),
  sealed_office_keys BLOB NULL CHECK (sealed_office_keys IS NULL OR length(sealed_office_keys) BETWEEN 52 AND 4096),
  -- TOTP secrets encrypted under the server key (protocol §16, envelope kind r).
  totp_secret BLOB NULL,
  totp_pending BLOB NULL,
  -- The last 30-second step whose code was accepted: that step and older ones are refused.
  totp_last_step INTEGER NULL CHECK (totp_last_step IS NULL OR totp_last_step >= 0),
  -- This user's pseudonym in the audit log (audit_people holds the name behind it).
  audit_ref BLOB NOT NULL UNIQUE CHECK (length(audit_ref) = 16),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  last_sign_in_at INTEGER NULL CHECK (last_sign_in_at IS NULL OR last_sign_in_at >= 0),
  -- Keys are all there, or (after a reset) all gone.
  CHECK ((approval = 'reset') = (auth_verifier IS NULL)),
  CHECK (
    (auth_verifier IS NULL) = (kdf_salt IS NULL) AND (auth_verifier IS NULL) = (kdf_ops IS NULL) AND
    (auth_verifier IS NULL) = (kdf_mem IS NULL) AND (auth_verifier IS NULL) = (recovery_verifier IS NULL) AND
    (auth_verifier IS NULL) = (identity_public_key IS NULL) AND (auth_verifier IS NULL) = (encryption_public_key IS NULL) AND
    (auth_verifier IS NULL) = (encryption_key_signature IS NULL) AND (auth_verifier IS NULL) = (password_bundle IS NULL) AND
    (auth_verifier IS NULL) = (recovery_bundle IS NULL)
  ),
  -- Approved means certified and holding the office keys; nobody else holds either.
  CHECK ((approval = 'approved') = (certificate IS NOT NULL)),
  CHECK ((certificate IS NULL) = (sealed_office_keys IS NULL)),
  CHECK (totp_secret IS NULL OR auth_verifier IS NOT NULL)
) STRICT, WITHOUT ROWID;

-- Invitations (kind 'invitation') and admin reset links (kind 'reset'). The link
-- `<PUBLIC_URL>/invite#<token>` holds the token; only tokenHash('invitation', token) is kept.
-- user_id is the id the invitee's keys are bound to (a new id, or the reset user's own).
CREATE TABLE invitations (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reset')),
  user_id BLOB NOT NULL CHECK (length(user_id) = 16),
  email TEXT NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'client')),
  -- The invitee's pseudonym in the audit log; it becomes the user's audit_ref on acceptance.
  audit_ref BLOB NOT NULL CHECK (length(audit_ref) = 16),
  invited_by BLOB NULL REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  accepted_at INTEGER NULL CHECK (accepted_at IS NULL OR accepted_at >= created_at),
  withdrawn_at INTEGER NULL CHECK (withdrawn_at IS NULL OR withdrawn_at >= created_at),
  delivery_failed INTEGER NOT NULL DEFAULT 0 CHECK (delivery_failed IN (0, 1)),
  CHECK (accepted_at IS NULL OR withdrawn_at IS NULL)
) STRICT;
CREATE INDEX invitations_by_email ON invitations (email);
CREATE INDEX invitations_by_user ON invitations (user_id);
CREATE INDEX invitations_by_inviter ON invitations (invited_by);

-- Sessions: the cookie holds the token; only tokenHash('session', token) is kept. `id` is
-- the public name of a session in the caller's own session list.
CREATE TABLE sessions (
  token_hash BLOB NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
  id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
  user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  last_seen_at INTEGER NOT NULL CHECK (last_seen_at >= created_at),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  -- "Chrome on Windows": a short description, never the whole User-Agent header.
  device TEXT NOT NULL CHECK (length(device) BETWEEN 1 AND 64)
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Between the password and the second factor (purpose 'signin'), and between the recovery
-- key check and the new password (purpose 'recovery'). tokenHash('ticket', token) only.
CREATE TABLE login_tickets (
  token_hash BLOB NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
  user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('signin', 'recovery')),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0)
) STRICT, WITHOUT ROWID;
CREATE INDEX login_tickets_by_user ON login_tickets (user_id);

-- One-time backup codes for two-factor sign-in: codeHash(serverKey, 'backup-code', userId, code).
CREATE TABLE backup_codes (
  user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash BLOB NOT NULL CHECK (length(code_hash) = 32),
  used_at INTEGER NULL CHECK (used_at IS NULL OR used_at >= 0),
  PRIMARY KEY (user_id, code_hash)
) STRICT, WITHOUT ROWID;

-- Rate-limit buckets, kept here so a restart does not forgive. `bucket` is a MAC under the
-- server key of (action, scope, value): the table holds no e-mail or network address.
CREATE TABLE rate_limits (
  bucket BLOB NOT NULL PRIMARY KEY CHECK (length(bucket) = 32),
  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  last_failure_at INTEGER NULL,
  blocked_until INTEGER NOT NULL DEFAULT 0 CHECK (blocked_until >= 0),
  window_start INTEGER NOT NULL CHECK (window_start >= 0),
  count INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0)
) STRICT, WITHOUT ROWID;

-- The audit log: append-only, each entry chained to the one before by
-- hash = BLAKE2b-256(enc("coffer/v1/audit-entry", prev_hash, seq, at, actor_ref, action,
-- object_type, object_ref, details)). People appear only as pseudonyms (refs); who is behind
-- a ref lives in audit_people, which privacy erasure can clear without breaking the chain.
-- Details never hold codes, tokens, keys, passwords or file names.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  at INTEGER NOT NULL CHECK (at >= 0),
  actor_ref BLOB NULL CHECK (actor_ref IS NULL OR length(actor_ref) = 16),
  action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64 AND action NOT GLOB '*[^a-z_.]*'),
  object_type TEXT NULL CHECK (object_type IS NULL OR (length(object_type) BETWEEN 1 AND 32 AND object_type NOT GLOB '*[^a-z_]*')),
  object_ref BLOB NULL CHECK (object_ref IS NULL OR length(object_ref) = 16),
  details TEXT NOT NULL CHECK (json_valid(details) AND json_type(details) = 'object'),
  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
  hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- Entries are appended in order, each naming the hash of the one before.
CREATE TRIGGER audit_log_append_in_order BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_log WHERE seq = NEW.seq - 1), zeroblob(32))
BEGIN
  SELECT RAISE(ABORT, 'audit_log entries are appended in order and chained');
END;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Who is behind an audit pseudonym. The only place audit-related names and addresses live.
CREATE TABLE audit_people (
  ref BLOB NOT NULL PRIMARY KEY CHECK (length(ref) = 16),
  kind TEXT NOT NULL CHECK (kind IN ('user', 'invitee')),
  name TEXT NULL CHECK (name IS NULL OR length(name) BETWEEN 1 AND 100),
  email TEXT NULL CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254)
) STRICT, WITHOUT ROWID;
