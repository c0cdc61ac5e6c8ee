-- coffer:foreign-keys-off
-- 0010: a guest's link id (docs/protocol.md §15 "Guest link", §21; docs/threat-model.md promise 5).
--
-- Until now a guest's link was /s/<recipientId>, and the recipient id was also its capability.
-- Every recipient of a share reads the other recipients' ids from the signed manifest, so a
-- co-recipient could make Coffer mail a guest codes and lock the guest out with wrong codes.
-- A guest recipient now has its own link id: 16 random bytes made by the sender's browser,
-- never in the manifest and never in any answer to a recipient. Every guest route resolves by
-- link id only.
--
-- Rows made before this migration get their recipient id as link id, so their (two-value)
-- links keep working as they are. Account recipients have a link id too (their recipient id),
-- which no route reads: the column is simply NOT NULL UNIQUE for everyone.
--
-- SQLite cannot add a UNIQUE NOT NULL column in place: the table is rebuilt (the 12-step
-- procedure; the runner turns foreign keys off around it and checks them before COMMIT).

CREATE TABLE share_recipients_next (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  share_id BLOB NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
  -- The id in a guest's link /s/<link_id>: knowing it is what makes one a link holder.
  link_id BLOB NOT NULL UNIQUE CHECK (length(link_id) = 16),
  position INTEGER NOT NULL CHECK (position >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('account', 'guest')),
  user_id BLOB NULL REFERENCES users (id),
  email TEXT NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  audit_ref BLOB NOT NULL UNIQUE CHECK (length(audit_ref) = 16),
  access_code INTEGER NOT NULL DEFAULT 0 CHECK (access_code IN (0, 1)),
  server_half BLOB NULL CHECK (server_half IS NULL OR length(server_half) = 32),
  link_secret_sender BLOB NULL CHECK (link_secret_sender IS NULL OR length(link_secret_sender) BETWEEN 52 AND 4096),
  link_secret_office BLOB NULL CHECK (link_secret_office IS NULL OR length(link_secret_office) BETWEEN 52 AND 4096),
  code_requested_at INTEGER NULL,
  code_confirmed_at INTEGER NULL,
  first_download_at INTEGER NULL,
  wrong_codes INTEGER NOT NULL DEFAULT 0 CHECK (wrong_codes >= 0),
  locked_at INTEGER NULL,
  delivery_failed INTEGER NOT NULL DEFAULT 0 CHECK (delivery_failed IN (0, 1)),
  CHECK (kind = 'guest' OR (user_id IS NOT NULL AND access_code = 0 AND server_half IS NULL AND link_secret_sender IS NULL AND link_secret_office IS NULL)),
  CHECK (kind = 'account' OR user_id IS NULL),
  CHECK ((server_half IS NULL) = (link_secret_sender IS NULL) AND (server_half IS NULL) = (link_secret_office IS NULL)),
  UNIQUE (share_id, email)
) STRICT, WITHOUT ROWID;

INSERT INTO share_recipients_next (id, share_id, link_id, position, kind, user_id, email, audit_ref, access_code,
    server_half, link_secret_sender, link_secret_office, code_requested_at, code_confirmed_at, first_download_at,
    wrong_codes, locked_at, delivery_failed)
  SELECT id, share_id, id, position, kind, user_id, email, audit_ref, access_code,
    server_half, link_secret_sender, link_secret_office, code_requested_at, code_confirmed_at, first_download_at,
    wrong_codes, locked_at, delivery_failed
  FROM share_recipients;

DROP TABLE share_recipients;
ALTER TABLE share_recipients_next RENAME TO share_recipients;
CREATE INDEX share_recipients_by_share ON share_recipients (share_id);
CREATE INDEX share_recipients_by_user ON share_recipients (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX share_recipients_by_email ON share_recipients (email);
