-- 0004: shares (DESIGN §4–§5, shared/wire/shares.ts): files sent to recipients, their keys,
-- guests' e-mail codes, download grants used, and each user's pins.
--
-- Everything here that opens a file is sealed or wrapped: file keys sealed to accounts
-- (recipients, the sender's own copy, the office copy), file keys wrapped for guests under a
-- link key the server cannot make, link secrets sealed to the sender and the office. The one
-- secret the server holds is a guest's server half Ks, released after the guest proves the
-- address. When a share expires, is revoked or is used up, the sweeper deletes its blobs and
-- every key and Ks (secure_delete is on; the WAL is checkpointed), and keeps the share and
-- recipient rows as history: the sender still sees what happened, an entitled caller gets 410.
-- Times are milliseconds since the Unix epoch (UTC). Ids are 16 random bytes.

CREATE TABLE shares (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  sender_id BLOB NOT NULL REFERENCES users (id),
  -- The signed manifest (protocol §10), and the sender's certificate and encryption-key
  -- signature as they were when it was signed, so recipients check the key that signed it.
  manifest BLOB NOT NULL CHECK (length(manifest) BETWEEN 72 AND 1048576),
  sender_certificate BLOB NOT NULL CHECK (length(sender_certificate) BETWEEN 72 AND 4096),
  sender_encryption_key_signature BLOB NOT NULL CHECK (length(sender_encryption_key_signature) = 64),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  revoked_at INTEGER NULL CHECK (revoked_at IS NULL OR revoked_at >= created_at),
  download_limit INTEGER NULL CHECK (download_limit IS NULL OR download_limit BETWEEN 1 AND 1000),
  -- One per grant that downloaded (not per request): see grant_uses.
  downloads_used INTEGER NOT NULL DEFAULT 0 CHECK (downloads_used >= 0 AND (download_limit IS NULL OR downloads_used <= download_limit)),
  -- The latest expiry of a grant that counted a download: a used-up share is swept only after
  -- it, so the grant that took the last download can finish its Range requests.
  grants_expire_at INTEGER NULL,
  receipt_mail INTEGER NOT NULL CHECK (receipt_mail IN (0, 1)),
  -- Set when the sweeper destroyed the blobs and keys.
  swept_at INTEGER NULL CHECK (swept_at IS NULL OR swept_at >= created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX shares_by_sender ON shares (sender_id, created_at);
CREATE INDEX shares_by_expiry ON shares (expires_at) WHERE swept_at IS NULL;

CREATE TABLE share_files (
  share_id BLOB NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
  file_id BLOB NOT NULL CHECK (length(file_id) = 16),
  position INTEGER NOT NULL CHECK (position >= 0),
  -- The container's length and hash as the server computed them from the upload.
  size INTEGER NOT NULL CHECK (size > 0),
  ciphertext_hash BLOB NOT NULL CHECK (length(ciphertext_hash) = 32),
  sealed_metadata BLOB NOT NULL CHECK (length(sealed_metadata) BETWEEN 300 AND 8192),
  -- Until the sweep: the blob under DATA_DIR/blobs, and the file key sealed to the sender and
  -- to the office (protocol §11).
  blob_id BLOB NULL UNIQUE CHECK (blob_id IS NULL OR length(blob_id) = 16),
  sender_key BLOB NULL CHECK (sender_key IS NULL OR length(sender_key) BETWEEN 52 AND 4096),
  office_key BLOB NULL CHECK (office_key IS NULL OR length(office_key) BETWEEN 52 AND 4096),
  PRIMARY KEY (share_id, file_id),
  CHECK ((blob_id IS NULL) = (sender_key IS NULL) AND (blob_id IS NULL) = (office_key IS NULL))
) STRICT, WITHOUT ROWID;

-- A recipient: an account of the office (kind 'account', signs in) or a guest (kind 'guest',
-- proves the address with an e-mail code). The id is the 128-bit value in the guest's link
-- /s/<id>: knowing it is what makes one a link holder. It never goes into the audit log,
-- which names recipients by audit_ref.
CREATE TABLE share_recipients (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  share_id BLOB NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('account', 'guest')),
  user_id BLOB NULL REFERENCES users (id),
  email TEXT NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  audit_ref BLOB NOT NULL UNIQUE CHECK (length(audit_ref) = 16),
  access_code INTEGER NOT NULL DEFAULT 0 CHECK (access_code IN (0, 1)),
  -- Guests, until the sweep: Ks, and the link secret S sealed to the sender and to the office.
  server_half BLOB NULL CHECK (server_half IS NULL OR length(server_half) = 32),
  link_secret_sender BLOB NULL CHECK (link_secret_sender IS NULL OR length(link_secret_sender) BETWEEN 52 AND 4096),
  link_secret_office BLOB NULL CHECK (link_secret_office IS NULL OR length(link_secret_office) BETWEEN 52 AND 4096),
  -- What the sender sees: a code was asked for, a code was right, the first download.
  code_requested_at INTEGER NULL,
  code_confirmed_at INTEGER NULL,
  first_download_at INTEGER NULL,
  -- Wrong codes over the recipient's life; at 10 the recipient is locked until the sender unlocks.
  wrong_codes INTEGER NOT NULL DEFAULT 0 CHECK (wrong_codes >= 0),
  locked_at INTEGER NULL,
  -- The last code or notification mail to this recipient could not be delivered.
  delivery_failed INTEGER NOT NULL DEFAULT 0 CHECK (delivery_failed IN (0, 1)),
  CHECK (kind = 'guest' OR (user_id IS NOT NULL AND access_code = 0 AND server_half IS NULL AND link_secret_sender IS NULL AND link_secret_office IS NULL)),
  CHECK (kind = 'account' OR user_id IS NULL),
  CHECK ((server_half IS NULL) = (link_secret_sender IS NULL) AND (server_half IS NULL) = (link_secret_office IS NULL)),
  UNIQUE (share_id, email)
) STRICT, WITHOUT ROWID;
CREATE INDEX share_recipients_by_share ON share_recipients (share_id);
CREATE INDEX share_recipients_by_user ON share_recipients (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX share_recipients_by_email ON share_recipients (email);

-- One key per recipient and file: sealed to the account (kind b) or wrapped for the guest
-- (kind g, 76 bytes). Deleted by the sweep.
CREATE TABLE recipient_keys (
  recipient_id BLOB NOT NULL REFERENCES share_recipients (id) ON DELETE CASCADE,
  file_id BLOB NOT NULL CHECK (length(file_id) = 16),
  key BLOB NOT NULL CHECK (length(key) BETWEEN 52 AND 4096),
  PRIMARY KEY (recipient_id, file_id)
) STRICT, WITHOUT ROWID;

-- E-mail codes for guests: six digits, kept as codeHash(serverKey, 'email-code', recipientId,
-- code) (protocol §16). Valid 10 minutes, single use, 5 tries; only the newest counts. Rows
-- stay an hour, to count the codes sent (at most 3 an hour), then the sweeper removes them.
CREATE TABLE email_codes (
  id INTEGER PRIMARY KEY,
  recipient_id BLOB NOT NULL REFERENCES share_recipients (id) ON DELETE CASCADE,
  code_hash BLOB NOT NULL CHECK (length(code_hash) = 32),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  tries INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
  used_at INTEGER NULL
) STRICT;
CREATE INDEX email_codes_by_recipient ON email_codes (recipient_id, created_at);

-- Download grants (capability tokens, jti) that have downloaded: the first file request under
-- a grant records it here and counts one download in the same transaction; further requests
-- under it (Range resumes, other files) count nothing. Removed once the grant expired.
CREATE TABLE grant_uses (
  jti TEXT NOT NULL PRIMARY KEY CHECK (length(jti) BETWEEN 16 AND 64),
  recipient_id BLOB NOT NULL REFERENCES share_recipients (id) ON DELETE CASCADE,
  used_at INTEGER NOT NULL CHECK (used_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > 0)
) STRICT, WITHOUT ROWID;
CREATE INDEX grant_uses_by_recipient ON grant_uses (recipient_id);

-- Pins (protocol §14): first-seen keys, MAC'd by their owner's own key. The server cannot
-- check or forge them; it keeps each user's own, and hands them only to that user.
CREATE TABLE pins (
  owner_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  subject TEXT NOT NULL CHECK (subject IN ('office', 'user')),
  subject_id BLOB NOT NULL CHECK (length(subject_id) = 16),
  envelope BLOB NOT NULL CHECK (length(envelope) BETWEEN 100 AND 1024),
  updated_at INTEGER NOT NULL CHECK (updated_at >= 0),
  PRIMARY KEY (owner_id, subject, subject_id)
) STRICT, WITHOUT ROWID;

-- Guest recipients appear in the audit log by pseudonym like everyone else; their address
-- lives in audit_people (kind 'recipient'), which privacy erasure can clear.
CREATE TABLE audit_people_next (
  ref BLOB NOT NULL PRIMARY KEY CHECK (length(ref) = 16),
  kind TEXT NOT NULL CHECK (kind IN ('user', 'invitee', 'recipient')),
  name TEXT NULL CHECK (name IS NULL OR length(name) BETWEEN 1 AND 100),
  email TEXT NULL CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254)
) STRICT, WITHOUT ROWID;
INSERT INTO audit_people_next (ref, kind, name, email) SELECT ref, kind, name, email FROM audit_people;
DROP TABLE audit_people;
ALTER TABLE audit_people_next RENAME TO audit_people;
