-- 0019: batches (docs/protocol.md "Batches") and reference numbers.
--
-- A batch is many shares made in one go by one member, each with its own single recipient (a
-- month of payslips). The server keeps what it needs to hand out and report on them: per item
-- the recipient's address, how the item is delivered and its state. Which file goes to whom is
-- in the plan, sealed in the sender's browser to the sender's own key: opaque bytes here, never
-- a file name.
--
-- Item states: pending (no share yet) → created (its share exists; a guest link not mailed or
-- exported yet) → delivered; or cancelled. An undelivered share can be withdrawn and the item
-- made again (redo: a link secret lives only in the tab that made it). share_id is set exactly
-- while the item is created or delivered (and stays on a delivered item whose batch is cancelled).
CREATE TABLE batches (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  owner_id BLOB NOT NULL REFERENCES users (id) CHECK (length(owner_id) = 16),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  item_count INTEGER NOT NULL CHECK (item_count BETWEEN 1 AND 2500),
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'cancelled')),
  sealed_plan BLOB NOT NULL CHECK (length(sealed_plan) BETWEEN 1 AND 1048576),
  reminder_days INTEGER NULL CHECK (reminder_days IS NULL OR reminder_days BETWEEN 1 AND 60),
  reminded_at INTEGER NULL CHECK (reminded_at IS NULL OR reminder_days IS NOT NULL)
) STRICT, WITHOUT ROWID;

CREATE INDEX batches_by_owner ON batches (owner_id, created_at DESC);
-- The reminder job's question: which batches are due and not yet reminded.
CREATE INDEX batches_to_remind ON batches (created_at) WHERE reminder_days IS NOT NULL AND reminded_at IS NULL;

CREATE TABLE batch_items (
  batch_id BLOB NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
  item_no INTEGER NOT NULL CHECK (item_no BETWEEN 0 AND 2499),
  email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  user_id BLOB NULL REFERENCES users (id) CHECK (user_id IS NULL OR length(user_id) = 16),
  delivery TEXT NOT NULL CHECK (delivery IN ('account', 'mail', 'export')),
  share_id BLOB NULL UNIQUE REFERENCES shares (id),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'created', 'delivered', 'cancelled')),
  delivered_at INTEGER NULL CHECK (delivered_at IS NULL OR delivered_at >= 0),
  updated_at INTEGER NOT NULL CHECK (updated_at >= 0),
  PRIMARY KEY (batch_id, item_no),
  CHECK ((delivery = 'account') = (user_id IS NOT NULL)),
  CHECK ((state IN ('created', 'delivered')) <= (share_id IS NOT NULL)),
  CHECK (state <> 'pending' OR share_id IS NULL),
  CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
) STRICT, WITHOUT ROWID;

-- A share made for a batch item keeps the batch's id for good (the Sent list shows a batch as one
-- row, withdrawn shares included), even after a redo cleared the item's share_id.
ALTER TABLE shares ADD COLUMN batch_id BLOB NULL REFERENCES batches (id);
CREATE INDEX shares_by_batch ON shares (batch_id) WHERE batch_id IS NOT NULL;

-- An optional personnel or client number, so a file-name rule can match "payslip-10234.pdf":
-- 1–40 of [A-Za-z0-9._-], unique among contacts and among client accounts when set.
ALTER TABLE contacts ADD COLUMN reference TEXT NULL
  CHECK (reference IS NULL OR (length(reference) BETWEEN 1 AND 40 AND reference NOT GLOB '*[^A-Za-z0-9._-]*'));
CREATE UNIQUE INDEX contacts_by_reference ON contacts (reference) WHERE reference IS NOT NULL;
ALTER TABLE users ADD COLUMN reference TEXT NULL
  CHECK (reference IS NULL OR (role = 'client' AND length(reference) BETWEEN 1 AND 40
    AND reference NOT GLOB '*[^A-Za-z0-9._-]*'));
CREATE UNIQUE INDEX users_by_reference ON users (reference) WHERE reference IS NOT NULL;
