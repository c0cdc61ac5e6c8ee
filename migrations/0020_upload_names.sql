-- 0020: the names record of a client's portal upload (docs/protocol.md §13, "Names record";
-- docs/threat-model.md, "A client's upload history").
--
-- A portal upload's files are sealed to the drop key, which only the office holds. The client's
-- browser now also seals the file names and sizes to the client's own key (MAC'd with a subkey of
-- their personal key, bound to drop, upload and client), so their history can show what they
-- sent. The server stores the sealed bytes and returns them only to that client. Only an upload
-- made from the portal (client_id set) may carry one; uploads made before this have none.
-- Lengths: the smallest record (one 256-byte block of names) is 434 bytes, the largest (100
-- names of 200 characters) 62386 (shared/crypto/upload-names.ts, UPLOAD_NAMES_BYTES).
ALTER TABLE drop_uploads ADD COLUMN client_names BLOB NULL
  CHECK (client_names IS NULL OR (client_id IS NOT NULL AND length(client_names) BETWEEN 434 AND 62386));
