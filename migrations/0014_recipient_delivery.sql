-- 0014: per-recipient download limits, and links Coffer mailed itself
-- (docs/threat-model.md, "Who delivers a link"; docs/protocol.md, "Coffer mails the link").
--
-- A share's download limit now counts per recipient: a limit of 1 on a share to two people lets
-- each download once, instead of shutting out whoever comes second. The limit the sender chose
-- stays on the share (one number for every recipient); the count and the latest expiry of a
-- counting grant move to the recipient. A share is used up when every recipient is.
--
-- Rows made before: each recipient starts with the share's count so far, so no share gets back
-- a download it had already given out (a used-up share stays used up; a share with one of three
-- downloads used leaves each recipient two).
--
-- link_mailed_at: Coffer mailed this guest the full link (only possible with an access code).
-- The link itself is never stored.
ALTER TABLE share_recipients ADD COLUMN downloads_used INTEGER NOT NULL DEFAULT 0 CHECK (downloads_used >= 0);
ALTER TABLE share_recipients ADD COLUMN grants_expire_at INTEGER NULL;
ALTER TABLE share_recipients ADD COLUMN link_mailed_at INTEGER NULL
  CHECK (link_mailed_at IS NULL OR (kind = 'guest' AND access_code = 1));

UPDATE share_recipients
   SET downloads_used = (SELECT s.downloads_used FROM shares s WHERE s.id = share_recipients.share_id),
       grants_expire_at = (SELECT s.grants_expire_at FROM shares s WHERE s.id = share_recipients.share_id);

ALTER TABLE shares DROP COLUMN downloads_used;
ALTER TABLE shares DROP COLUMN grants_expire_at;
