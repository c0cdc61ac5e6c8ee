-- 0022: which upload session made a drop submission (docs/protocol.md §13, "A submission whose
-- answer was lost").
--
-- An uploader whose submit got no answer sends the same submission again under the same grant.
-- The server answers that repeat with the receipt it gave the first time, instead of refusing the
-- spent grant and leaving the uploader to upload every file again. It recognises the repeat by
-- the submission id, the drop, this column and the manifest's bytes. The session's own row cannot
-- say it: a single-use drop's sessions are deleted the moment its submission arrives. A bare id,
-- not a reference, for that reason. Submissions made before this have none and are never repeated.
ALTER TABLE drop_uploads ADD COLUMN session_id BLOB NULL CHECK (session_id IS NULL OR length(session_id) = 16);
