-- 0008: completing an upload survives a crash at every instant.
--
-- Completion moves DATA_DIR/uploads/<upload id> to DATA_DIR/blobs/<blob id>. Before this
-- migration the blob id was chosen in memory, the file renamed, and only then written to the
-- row: a crash in between left a row whose file was gone, and the upload answered 404 for
-- good. Now the blob id (and the container hash) are written here first, in one statement;
-- then the file moves; then a second statement marks the upload complete, copying them into
-- blob_id and ciphertext_hash and clearing these. A completion that finds them set (after a
-- crash, or a retried request) redoes the move from what they say, which is idempotent: the
-- file is either still in uploads/ or already in blobs/ under this name (docs/operations.md).
--
-- While commit_blob_id is set the upload takes no more parts: its file may already have
-- moved. The orphan sweep counts commit_blob_id as naming its blob.
ALTER TABLE uploads ADD COLUMN commit_blob_id BLOB NULL
  CHECK (commit_blob_id IS NULL OR length(commit_blob_id) = 16);
ALTER TABLE uploads ADD COLUMN commit_hash BLOB NULL
  CHECK (commit_hash IS NULL OR length(commit_hash) = 32);

-- Both or neither, and only on an unfinished upload. A table CHECK cannot be added to an
-- existing table, so triggers hold the rule.
CREATE TRIGGER uploads_commit_insert BEFORE INSERT ON uploads
  WHEN (NEW.commit_blob_id IS NULL) != (NEW.commit_hash IS NULL)
    OR (NEW.commit_blob_id IS NOT NULL AND NEW.completed_at IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: uploads commit columns');
END;
CREATE TRIGGER uploads_commit_update BEFORE UPDATE OF commit_blob_id, commit_hash, completed_at ON uploads
  WHEN (NEW.commit_blob_id IS NULL) != (NEW.commit_hash IS NULL)
    OR (NEW.commit_blob_id IS NOT NULL AND NEW.completed_at IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'CHECK constraint failed: uploads commit columns');
END;

CREATE UNIQUE INDEX uploads_by_commit_blob ON uploads (commit_blob_id) WHERE commit_blob_id IS NOT NULL;
