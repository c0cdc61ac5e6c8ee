-- 0003: resumable uploads of ciphertext (DESIGN §5, shared/wire/uploads.ts).
--
-- An upload is a container (docs/protocol.md §4) sent in parts of a fixed size. Its bytes
-- live on disk: while unfinished in DATA_DIR/uploads/<upload id> (a file of the declared size,
-- written part by part at each part's offset), once completed in DATA_DIR/blobs/<blob id>.
-- The rows here say what the disk holds: a part is recorded only after its bytes were
-- fsynced, and an upload becomes a finished blob (blob_id set) only after the file was
-- renamed into blobs/. A share claims a completed upload by deleting its row and naming the
-- blob itself (migrations/0004_shares.sql).
-- Times are milliseconds since the Unix epoch (UTC). Ids are 16 random bytes.

CREATE TABLE uploads (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  owner_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- The container's length in bytes, as declared at creation and checked at completion.
  size INTEGER NOT NULL CHECK (size > 0),
  part_size INTEGER NOT NULL CHECK (part_size > 0),
  part_count INTEGER NOT NULL CHECK (part_count >= 1 AND (part_count - 1) * part_size < size AND part_count * part_size >= size),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  -- 24 hours after creation; moved to 24 hours after completion. The sweeper removes the
  -- upload (and its file) after this, whether finished or not, unless a share claimed it.
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  completed_at INTEGER NULL CHECK (completed_at IS NULL OR completed_at >= created_at),
  -- The finished blob's name under DATA_DIR/blobs, and the container hash the server computed.
  blob_id BLOB NULL UNIQUE CHECK (blob_id IS NULL OR length(blob_id) = 16),
  ciphertext_hash BLOB NULL CHECK (ciphertext_hash IS NULL OR length(ciphertext_hash) = 32),
  CHECK ((completed_at IS NULL) = (blob_id IS NULL) AND (completed_at IS NULL) = (ciphertext_hash IS NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX uploads_by_owner ON uploads (owner_id);
CREATE INDEX uploads_by_expiry ON uploads (expires_at);

-- The parts whose bytes are on disk (fsynced). Sending a part again first removes its row,
-- so a retry that breaks off leaves the part missing, never recorded with half its bytes.
CREATE TABLE upload_parts (
  upload_id BLOB NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  part_index INTEGER NOT NULL CHECK (part_index >= 0),
  received_at INTEGER NOT NULL CHECK (received_at >= 0),
  PRIMARY KEY (upload_id, part_index)
) STRICT, WITHOUT ROWID;
