-- coffer:foreign-keys-off
-- 0006: client accounts and the client portal (issue 6).
--
-- The marker on the first line makes the runner (server/db/migrate.ts) turn foreign keys off
-- before BEGIN IMMEDIATE and back on after COMMIT, as SQLite's documented 12-step ALTER TABLE
-- procedure requires: `users` is rebuilt below, and with foreign keys on, DROP TABLE users
-- would be an implicit DELETE that cascades to sessions, uploads, pins and more. The runner
-- still runs PRAGMA foreign_key_check before it commits, so a broken reference rolls back.
--
-- 1. users: a client account (role 'client') is certified by the office key when a member
--    approves it, but never holds the office keys. Members keep the old rule: certified and
--    holding the office keys together. Every other rule and column is unchanged.
-- 2. drops.client_id: the client account a personal drop belongs to (NULL for any other drop).
--    Only that client can start an upload session on it, from the portal; the public link
--    routes answer 404 for it. drops.client_link: the drop's link fragment (`<fp>.<D>`,
--    protocol §13) sealed in the approving member's browser to the client's encryption key
--    (crypto_box_seal, tag coffer/v1/client-drop-link), so the client's portal can upload
--    without the server ever seeing D. Swept with the drop's other sealed secrets.
-- 3. drop_sessions.client_id: the client who started an upload session from the portal (NULL
--    for a session started through the public link): whose upload it is.
-- 4. drop_uploads.client_id: the same, copied from the session when it submits, because the
--    sweeper prunes sessions but the client's upload history outlives them.
-- 5. invitations.name: the name an advisor gives when inviting a client (members type their own
--    name when they accept); shown on the client's /invite page and in the office's client list
--    until the client accepts. NULL for every other invitation.
-- The three client_id references have no ON DELETE action: removing a client account must
-- first remove (with their blobs) the personal drop, sessions and uploads that name it.

CREATE TABLE users_next (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'client')),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  approval TEXT NOT NULL CHECK (approval IN ('pending', 'approved', 'reset')),
  kdf_salt BLOB NULL CHECK (kdf_salt IS NULL OR length(kdf_salt) = 16),
  kdf_ops INTEGER NULL CHECK (kdf_ops IS NULL OR kdf_ops BETWEEN 1 AND 100),
  kdf_mem INTEGER NULL CHECK (kdf_mem IS NULL OR kdf_mem BETWEEN 1024 AND 1073741824),
  auth_verifier BLOB NULL CHECK (auth_verifier IS NULL OR length(auth_verifier) = 32),
  recovery_verifier BLOB NULL CHECK (recovery_verifier IS NULL OR length(recovery_verifier) = 32),
  identity_public_key BLOB NULL CHECK (identity_public_key IS NULL OR length(identity_public_key) = 32),
  encryption_public_key BLOB NULL CHECK (encryption_public_key IS NULL OR length(encryption_public_key) = 32),
  encryption_key_signature BLOB NULL CHECK (encryption_key_signature IS NULL OR length(encryption_key_signature) = 64),
  password_bundle BLOB NULL CHECK (password_bundle IS NULL OR length(password_bundle) = 140),
  recovery_bundle BLOB NULL CHECK (recovery_bundle IS NULL OR length(recovery_bundle) = 140),
  certificate BLOB NULL CHECK (certificate IS NULL OR length(certificate) BETWEEN 72 AND 4096),
  certificate_version INTEGER NOT NULL DEFAULT 0 CHECK (certificate_version >= 0),
  sealed_office_keys BLOB NULL CHECK (sealed_office_keys IS NULL OR length(sealed_office_keys) BETWEEN 52 AND 4096),
  totp_secret BLOB NULL,
  totp_pending BLOB NULL,
  totp_last_step INTEGER NULL CHECK (totp_last_step IS NULL OR totp_last_step >= 0),
  audit_ref BLOB NOT NULL UNIQUE CHECK (length(audit_ref) = 16),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  last_sign_in_at INTEGER NULL CHECK (last_sign_in_at IS NULL OR last_sign_in_at >= 0),
  CHECK ((approval = 'reset') = (auth_verifier IS NULL)),
  CHECK (
    (auth_verifier IS NULL) = (kdf_salt IS NULL) AND (auth_verifier IS NULL) = (kdf_ops IS NULL) AND
    (auth_verifier IS NULL) = (kdf_mem IS NULL) AND (auth_verifier IS NULL) = (recovery_verifier IS NULL) AND
    (auth_verifier IS NULL) = (identity_public_key IS NULL) AND (auth_verifier IS NULL) = (encryption_public_key IS NULL) AND
    (auth_verifier IS NULL) = (encryption_key_signature IS NULL) AND (auth_verifier IS NULL) = (password_bundle IS NULL) AND
    (auth_verifier IS NULL) = (recovery_bundle IS NULL)
  ),
  -- Approved means certified, for everyone.
  CHECK ((approval = 'approved') = (certificate IS NOT NULL)),
  -- A member holds the office keys exactly when certified; a client never holds them.
  CHECK (CASE WHEN role = 'client' THEN sealed_office_keys IS NULL ELSE (certificate IS NULL) = (sealed_office_keys IS NULL) END),
  CHECK (totp_secret IS NULL OR auth_verifier IS NOT NULL)
) STRICT, WITHOUT ROWID;

INSERT INTO users_next (id, email, name, role, status, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier,
    identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, certificate,
    certificate_version, sealed_office_keys, totp_secret, totp_pending, totp_last_step, audit_ref, created_at, last_sign_in_at)
  SELECT id, email, name, role, status, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier,
    identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, certificate,
    certificate_version, sealed_office_keys, totp_secret, totp_pending, totp_last_step, audit_ref, created_at, last_sign_in_at
  FROM users;

-- With foreign keys off this drop deletes nothing else; the other tables' REFERENCES users
-- clauses name the table by name, and resolve to the renamed users_next.
DROP TABLE users;
ALTER TABLE users_next RENAME TO users;

ALTER TABLE drops ADD COLUMN client_id BLOB NULL REFERENCES users (id)
  CHECK (client_id IS NULL OR (length(client_id) = 16 AND personal = 1));
ALTER TABLE drops ADD COLUMN client_link BLOB NULL
  CHECK (client_link IS NULL OR (client_id IS NOT NULL AND length(client_link) BETWEEN 52 AND 4096));
-- One personal drop per client.
CREATE UNIQUE INDEX drops_by_client ON drops (client_id) WHERE client_id IS NOT NULL;

ALTER TABLE drop_sessions ADD COLUMN client_id BLOB NULL REFERENCES users (id)
  CHECK (client_id IS NULL OR length(client_id) = 16);
CREATE INDEX drop_sessions_by_client ON drop_sessions (client_id) WHERE client_id IS NOT NULL;

ALTER TABLE drop_uploads ADD COLUMN client_id BLOB NULL REFERENCES users (id)
  CHECK (client_id IS NULL OR length(client_id) = 16);
CREATE INDEX drop_uploads_by_client ON drop_uploads (client_id, received_at) WHERE client_id IS NOT NULL;

ALTER TABLE invitations ADD COLUMN name TEXT NULL CHECK (name IS NULL OR length(name) BETWEEN 1 AND 100);
