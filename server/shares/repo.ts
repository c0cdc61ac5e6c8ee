// SQL of shares, their files, recipients, keys, e-mail codes and grant uses
// (migrations/0004_shares.sql). How each statement is scoped:
// - the sender's and the office's view: by share id, for approved staff and admins, who all
//   hold the office key and may take over a colleague's share (docs/threat-model.md, promise 3); listings "mine"
//   name the sender;
// - a guest: by link id (the 128-bit value in the link, which no other recipient ever sees),
//   kind 'guest' only;
// - an account recipient: by share id AND the caller's user id;
// - files and keys: always through the share or recipient the caller was already matched to.
// The sweeper's statements (unscoped) are marked as such.
import { asId, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';
import { createCodeHolders } from '../kernel/codes/repo.js';
import {
  shareFromSql,
  fileFromSql,
  recipientFromSql,
  type ShareFileRecord,
  type RecipientRecord,
  type NewShare,
  type NewShareFile,
  type NewRecipient,
  type RecipientWithShare,
  type ShareSqlRow,
  type FileSqlRow,
  type RecipientSqlRow,
} from './records.js';

// The download limit is per recipient (migrations/0014_recipient_delivery.sql): a share is used up
// when no recipient has a download left, and its counting grants run until the latest of theirs.
const SHARE_COUNTS = `(SELECT coalesce(sum(c.downloads_used), 0) FROM share_recipients c WHERE c.share_id = s.id)`;
const SHARE_USED_UP = `(s.download_limit IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM share_recipients c WHERE c.share_id = s.id AND c.downloads_used < s.download_limit))`;
const SHARE_GRANTS = `(SELECT max(c.grants_expire_at) FROM share_recipients c WHERE c.share_id = s.id)`;
const SHARE_COLUMNS = `s.id, s.sender_id, u.name AS sender_name, s.manifest, s.sender_certificate, s.sender_encryption_key_signature,
  s.created_at, s.expires_at, s.revoked_at, s.download_limit, ${SHARE_COUNTS} AS downloads_used, ${SHARE_USED_UP} AS used_up,
  ${SHARE_GRANTS} AS grants_expire_at, s.receipt_mail, s.swept_at, s.batch_id,
  (SELECT count(*) FROM share_files f WHERE f.share_id = s.id) AS file_count`;
const SHARES = 'shares s JOIN users u ON u.id = s.sender_id';
const RECIPIENT_COLUMNS = `r.id, r.share_id, r.link_id, r.position, r.kind, r.user_id, ru.name AS name, r.email, r.audit_ref, r.access_code,
  r.server_half, r.link_secret_sender, r.link_secret_office, r.code_requested_at, r.code_confirmed_at, r.first_download_at,
  r.wrong_codes, r.locked_at, r.unlocked_at, r.trusted_at, r.delivery_failed, r.lang, r.downloads_used, r.link_mailed_at,
  EXISTS (SELECT 1 FROM mail_queue q WHERE q.outcome = 'share_recipient' AND q.ref = r.id) AS delivery_sending`;
const RECIPIENTS = 'share_recipients r LEFT JOIN users ru ON ru.id = r.user_id';
const FILE_COLUMNS = 'file_id, position, size, ciphertext_hash, sealed_metadata, blob_id, sender_key, office_key';

/** Joins a share's columns (prefixed `s_`) to a recipient's, for lookups that start at the recipient. */
function splitJoined(row: RecipientSqlRow & Record<string, unknown>): RecipientWithShare {
  const share: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith('s_')) share[key.slice(2)] = value;
  return { recipient: recipientFromSql(row), share: shareFromSql(share as unknown as ShareSqlRow) };
}
const JOINED_SHARE_COLUMNS = `s.id AS s_id, s.sender_id AS s_sender_id, u.name AS s_sender_name, s.manifest AS s_manifest,
  s.sender_certificate AS s_sender_certificate, s.sender_encryption_key_signature AS s_sender_encryption_key_signature,
  s.created_at AS s_created_at, s.expires_at AS s_expires_at, s.revoked_at AS s_revoked_at, s.download_limit AS s_download_limit,
  ${SHARE_COUNTS} AS s_downloads_used, ${SHARE_USED_UP} AS s_used_up, ${SHARE_GRANTS} AS s_grants_expire_at,
  s.receipt_mail AS s_receipt_mail, s.batch_id AS s_batch_id,
  s.swept_at AS s_swept_at, (SELECT count(*) FROM share_files f WHERE f.share_id = s.id) AS s_file_count`;

