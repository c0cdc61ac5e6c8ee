-- 0007: the mail queue (server/kernel/mail/queue.ts).
--
-- Notification mails are recorded here by the request that causes them (in its transaction)
-- and sent by a background sender with retries, so no answer waits for a mail server. A row
-- holds the rendered message until it is delivered or its retries run out, then it is deleted
-- (with secure_delete on, and the WAL checkpointed by the sweeper).
--
-- Only mails without a secret are queued: notices (shares, approvals, password changes, low
-- disk space) name an office, a person and a link to the recipient's own page, never a key, a
-- link secret or a code. Mails that carry one (e-mail codes, invitation and reset links) are
-- still sent directly and never written here: a queued secret would sit in the database and
-- its backups.
--
-- outcome/ref: what a final result updates (e.g. 'share_recipient' and the recipient's id, whose
-- delivery_failed the sender's page shows); NULL for a mail nobody tracks.
CREATE TABLE mail_queue (
  id INTEGER PRIMARY KEY,
  outcome TEXT,
  ref BLOB,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  CHECK ((outcome IS NULL) = (ref IS NULL))
) STRICT;

CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at);
CREATE INDEX mail_queue_ref ON mail_queue (outcome, ref) WHERE outcome IS NOT NULL;
