-- 0016: an advisor per client, and alerts that reach someone (docs/operations.md "Advisors and
-- leavers", docs/threat-model.md "Who is alerted").
--
-- 1. users.advisor_id: the member who handles a client account (role 'client' only). Their
--    client's portal uploads are listed under "mine" and mailed to them, and the client's alerts
--    go to them; changeable by any approved member. The client's personal drop stays sealed to
--    the member who made it and to the office key: every approved member holds the office key,
--    so a new advisor opens it as a colleague does today, and nothing is sealed again.
--    ON DELETE SET NULL: erasing a member (privacy) leaves their clients without an advisor,
--    whose alerts then go to the admins, as for a disabled advisor.
--    Backfill: the member who made the client's personal drop (the approver), else the member
--    who invited them.
-- 2. invitations.advisor_id: the advisor chosen when a member invites a client (the inviting
--    member unless another is picked); it becomes users.advisor_id when the client accepts.
--    Backfill for open client invitations: the inviting member.
-- 3. drops.arrival_mailed_at: when the last "something arrived" mail for an open (unbound) drop
--    was queued. Anyone holding an open drop's link can upload, so its arrival mails are
--    coalesced: at most one per drop per 10 minutes (server/drops/link.ts).
ALTER TABLE users ADD COLUMN advisor_id BLOB NULL REFERENCES users (id) ON DELETE SET NULL
  CHECK (advisor_id IS NULL OR (length(advisor_id) = 16 AND role = 'client'));
CREATE INDEX users_by_advisor ON users (advisor_id) WHERE advisor_id IS NOT NULL;

UPDATE users SET advisor_id = coalesce(
    (SELECT d.owner_id FROM drops d WHERE d.client_id = users.id),
    (SELECT i.invited_by FROM invitations i
       WHERE i.user_id = users.id AND i.kind = 'invitation' AND i.invited_by IS NOT NULL
       ORDER BY i.created_at DESC LIMIT 1))
  WHERE role = 'client';

ALTER TABLE invitations ADD COLUMN advisor_id BLOB NULL REFERENCES users (id) ON DELETE SET NULL
  CHECK (advisor_id IS NULL OR (length(advisor_id) = 16 AND role = 'client'));
UPDATE invitations SET advisor_id = invited_by
  WHERE role = 'client' AND kind = 'invitation' AND accepted_at IS NULL AND withdrawn_at IS NULL;

ALTER TABLE drops ADD COLUMN arrival_mailed_at INTEGER NULL
  CHECK (arrival_mailed_at IS NULL OR arrival_mailed_at >= 0);