export function createSharesRepo(db: Db) {
  const insertShare = db.prepare(
    `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at, expires_at,
       download_limit, receipt_mail)
     VALUES (@id, @senderId, @manifest, @senderCertificate, @senderEncryptionKeySignature, @createdAt, @expiresAt,
       @downloadLimit, @receiptMail)`,
  );
  const setBatch = db.prepare<[Uint8Array, Uint8Array]>(
    'UPDATE shares SET batch_id = ? WHERE id = ? AND batch_id IS NULL',
  );
  const insertFile = db.prepare(
    `INSERT INTO share_files (share_id, file_id, position, size, ciphertext_hash, sealed_metadata, blob_id, sender_key, office_key)
     VALUES (@shareId, @fileId, @position, @size, @ciphertextHash, @sealedMetadata, @blobId, @senderKey, @officeKey)`,
  );
  const insertRecipient = db.prepare(
    `INSERT INTO share_recipients (id, share_id, link_id, position, kind, user_id, email, audit_ref, access_code, server_half,
       link_secret_sender, link_secret_office, lang)
     VALUES (@id, @shareId, @linkId, @position, @kind, @userId, @email, @auditRef, @accessCode, @serverHalf,
       @linkSecretSender, @linkSecretOffice, @lang)`,
  );
  const insertKey = db.prepare<[Uint8Array, Uint8Array, Uint8Array]>(
    'INSERT INTO recipient_keys (recipient_id, file_id, key) VALUES (?, ?, ?)',
  );
  const shareIdTaken = db.prepare<[Uint8Array], number>('SELECT EXISTS (SELECT 1 FROM shares WHERE id = ?)').pluck();
  const recipientIdTaken = db
    .prepare<[Uint8Array, Uint8Array], number>(
      'SELECT EXISTS (SELECT 1 FROM share_recipients WHERE id = ? OR link_id = ?)',
    )
    .pluck();

  const byId = db.prepare<[Uint8Array], ShareSqlRow>(`SELECT ${SHARE_COLUMNS} FROM ${SHARES} WHERE s.id = ?`);
  const listBySender = db.prepare<[Uint8Array], ShareSqlRow>(
    `SELECT ${SHARE_COLUMNS} FROM ${SHARES} WHERE s.sender_id = ? ORDER BY s.created_at DESC`,
  );
  const listAll = db.prepare<[], ShareSqlRow>(`SELECT ${SHARE_COLUMNS} FROM ${SHARES} ORDER BY s.created_at DESC`);
  const recipientsOfSender = db.prepare<[Uint8Array], RecipientSqlRow>(
    `SELECT ${RECIPIENT_COLUMNS} FROM ${RECIPIENTS} JOIN shares s ON s.id = r.share_id WHERE s.sender_id = ? ORDER BY r.position`,
  );
  const recipientsOfAll = db.prepare<[], RecipientSqlRow>(
    `SELECT ${RECIPIENT_COLUMNS} FROM ${RECIPIENTS} ORDER BY r.position`,
  );
  const recipientsOf = db.prepare<[Uint8Array], RecipientSqlRow>(
    `SELECT ${RECIPIENT_COLUMNS} FROM ${RECIPIENTS} WHERE r.share_id = ? ORDER BY r.position`,
  );
  const recipientInShare = db.prepare<[Uint8Array, Uint8Array], RecipientSqlRow>(
    `SELECT ${RECIPIENT_COLUMNS} FROM ${RECIPIENTS} WHERE r.id = ? AND r.share_id = ?`,
  );
  const filesOf = db.prepare<[Uint8Array], FileSqlRow>(
    `SELECT ${FILE_COLUMNS} FROM share_files WHERE share_id = ? ORDER BY position`,
  );
  const fileOf = db.prepare<[Uint8Array, Uint8Array], FileSqlRow>(
    `SELECT ${FILE_COLUMNS} FROM share_files WHERE share_id = ? AND file_id = ?`,
  );

  const guest = db.prepare<[Uint8Array], RecipientSqlRow & Record<string, unknown>>(
    `SELECT ${RECIPIENT_COLUMNS}, ${JOINED_SHARE_COLUMNS}
     FROM ${RECIPIENTS} JOIN shares s ON s.id = r.share_id JOIN users u ON u.id = s.sender_id WHERE r.link_id = ? AND r.kind = 'guest'`,
  );
  const accountRecipient = db.prepare<[Uint8Array, Uint8Array], RecipientSqlRow & Record<string, unknown>>(
    `SELECT ${RECIPIENT_COLUMNS}, ${JOINED_SHARE_COLUMNS}
     FROM ${RECIPIENTS} JOIN shares s ON s.id = r.share_id JOIN users u ON u.id = s.sender_id WHERE r.share_id = ? AND r.user_id = ? AND r.kind = 'account'`,
  );
  const receivedBy = db.prepare<[Uint8Array], ShareSqlRow>(
    `SELECT ${SHARE_COLUMNS} FROM ${SHARES} JOIN share_recipients r ON r.share_id = s.id
     WHERE r.user_id = ? AND r.kind = 'account' ORDER BY s.created_at DESC`,
  );
  const keysOf = db.prepare<[Uint8Array], { file_id: Uint8Array; key: Uint8Array }>(
    'SELECT file_id, key FROM recipient_keys WHERE recipient_id = ?',
  );

  const revoke = db.prepare<[number, Uint8Array]>(
    'UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND swept_at IS NULL',
  );
  const extend = db.prepare<[number, Uint8Array, number]>(
    'UPDATE shares SET expires_at = ? WHERE id = ? AND revoked_at IS NULL AND swept_at IS NULL AND expires_at > ?',
  );
  const unlock = db.prepare<[number, Uint8Array, Uint8Array]>(
    'UPDATE share_recipients SET locked_at = NULL, wrong_codes = 0, unlocked_at = ? WHERE id = ? AND share_id = ? AND locked_at IS NOT NULL',
  );
  // Only a guest with an access code, and only once (migrations/0014); written after the mail server took the mail.
  const linkMailed = db.prepare<[number, Uint8Array, Uint8Array]>(
    `UPDATE share_recipients SET link_mailed_at = ?
     WHERE id = ? AND share_id = ? AND kind = 'guest' AND access_code = 1 AND server_half IS NOT NULL
       AND link_mailed_at IS NULL`,
  );
  // An unlock also forgets the recipient's codes, so the hourly count starts again.
  const forgetCodes = db.prepare<[Uint8Array]>('DELETE FROM email_codes WHERE recipient_id = ?');
  const trusted = db.prepare<[number, Uint8Array]>('UPDATE share_recipients SET trusted_at = ? WHERE id = ?');
  const firstDownload = db.prepare<[number, Uint8Array]>(
    'UPDATE share_recipients SET first_download_at = ? WHERE id = ? AND first_download_at IS NULL',
  );

  const codesOf = createCodeHolders(db, { codes: 'email_codes', holder: 'recipient_id', holders: 'share_recipients' });

  const grantUsed = db
    .prepare<[string, Uint8Array], number>(
      'SELECT EXISTS (SELECT 1 FROM grant_uses WHERE jti = ? AND recipient_id = ?)',
    )
    .pluck();
  const insertGrantUse = db.prepare<[string, Uint8Array, number, number]>(
    'INSERT INTO grant_uses (jti, recipient_id, used_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  // Counting a download and checking the recipient's limit is one statement: two grants of one
  // recipient at the last allowed download cannot both pass.
  const countDownload = db.prepare<[number, Uint8Array, number]>(
    `UPDATE share_recipients SET downloads_used = downloads_used + 1, grants_expire_at = max(coalesce(grants_expire_at, 0), ?)
     WHERE id = ? AND EXISTS (SELECT 1 FROM shares s WHERE s.id = share_recipients.share_id
       AND (s.download_limit IS NULL OR share_recipients.downloads_used < s.download_limit)
       AND s.revoked_at IS NULL AND s.swept_at IS NULL AND s.expires_at > ?)`,
  );
  const emailSeen = db
    .prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM share_recipients WHERE email = ?)')
    .pluck();

  // ---- the sweeper's (not scoped to a caller)
  const toSweep = db
    .prepare<[number, number], Uint8Array>(
      `SELECT id FROM shares s WHERE s.swept_at IS NULL AND (s.revoked_at IS NOT NULL OR s.expires_at <= ?
         OR (${SHARE_USED_UP} AND coalesce(${SHARE_GRANTS}, 0) <= ?))`,
    )
    .pluck();
  const blobIdsOf = db
    .prepare<[Uint8Array], Uint8Array>('SELECT blob_id FROM share_files WHERE share_id = ? AND blob_id IS NOT NULL')
    .pluck();
  const clearFileKeys = db.prepare<[Uint8Array]>(
    'UPDATE share_files SET blob_id = NULL, sender_key = NULL, office_key = NULL WHERE share_id = ?',
  );
  const clearGuestSecrets = db.prepare<[Uint8Array]>(
    'UPDATE share_recipients SET server_half = NULL, link_secret_sender = NULL, link_secret_office = NULL WHERE share_id = ?',
  );
  const deleteKeys = db.prepare<[Uint8Array]>(
    'DELETE FROM recipient_keys WHERE recipient_id IN (SELECT id FROM share_recipients WHERE share_id = ?)',
  );
  const deleteCodes = db.prepare<[Uint8Array]>(
    'DELETE FROM email_codes WHERE recipient_id IN (SELECT id FROM share_recipients WHERE share_id = ?)',
  );
  const deleteGrants = db.prepare<[Uint8Array]>(
    'DELETE FROM grant_uses WHERE recipient_id IN (SELECT id FROM share_recipients WHERE share_id = ?)',
  );
  const markSwept = db.prepare<[number, Uint8Array]>(
    'UPDATE shares SET swept_at = ? WHERE id = ? AND swept_at IS NULL',
  );
  const liveBlobIds = db.prepare<[], Uint8Array>('SELECT blob_id FROM share_files WHERE blob_id IS NOT NULL').pluck();

  const one = (row: ShareSqlRow | undefined) => (row === undefined ? undefined : shareFromSql(row));
  const joined = (row: (RecipientSqlRow & Record<string, unknown>) | undefined) =>
    row === undefined ? undefined : splitJoined(row);

  return {
    insertShare(share: NewShare): void {
      insertShare.run({ ...share, receiptMail: share.receiptMail ? 1 : 0 });
    },
    insertFile(shareId: Id, file: NewShareFile): void {
      insertFile.run({ shareId, ...file });
    },
    insertRecipient(shareId: Id, recipient: NewRecipient): void {
      insertRecipient.run({ shareId, ...recipient, accessCode: recipient.accessCode ? 1 : 0 });
    },
    insertKey(recipientId: Id, fileId: Id, key: Uint8Array): void {
      insertKey.run(recipientId, fileId, key);
    },
    /** The share was made for an item of this batch (claimed in the same transaction). */
    setBatch(shareId: Id, batchId: Id): void {
      setBatch.run(batchId, shareId);
    },
    shareIdTaken(id: Id): boolean {
      return shareIdTaken.get(id) === 1;
    },
    /** Whether a recipient id or link id is in use as either (a link id must never be a known recipient id). */
    recipientIdTaken(id: Id): boolean {
      return recipientIdTaken.get(id, id) === 1;
    },

    /** Office scope (approved staff and admins): any share of the office by id. */
    byId: (id: Id) => one(byId.get(id)),
    listBySender: (senderId: Id) => listBySender.all(senderId).map(shareFromSql),
    listAll: () => listAll.all().map(shareFromSql),
    recipientsOfSender: (senderId: Id) => recipientsOfSender.all(senderId).map(recipientFromSql),
    recipientsOfAll: () => recipientsOfAll.all().map(recipientFromSql),
    recipientsOf: (shareId: Id) => recipientsOf.all(shareId).map(recipientFromSql),
    recipientInShare(recipientId: Id, shareId: Id): RecipientRecord | undefined {
      const row = recipientInShare.get(recipientId, shareId);
      return row === undefined ? undefined : recipientFromSql(row);
    },
    filesOf: (shareId: Id) => filesOf.all(shareId).map(fileFromSql),
    fileOf(shareId: Id, fileId: Id): ShareFileRecord | undefined {
      const row = fileOf.get(shareId, fileId);
      return row === undefined ? undefined : fileFromSql(row);
    },

    /** A guest by the link id of their link (never an account recipient, never by recipient id). */
    guest: (linkId: Id) => joined(guest.get(linkId)),
    /** The caller's own recipient entry in a share, if they are an account recipient of it. */
    accountRecipient: (shareId: Id, userId: Id) => joined(accountRecipient.get(shareId, userId)),
    receivedBy: (userId: Id) => receivedBy.all(userId).map(shareFromSql),
    keysOf(recipientId: Id): { fileId: Id; key: Uint8Array }[] {
      return keysOf.all(recipientId).map((row) => ({ fileId: asId(row.file_id), key: row.key }));
    },

    revoke: (id: Id, now: number) => revoke.run(now, id).changes === 1,
    /** A new expiry for a share that is neither revoked, swept nor expired at `now`. */
    extend: (id: Id, expiresAt: number, now: number) => extend.run(expiresAt, id, now).changes === 1,
    /** Clears the lock, the wrong-code count and the codes (so the hourly count too), in the caller's transaction. */
    unlock(recipientId: Id, shareId: Id, now: number): boolean {
      if (unlock.run(now, recipientId, shareId).changes !== 1) return false;
      forgetCodes.run(recipientId);
      return true;
    },
    markTrusted(recipientId: Id, now: number): void {
      trusted.run(now, recipientId);
    },
    /** Records that Coffer mailed a guest's link; false when not a guest with an access code, or recorded already. */
    markLinkMailed: (recipientId: Id, shareId: Id, now: number) =>
      linkMailed.run(now, recipientId, shareId).changes === 1,
    /** A recipient's last notification or code mail failed (or went through). */
    setDeliveryFailed(recipientId: Id, failed: boolean): void {
      codesOf(recipientId).markDelivery(!failed);
    },
    /** A guest's e-mail codes, wrong-code count and code times (server/kernel/codes/rules.ts). */
    codesOf,
    /** Records the first download; true if this was it. */
    setFirstDownload: (recipientId: Id, now: number) => firstDownload.run(now, recipientId).changes === 1,

    grantUsed: (jti: string, recipientId: Id) => grantUsed.get(jti, recipientId) === 1,
    /** Counts one download of a recipient under a new grant; false at their limit or when the share is no longer active. */
    countDownload: (recipientId: Id, grantExpiresAt: number, now: number) =>
      countDownload.run(grantExpiresAt, recipientId, now).changes === 1,
    recordGrantUse(jti: string, recipientId: Id, now: number, expiresAt: number): void {
      insertGrantUse.run(jti, recipientId, now, expiresAt);
    },
    /** Whether anyone in the office ever sent to this address. */
    emailSeen: (email: string) => emailSeen.get(email) === 1,

    /** Sweeper: shares to destroy at `now` (revoked, expired, or used up with every counting grant expired). */
    toSweep: (now: number) => toSweep.all(now, now).map(asId),
    blobIdsOf: (shareId: Id) => blobIdsOf.all(shareId).map(asId),
    /** Sweeper: deletes every key, Ks, link secret, code and grant of a share and marks it swept. */
    destroyKeys(shareId: Id, now: number): boolean {
      clearFileKeys.run(shareId);
      clearGuestSecrets.run(shareId);
      deleteKeys.run(shareId);
      deleteCodes.run(shareId);
      deleteGrants.run(shareId);
      return markSwept.run(now, shareId).changes === 1;
    },
    liveBlobIds: () => liveBlobIds.all().map(asId),
  };
}
export type SharesRepo = ReturnType<typeof createSharesRepo>;
