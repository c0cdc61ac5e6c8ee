// SQL of privacy rights (AVG/GDPR): everything Coffer holds about one person, found by e-mail
// address, read for an export and deleted for an erasure. The only statements in Coffer that
// reach across every capability's tables, and only for an admin (server/privacy/service.ts).
//
// A person is the address and, if there is one, the account at it. Every statement names them
// by `@email` (lower-cased, as stored) and `@userId` (NULL without an account; `x = NULL` is
// never true, so such a clause simply matches nothing). What belongs to them:
// - users: the account; sessions, enrolled devices and their tokens, sign-in tickets, backup
//   codes, their own pins and their unfinished uploads go with it (ON DELETE CASCADE);
// - invitations to the address or for the account (reset links);
// - shares they sent (whole, with files, recipients, keys, codes and grant uses);
// - share_recipients with their address or account: the whole share when they are its only
//   recipient, else only their row (with its keys, codes and grant uses);
// - drops they own, drops bound to their address, and a client's personal drop (whole, with
//   sessions, codes, uploads and files); drop uploads and upload sessions a client made from the
//   portal elsewhere (client_id, migrations/0006_clients.sql);
// - pins other users keep of their key (subject 'user', their id);
// - a contact at their address in the office's address book (with its sealed standing code);
// - audit_people: the name and address behind each of their pseudonyms. The audit_log rows
//   themselves are never touched (append-only, chained); only who is behind a ref is cleared.
import type { Id } from '../../shared/crypto/index.js';
import { checkpointWal } from '../kernel/db/checkpoint.js';
import type { Db } from '../kernel/db/open.js';
import type {
  Person,
  PersonAccount,
  PersonSession,
  PersonDevice,
  PersonInvitation,
  SentShare,
  ReceivedShare,
  PersonDrop,
  PersonDropUpload,
  PersonUpload,
  PersonContact,
  PersonBatch,
  PersonBatchItem,
  AuditPerson,
  PersonAuditEntry,
  ErasePlan,
  EraseFiles,
} from './records.js';

type Flag = 0 | 1;
type SqlRow<T, F extends keyof T> = Omit<T, F> & { readonly [K in F]: Flag };

const flag = (value: Flag | null): boolean => value === 1;

/** The person's pseudonyms: every audit ref that stands for them, past or present. */
const REFS = `refs(ref) AS (
    SELECT audit_ref FROM users WHERE id = @userId
    UNION SELECT audit_ref FROM invitations WHERE email = @email OR user_id = @userId
    UNION SELECT audit_ref FROM share_recipients WHERE email = @email OR user_id = @userId
    UNION SELECT link_ref FROM drops WHERE email = @email OR client_id = @userId
    UNION SELECT ref FROM audit_people WHERE email = @email
    UNION SELECT audit_ref FROM contacts WHERE email = @email
  )`;

/** Drops that go with the person (as a subquery). */
const THEIR_DROPS = 'SELECT id FROM drops WHERE owner_id = @userId OR email = @email OR client_id = @userId';

/** Shares that go whole (as a subquery): sent by the person, or with nobody else among the recipients. */
const WHOLE_SHARES = `SELECT s.id FROM shares s WHERE s.sender_id = @userId
    OR (EXISTS (SELECT 1 FROM share_recipients r WHERE r.share_id = s.id AND (r.email = @email OR r.user_id = @userId))
        AND NOT EXISTS (SELECT 1 FROM share_recipients o WHERE o.share_id = s.id
                        AND NOT (o.email = @email OR coalesce(o.user_id = @userId, 0))))`;

/** Uploads (member or drop-session) that go: the account's own, and those of sessions that go. */
const THEIR_UPLOADS = `SELECT u.id, u.blob_id, u.size FROM uploads u WHERE u.owner_id = @userId
    OR u.drop_session_id IN (SELECT id FROM drop_sessions WHERE drop_id IN (${THEIR_DROPS}) OR client_id = @userId)`;

interface Params {
  readonly email: string;
  readonly userId: Uint8Array | null;
}

