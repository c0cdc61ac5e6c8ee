-- 0005: drops (DESIGN §4, shared/wire/drops.ts): links through which anyone holding one
-- uploads files for the office, encrypted to the drop's own key.
--
-- What the server keeps of a drop is public: its key, the title and instructions the
-- uploader sees, its limits. Everything that opens an upload is sealed: the drop's secrets
-- (its secret key and D) and its label, each sealed to the owner and to the office key; each
-- file's key, sealed to the drop key. The uploader's upload manifest is MAC'd with a key from
-- D, which the server never has. Expiry and closing stop new uploads (410 for link holders);
-- what was received stays until it is deleted or the office's retention runs out, and once an
-- ended drop holds nothing more, the sweeper destroys its sealed secrets and labels and keeps
-- the row as history. Times are milliseconds since the Unix epoch (UTC). Ids are 16 random bytes.

CREATE TABLE drops (
  -- The id in the link /d/<id>: knowing it makes one a link holder, so it never goes into the
  -- audit log (audit_ref names the drop there, link_ref whoever uses the link).
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  owner_id BLOB NOT NULL REFERENCES users (id),
  audit_ref BLOB NOT NULL UNIQUE CHECK (length(audit_ref) = 16),
  link_ref BLOB NOT NULL UNIQUE CHECK (length(link_ref) = 16),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  -- A personal drop: a standing, longer-lived drop for one client, bound to their address and
  -- usable many times.
  personal INTEGER NOT NULL CHECK (personal IN (0, 1)),
  -- Shown to the uploader: stored readable (the form says so).
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  instructions TEXT NOT NULL CHECK (length(instructions) <= 2000),
  -- The address the drop is bound to (the uploader proves it with an e-mail code); NULL for an open drop.
  email TEXT NULL CHECK (email IS NULL OR (email = lower(email) AND length(email) BETWEEN 3 AND 254)),
  -- Per submission: files, and the sum of their plaintext sizes in bytes.
  max_files INTEGER NOT NULL CHECK (max_files BETWEEN 1 AND 100),
  max_bytes INTEGER NOT NULL CHECK (max_bytes >= 1),
  single_use INTEGER NOT NULL CHECK (single_use IN (0, 1)),
  public_key BLOB NOT NULL CHECK (length(public_key) = 32),
  -- Until the sweep: the secrets and the label, each sealed to the owner and to the office.
  secrets_owner BLOB NULL CHECK (secrets_owner IS NULL OR length(secrets_owner) BETWEEN 52 AND 4096),
  secrets_office BLOB NULL CHECK (secrets_office IS NULL OR length(secrets_office) BETWEEN 52 AND 4096),
  label_owner BLOB NULL CHECK (label_owner IS NULL OR length(label_owner) BETWEEN 52 AND 4096),
  label_office BLOB NULL CHECK (label_office IS NULL OR length(label_office) BETWEEN 52 AND 4096),
  -- Closed by a member, or by its one submission (single use).
  closed_at INTEGER NULL CHECK (closed_at IS NULL OR closed_at >= created_at),
  -- Bound drops: what the owner sees, and the lock after 10 wrong codes in all.
  code_requested_at INTEGER NULL,
  code_confirmed_at INTEGER NULL,
  wrong_codes INTEGER NOT NULL DEFAULT 0 CHECK (wrong_codes >= 0),
  locked_at INTEGER NULL,
  delivery_failed INTEGER NOT NULL DEFAULT 0 CHECK (delivery_failed IN (0, 1)),
  -- Set when the sweeper cleared an ended drop (sessions, codes, unsubmitted uploads).
  swept_at INTEGER NULL CHECK (swept_at IS NULL OR swept_at >= created_at),
  CHECK (personal = 0 OR (email IS NOT NULL AND single_use = 0)),
  CHECK ((secrets_owner IS NULL) = (secrets_office IS NULL) AND (secrets_owner IS NULL) = (label_owner IS NULL)
    AND (secrets_owner IS NULL) = (label_office IS NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX drops_by_owner ON drops (owner_id, created_at);

-- An upload session: what a link holder gets after proving the bound address (or, for an open
-- drop, on asking), named by the jti of its grant. It owns the resumable uploads it creates
-- (uploads.drop_session_id) and submits once.
CREATE TABLE drop_sessions (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  drop_id BLOB NOT NULL REFERENCES drops (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  submitted_at INTEGER NULL CHECK (submitted_at IS NULL OR submitted_at >= created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX drop_sessions_by_drop ON drop_sessions (drop_id);

-- E-mail codes of bound drops, like email_codes (0004): codeHash(serverKey, 'email-code',
-- dropId, code); 10 minutes, single use, 5 tries, only the newest counts, 3 an hour.
CREATE TABLE drop_codes (
  id INTEGER PRIMARY KEY,
  drop_id BLOB NOT NULL REFERENCES drops (id) ON DELETE CASCADE,
  code_hash BLOB NOT NULL CHECK (length(code_hash) = 32),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  tries INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
  used_at INTEGER NULL
) STRICT;
CREATE INDEX drop_codes_by_drop ON drop_codes (drop_id, created_at);

-- A submission ("drop upload"): its id is the uploadId inside the MAC'd manifest, chosen by
-- the uploader's browser. Kept until deleted or until the office's retention runs out; then
-- the blobs go first and the rows after.
CREATE TABLE drop_uploads (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  drop_id BLOB NOT NULL REFERENCES drops (id) ON DELETE CASCADE,
  -- The authenticated envelope (protocol §13), as the uploader sent it.
  manifest BLOB NOT NULL CHECK (length(manifest) BETWEEN 72 AND 32768),
  received_at INTEGER NOT NULL CHECK (received_at >= 0),
  -- The office's browser found the MAC wrong (an upload made without D) and said so.
  rejected_at INTEGER NULL CHECK (rejected_at IS NULL OR rejected_at >= received_at),
  receipt_mailed INTEGER NOT NULL DEFAULT 0 CHECK (receipt_mailed IN (0, 1))
) STRICT, WITHOUT ROWID;
CREATE INDEX drop_uploads_by_drop ON drop_uploads (drop_id, received_at);
CREATE INDEX drop_uploads_by_received ON drop_uploads (received_at);

CREATE TABLE drop_files (
  drop_upload_id BLOB NOT NULL REFERENCES drop_uploads (id) ON DELETE CASCADE,
  file_id BLOB NOT NULL CHECK (length(file_id) = 16),
  position INTEGER NOT NULL CHECK (position >= 0),
  -- The container's length and hash as the server computed them from the upload.
  size INTEGER NOT NULL CHECK (size > 0),
  ciphertext_hash BLOB NOT NULL CHECK (length(ciphertext_hash) = 32),
  sealed_metadata BLOB NOT NULL CHECK (length(sealed_metadata) BETWEEN 300 AND 8192),
  blob_id BLOB NOT NULL UNIQUE CHECK (length(blob_id) = 16),
  -- The file key sealed to the drop key (protocol §13).
  sealed_key BLOB NOT NULL CHECK (length(sealed_key) BETWEEN 52 AND 4096),
  PRIMARY KEY (drop_upload_id, file_id)
) STRICT, WITHOUT ROWID;

-- Uploads get a second kind of owner: a member (owner_id, as before) or a drop upload session
-- (drop_session_id), exactly one of them. The member's statements keep naming owner_id, which
-- is NULL on a drop's uploads, so neither kind can reach the other's. SQLite cannot make a
-- column nullable in place: both tables are rebuilt, rows kept (an upload in progress resumes).
CREATE TABLE uploads_next (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  owner_id BLOB NULL REFERENCES users (id) ON DELETE CASCADE,
  drop_session_id BLOB NULL REFERENCES drop_sessions (id) ON DELETE CASCADE,
  size INTEGER NOT NULL CHECK (size > 0),
  part_size INTEGER NOT NULL CHECK (part_size > 0),
  part_count INTEGER NOT NULL CHECK (part_count >= 1 AND (part_count - 1) * part_size < size AND part_count * part_size >= size),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  completed_at INTEGER NULL CHECK (completed_at IS NULL OR completed_at >= created_at),
  blob_id BLOB NULL UNIQUE CHECK (blob_id IS NULL OR length(blob_id) = 16),
  ciphertext_hash BLOB NULL CHECK (ciphertext_hash IS NULL OR length(ciphertext_hash) = 32),
  CHECK ((completed_at IS NULL) = (blob_id IS NULL) AND (completed_at IS NULL) = (ciphertext_hash IS NULL)),
  CHECK ((owner_id IS NULL) <> (drop_session_id IS NULL))
) STRICT, WITHOUT ROWID;
INSERT INTO uploads_next (id, owner_id, drop_session_id, size, part_size, part_count, created_at, expires_at, completed_at, blob_id, ciphertext_hash)
  SELECT id, owner_id, NULL, size, part_size, part_count, created_at, expires_at, completed_at, blob_id, ciphertext_hash FROM uploads;

CREATE TABLE upload_parts_next (
  upload_id BLOB NOT NULL REFERENCES uploads_next (id) ON DELETE CASCADE,
  part_index INTEGER NOT NULL CHECK (part_index >= 0),
  received_at INTEGER NOT NULL CHECK (received_at >= 0),
  PRIMARY KEY (upload_id, part_index)
) STRICT, WITHOUT ROWID;
INSERT INTO upload_parts_next (upload_id, part_index, received_at) SELECT upload_id, part_index, received_at FROM upload_parts;

-- The parts table goes first, so dropping uploads (an implicit DELETE with foreign keys on)
-- cascades to nothing. Renaming uploads_next also renames the reference in upload_parts_next.
DROP TABLE upload_parts;
DROP TABLE uploads;
ALTER TABLE uploads_next RENAME TO uploads;
ALTER TABLE upload_parts_next RENAME TO upload_parts;
CREATE INDEX uploads_by_owner ON uploads (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX uploads_by_drop_session ON uploads (drop_session_id) WHERE drop_session_id IS NOT NULL;
CREATE INDEX uploads_by_expiry ON uploads (expires_at);