export function createPrivacyRepo(db: Db) {
  const account = db.prepare<[string], SqlRow<PersonAccount, 'twoFactor'>>(
    `SELECT id, email, name, role, status, approval, totp_secret IS NOT NULL AS twoFactor, audit_ref AS auditRef,
            created_at AS createdAt, last_sign_in_at AS lastSignInAt, certificate_version AS certificateVersion
       FROM users WHERE email = ?`,
  );
  const sessions = db.prepare<[Uint8Array], PersonSession>(
    `SELECT id, device, created_at AS createdAt, last_seen_at AS lastSeenAt, expires_at AS expiresAt
       FROM sessions WHERE user_id = ? ORDER BY created_at`,
  );
  const devices = db.prepare<[Uint8Array], PersonDevice>(
    `SELECT d.id, d.name, d.scopes, d.approved_at AS approvedAt, d.last_used_at AS lastUsedAt, d.revoked_at AS revokedAt,
            (SELECT count(*) FROM device_tokens t WHERE t.device_id = d.id) AS tokens
       FROM devices d WHERE d.user_id = ? ORDER BY d.approved_at, d.id`,
  );
  const backupCodes = db.prepare<[Uint8Array], { total: number; unused: number }>(
    'SELECT count(*) AS total, count(*) - count(used_at) AS unused FROM backup_codes WHERE user_id = ?',
  );
  const ownPins = db.prepare<[Uint8Array], number>('SELECT count(*) FROM pins WHERE owner_id = ?').pluck();
  const invitations = db.prepare<Params, SqlRow<PersonInvitation, 'deliveryFailed'>>(
    `SELECT id, kind, role, name, created_at AS createdAt, expires_at AS expiresAt, accepted_at AS acceptedAt,
            withdrawn_at AS withdrawnAt, delivery_failed AS deliveryFailed
       FROM invitations WHERE email = @email OR user_id = @userId ORDER BY created_at, id`,
  );
  const SHARE_FACTS = `s.id AS shareId, s.created_at AS createdAt, s.expires_at AS expiresAt, s.revoked_at AS revokedAt,
    s.download_limit AS downloadLimit, s.swept_at AS sweptAt,
    (SELECT coalesce(sum(c.downloads_used), 0) FROM share_recipients c WHERE c.share_id = s.id) AS downloadsUsed,
    (s.download_limit IS NOT NULL AND NOT EXISTS (SELECT 1 FROM share_recipients c
       WHERE c.share_id = s.id AND c.downloads_used < s.download_limit)) AS usedUp,
    (SELECT count(*) FROM share_files f WHERE f.share_id = s.id) AS fileCount,
    (SELECT coalesce(sum(f.size), 0) FROM share_files f WHERE f.share_id = s.id) AS bytes`;
  const sharesSent = db.prepare<Params, SqlRow<SentShare, 'usedUp'>>(
    `SELECT ${SHARE_FACTS}, (SELECT count(*) FROM share_recipients r WHERE r.share_id = s.id) AS recipientCount
       FROM shares s WHERE s.sender_id = @userId ORDER BY s.created_at, s.id`,
  );
  // The person's own shares are listed above, even when they sent one to themselves.
  const sharesReceived = db.prepare<Params, SqlRow<ReceivedShare, 'accessCode' | 'deliveryFailed' | 'usedUp'>>(
    `SELECT ${SHARE_FACTS}, r.id AS recipientId, u.name AS senderName, r.kind, r.access_code AS accessCode,
            r.code_requested_at AS codeRequestedAt, r.code_confirmed_at AS codeConfirmedAt, r.first_download_at AS firstDownloadAt,
            r.wrong_codes AS wrongCodes, r.locked_at AS lockedAt, r.delivery_failed AS deliveryFailed,
            (SELECT count(*) FROM share_recipients o WHERE o.share_id = s.id AND o.id <> r.id) AS otherRecipients
       FROM share_recipients r JOIN shares s ON s.id = r.share_id JOIN users u ON u.id = s.sender_id
      WHERE (r.email = @email OR r.user_id = @userId) AND s.sender_id IS NOT @userId
      ORDER BY s.created_at, s.id`,
  );
  const drops = db.prepare<Params, SqlRow<PersonDrop, 'owned' | 'personal' | 'singleUse'>>(
    `SELECT d.id AS dropId, coalesce(d.owner_id = @userId, 0) AS owned, u.name AS ownerName, d.title, d.instructions, d.personal,
            d.single_use AS singleUse, d.created_at AS createdAt, d.expires_at AS expiresAt, d.closed_at AS closedAt,
            d.max_files AS maxFiles, d.max_bytes AS maxBytes, d.swept_at AS sweptAt,
            (SELECT count(*) FROM drop_uploads x WHERE x.drop_id = d.id) AS uploadCount
       FROM drops d JOIN users u ON u.id = d.owner_id
      WHERE d.id IN (${THEIR_DROPS})
      ORDER BY d.created_at, d.id`,
  );
  // Made by the person: every upload to a drop bound to their address or to their personal
  // drop (only they can prove the address or use the portal), and any made from their portal.
  const dropUploads = db.prepare<Params, SqlRow<PersonDropUpload, 'receiptMailed' | 'namesRecord'>>(
    `SELECT x.id AS dropUploadId, x.drop_id AS dropId, x.received_at AS receivedAt, x.rejected_at AS rejectedAt,
            x.receipt_mailed AS receiptMailed, x.client_names IS NOT NULL AS namesRecord,
            (SELECT count(*) FROM drop_files f WHERE f.drop_upload_id = x.id) AS fileCount,
            (SELECT coalesce(sum(f.size), 0) FROM drop_files f WHERE f.drop_upload_id = x.id) AS bytes
       FROM drop_uploads x JOIN drops d ON d.id = x.drop_id
      WHERE d.email = @email OR d.client_id = @userId OR x.client_id = @userId
      ORDER BY x.received_at, x.id`,
  );
  const uploads = db.prepare<Params, PersonUpload>(
    `SELECT u.id AS uploadId, u.size, u.created_at AS createdAt, u.expires_at AS expiresAt, u.completed_at AS completedAt
       FROM uploads u
      WHERE u.owner_id = @userId
         OR u.drop_session_id IN (SELECT s.id FROM drop_sessions s JOIN drops d ON d.id = s.drop_id
                                   WHERE s.client_id = @userId OR d.email = @email OR d.client_id = @userId)
      ORDER BY u.created_at, u.id`,
  );
  const people = db.prepare<Params, AuditPerson>(
    `WITH ${REFS} SELECT p.ref, p.kind, p.name, p.email FROM audit_people p WHERE p.ref IN refs ORDER BY p.ref`,
  );
  const refs = db.prepare<Params, Uint8Array>(`WITH ${REFS} SELECT ref FROM refs ORDER BY ref`).pluck();
  // The log has no index on refs: one pass over it, for an admin's occasional request.
  const auditEntries = db.prepare<Params, PersonAuditEntry>(
    `WITH ${REFS}
     SELECT seq, at, actor_ref AS actorRef, action, object_type AS objectType, object_ref AS objectRef, details
       FROM audit_log WHERE actor_ref IN refs OR object_ref IN refs ORDER BY seq`,
  );
  const auditEntryCount = db
    .prepare<Params, number>(
      `WITH ${REFS} SELECT count(*) FROM audit_log WHERE actor_ref IN refs OR object_ref IN refs`,
    )
    .pluck();
  const officeName = db.prepare<[], string>('SELECT name FROM office WHERE slot = 1').pluck();

  // ---- the erase plan, by id (sorted, so the same state gives the same confirmation)
  const wholeShares = db.prepare<Params, Id>(`SELECT id FROM (${WHOLE_SHARES}) ORDER BY id`).pluck();
  const recipientRows = db
    .prepare<Params, Id>(
      `SELECT id FROM share_recipients WHERE (email = @email OR user_id = @userId) AND share_id NOT IN (${WHOLE_SHARES}) ORDER BY id`,
    )
    .pluck();
  const dropIds = db.prepare<Params, Id>(`SELECT id FROM (${THEIR_DROPS}) ORDER BY id`).pluck();
  const dropUploadIds = db
    .prepare<Params, Id>(
      `SELECT id FROM drop_uploads WHERE client_id = @userId AND drop_id NOT IN (${THEIR_DROPS}) ORDER BY id`,
    )
    .pluck();
  const dropSessionIds = db
    .prepare<Params, Id>(
      `SELECT id FROM drop_sessions WHERE client_id = @userId AND drop_id NOT IN (${THEIR_DROPS}) ORDER BY id`,
    )
    .pluck();
  const invitationIds = db
    .prepare<Params, Id>('SELECT id FROM invitations WHERE email = @email OR user_id = @userId ORDER BY id')
    .pluck();
  const contactIds = db.prepare<Params, Id>('SELECT id FROM contacts WHERE email = @email ORDER BY id').pluck();
  const contacts = db.prepare<Params, SqlRow<PersonContact, 'standingCode'>>(
    `SELECT id, name, lang, organisation, sealed_code IS NOT NULL AS standingCode, created_at AS createdAt
       FROM contacts WHERE email = @email`,
  );
  const batchItems = db.prepare<Params, PersonBatchItem>(
    `SELECT batch_id AS batchId, item_no AS itemNo, delivery, state, delivered_at AS deliveredAt
       FROM batch_items WHERE email = @email OR user_id = @userId ORDER BY batch_id, item_no`,
  );
  const batchesSent = db.prepare<Params, PersonBatch>(
    `SELECT id, created_at AS createdAt, expires_at AS expiresAt, item_count AS itemCount, state
       FROM batches WHERE owner_id = @userId ORDER BY created_at, id`,
  );
  const pinsOfThem = db
    .prepare<Params, number>("SELECT count(*) FROM pins WHERE subject = 'user' AND subject_id = @userId")
    .pluck();

  // ---- files on disk that go with the plan
  const shareBlobs = db.prepare<Params, { blobId: Id; size: number }>(
    `SELECT blob_id AS blobId, size FROM share_files WHERE blob_id IS NOT NULL AND share_id IN (${WHOLE_SHARES})`,
  );
  const dropBlobs = db.prepare<Params, { blobId: Id; size: number }>(
    `SELECT f.blob_id AS blobId, f.size FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id
      WHERE x.drop_id IN (${THEIR_DROPS}) OR x.client_id = @userId`,
  );
  const uploadFiles = db.prepare<Params, { id: Id; blobId: Id | null; size: number }>(
    `SELECT id, blob_id AS blobId, size FROM (${THEIR_UPLOADS})`,
  );
  const dropUploadsGoing = db
    .prepare<Params, number>(
      `SELECT count(*) FROM drop_uploads WHERE drop_id IN (${THEIR_DROPS}) OR client_id = @userId`,
    )
    .pluck();

  // ---- erasing, in the order the references need: what names the user before the user
  const deleteShare = db.prepare<[Uint8Array]>('DELETE FROM shares WHERE id = ?');
  const deleteRecipient = db.prepare<[Uint8Array]>('DELETE FROM share_recipients WHERE id = ?');
  const deleteDrop = db.prepare<[Uint8Array]>('DELETE FROM drops WHERE id = ?');
  const deleteDropUpload = db.prepare<[Uint8Array]>('DELETE FROM drop_uploads WHERE id = ?');
  const deleteDropSession = db.prepare<[Uint8Array]>('DELETE FROM drop_sessions WHERE id = ?');
  const deleteInvitation = db.prepare<[Uint8Array]>('DELETE FROM invitations WHERE id = ?');
  const deleteContact = db.prepare<[Uint8Array]>('DELETE FROM contacts WHERE id = ?');
  const deletePinsOfThem = db.prepare<[Uint8Array]>("DELETE FROM pins WHERE subject = 'user' AND subject_id = ?");
  const deleteUser = db.prepare<[Uint8Array]>('DELETE FROM users WHERE id = ?');
  // Batches (migrations/0019_batches.sql): an item whose share goes is cancelled without it; the
  // items at the person's address or account go (the address is theirs); a member's own batches
  // go with them.
  const releaseBatchItem = db.prepare<[Uint8Array]>(
    "UPDATE batch_items SET share_id = NULL, state = 'cancelled', delivered_at = NULL WHERE share_id = ?",
  );
  const deleteBatchItems = db.prepare<[string, Uint8Array | null]>(
    'DELETE FROM batch_items WHERE email = ? OR user_id = ?',
  );
  const deleteBatches = db.prepare<[Uint8Array]>('DELETE FROM batches WHERE owner_id = ?');
  // A notice still waiting in the mail queue holds the address (and the mail's text) until it is sent.
  const deleteQueuedMail = db.prepare<[string]>('DELETE FROM mail_queue WHERE recipient = ? COLLATE NOCASE');
  // A trusted device is bound to the address (migrations/0015_trusted_devices.sql).
  const deleteTrustedDevices = db.prepare<[string]>('DELETE FROM trusted_devices WHERE email = ?');
  const clearPerson = db.prepare<[Uint8Array]>('UPDATE audit_people SET name = NULL, email = NULL WHERE ref = ?');

  const params = (person: Person): Params => ({ email: person.email, userId: person.userId });

  return {
    account(email: string): PersonAccount | undefined {
      const row = account.get(email);
      return row === undefined ? undefined : { ...row, twoFactor: flag(row.twoFactor) };
    },
    sessions: (userId: Id): PersonSession[] => sessions.all(userId),
    devices: (userId: Id): PersonDevice[] => devices.all(userId),
    backupCodes: (userId: Id): { total: number; unused: number } => backupCodes.get(userId) ?? { total: 0, unused: 0 },
    ownPins: (userId: Id): number => ownPins.get(userId) ?? 0,
    invitations: (person: Person): PersonInvitation[] =>
      invitations.all(params(person)).map((row) => ({ ...row, deliveryFailed: flag(row.deliveryFailed) })),
    sharesSent: (person: Person): SentShare[] =>
      person.userId === null ? [] : sharesSent.all(params(person)).map((row) => ({ ...row, usedUp: flag(row.usedUp) })),
    sharesReceived: (person: Person): ReceivedShare[] =>
      sharesReceived.all(params(person)).map((row) => ({
        ...row,
        accessCode: flag(row.accessCode),
        deliveryFailed: flag(row.deliveryFailed),
        usedUp: flag(row.usedUp),
      })),
    drops: (person: Person): PersonDrop[] =>
      drops.all(params(person)).map((row) => ({
        ...row,
        owned: flag(row.owned),
        personal: flag(row.personal),
        singleUse: flag(row.singleUse),
      })),
    dropUploads: (person: Person): PersonDropUpload[] =>
      dropUploads
        .all(params(person))
        .map((row) => ({ ...row, receiptMailed: flag(row.receiptMailed), namesRecord: flag(row.namesRecord) })),
    uploads: (person: Person): PersonUpload[] => uploads.all(params(person)),
    contacts: (person: Person): PersonContact[] =>
      contacts.all(params(person)).map((row) => ({ ...row, standingCode: flag(row.standingCode) })),
    batchItems: (person: Person): PersonBatchItem[] => batchItems.all(params(person)),
    batchesSent: (person: Person): PersonBatch[] => batchesSent.all(params(person)),
    /** The person's pseudonyms with what audit_people records behind each (refs without a row are left out). */
    people: (person: Person): AuditPerson[] => people.all(params(person)),
    refs: (person: Person): Uint8Array[] => refs.all(params(person)),
    auditEntries: (person: Person): PersonAuditEntry[] => auditEntries.all(params(person)),
    auditEntryCount: (person: Person): number => auditEntryCount.get(params(person)) ?? 0,
    officeName: (): string => officeName.get() ?? '',

    plan(person: Person): ErasePlan {
      const p = params(person);
      return {
        shareIds: wholeShares.all(p),
        recipientIds: recipientRows.all(p),
        dropIds: dropIds.all(p),
        dropUploadIds: dropUploadIds.all(p),
        dropSessionIds: dropSessionIds.all(p),
        invitationIds: invitationIds.all(p),
        contactIds: contactIds.all(p),
      };
    },
    /** Drop uploads that go: in the drops that go, and the person's own elsewhere. */
    dropUploadsGoing: (person: Person): number => dropUploadsGoing.get(params(person)) ?? 0,
    pinsOfThem: (person: Person): number => (person.userId === null ? 0 : (pinsOfThem.get(params(person)) ?? 0)),

    files(person: Person): EraseFiles {
      const p = params(person);
      const blobIds: Id[] = [];
      const uploadIds: Id[] = [];
      let bytes = 0;
      for (const row of [...shareBlobs.all(p), ...dropBlobs.all(p)]) {
        blobIds.push(row.blobId);
        bytes += row.size;
      }
      const uploads = uploadFiles.all(p);
      for (const row of uploads) {
        if (row.blobId === null) uploadIds.push(row.id);
        else blobIds.push(row.blobId);
        bytes += row.size;
      }
      return { blobIds, uploadIds, bytes, uploads: uploads.length };
    },

    /**
     * Deletes everything in `plan` and the account, and clears the name and address behind
     * `refs`. Run inside the caller's transaction, after the plan was checked against the
     * preview; returns the pins of other users that named the person.
     */
    erase(person: Person, plan: ErasePlan, refs: readonly Uint8Array[]): { pins: number } {
      for (const id of plan.shareIds) {
        releaseBatchItem.run(id);
        deleteShare.run(id);
      }
      deleteBatchItems.run(person.email.toLowerCase(), person.userId);
      if (person.userId !== null) deleteBatches.run(person.userId);
      for (const id of plan.recipientIds) deleteRecipient.run(id);
      for (const id of plan.dropIds) deleteDrop.run(id);
      for (const id of plan.dropUploadIds) deleteDropUpload.run(id);
      for (const id of plan.dropSessionIds) deleteDropSession.run(id);
      for (const id of plan.invitationIds) deleteInvitation.run(id);
      for (const id of plan.contactIds) deleteContact.run(id);
      let pins = 0;
      if (person.userId !== null) {
        pins = deletePinsOfThem.run(person.userId).changes;
        // Sessions, tickets, backup codes, own pins and member uploads cascade.
        deleteUser.run(person.userId);
      }
      for (const ref of refs) clearPerson.run(ref);
      deleteQueuedMail.run(person.email);
      deleteTrustedDevices.run(person.email.toLowerCase());
      return { pins };
    },

    /** Copies the WAL into the database file and empties it; false if a reader kept it from finishing. */
    checkpoint(): boolean {
      return checkpointWal(db) === 'truncated';
    },
  };
}
export type PrivacyRepo = ReturnType<typeof createPrivacyRepo>;
