// SQL of drops, their upload sessions, e-mail codes, uploads and files
// (migrations/0005_drops.sql). How each statement is scoped:
// - the office's view: by drop id, for approved staff and admins, who all hold the office key
//   and may take over a colleague's drop (docs/threat-model.md, promise 3); listings "mine" name the owner,
//   or for a client's personal drop the client's advisor (HANDLER);
// - a link holder: by the drop id of the link; an upload session by its id AND its drop's id;
// - uploads and files: always through the drop (and upload) the caller was already matched
//   to, named together in the same statement, so an id of another drop matches nothing.
// - a client's personal drop (migrations/0006_clients.sql): by its id AND the client's id
//   (clientDrop), for the portal; its sessions and uploads remember that client (client_id).
// The sweeper's statements (unscoped) are marked as such.
import { asId, asIdOrNull, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';
import { createCodeHolders } from '../kernel/codes/repo.js';
import type { StoredFile } from '../kernel/domain/files.js';
import type { DropFields, DropRecord } from '../kernel/domain/drops.js';

/** A new drop: every sealed part present. */
export type NewDrop = DropFields & {
  readonly [K in 'secretsOwner' | 'secretsOffice' | 'labelOwner' | 'labelOffice']: Uint8Array;
};

export interface DropUploadRecord {
  readonly id: Id;
  readonly dropId: Id;
  readonly manifest: Uint8Array;
  readonly receivedAt: number;
  readonly rejectedAt: number | null;
  readonly receiptMailed: boolean;
}

/** One upload as a list of what came in names it: its drop, time, files and whether it was rejected. */
export interface DropUploadBrief {
  readonly id: Id;
  readonly dropId: Id;
  readonly receivedAt: number;
  readonly rejectedAt: number | null;
  readonly fileCount: number;
}

/** A stored file as a share's (container size and hash, sealed metadata, blob), with one key: the file key sealed to the drop key. */
export type DropFileRecord = StoredFile & {
  readonly dropUploadId: Id;
  readonly sealedKey: Uint8Array;
};

/** What a repeated submission is answered from: the first one's manifest, time and receipt mail. */
export interface DropSubmissionRecord {
  readonly manifest: Uint8Array;
  readonly receivedAt: number;
  readonly receiptMailed: boolean;
}

export interface DropSessionRecord {
  readonly id: Id;
  readonly dropId: Id;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly submittedAt: number | null;
  /** The client who started it from the portal; null for a session started through the public link. */
  readonly clientId: Id | null;
}

// Columns come out under their records' names (SQL aliases); only flags are turned into booleans.
type Flags<T, K extends keyof T> = Omit<T, K> & { readonly [F in K]: number };
type DropSqlRow = Flags<Omit<DropRecord, 'ownerActive'>, 'personal' | 'singleUse' | 'deliveryFailed'> & {
  readonly ownerStatus: string;
};

function dropFromSql({ ownerStatus, ...row }: DropSqlRow): DropRecord {
  return {
    ...row,
    personal: row.personal === 1,
    singleUse: row.singleUse === 1,
    deliveryFailed: row.deliveryFailed === 1,
    ownerActive: ownerStatus === 'active',
  };
}

function uploadFromSql(row: Flags<DropUploadRecord, 'receiptMailed'>): DropUploadRecord {
  return { ...row, receiptMailed: row.receiptMailed === 1 };
}

// The client a drop serves: its client while it is their personal drop, and after a renewal
// detached it, the client whose portal uploads it holds (they keep their client_id).
const CLIENT_OF_DROP = `coalesce(d.client_id,
  (SELECT x.client_id FROM drop_uploads x WHERE x.drop_id = d.id AND x.client_id IS NOT NULL LIMIT 1))`;
const DROP_COLUMNS = `d.id, d.owner_id AS ownerId, u.name AS ownerName, u.email AS ownerEmail, u.lang AS ownerLang, u.status AS ownerStatus, d.audit_ref AS auditRef,
  d.link_ref AS linkRef, d.created_at AS createdAt, d.expires_at AS expiresAt, d.personal, d.title, d.instructions, d.email,
  d.max_files AS maxFiles, d.max_bytes AS maxBytes, d.single_use AS singleUse, d.public_key AS publicKey, d.secrets_owner AS secretsOwner,
  d.secrets_office AS secretsOffice, d.label_owner AS labelOwner, d.label_office AS labelOffice, d.closed_at AS closedAt,
  d.code_requested_at AS codeRequestedAt, d.code_confirmed_at AS codeConfirmedAt, d.wrong_codes AS wrongCodes, d.locked_at AS lockedAt,
  d.unlocked_at AS unlockedAt,
  d.delivery_failed AS deliveryFailed, d.swept_at AS sweptAt, d.client_id AS clientId, d.client_link AS clientLink,
  d.signed_record AS signedRecord, d.record_certificate AS recordCertificate, u.certificate AS ownerCertificate, u.encryption_key_signature AS ownerEncryptionKeySignature,
  (SELECT count(*) FROM drop_uploads x WHERE x.drop_id = d.id) AS uploadCount,
  (SELECT max(x.received_at) FROM drop_uploads x WHERE x.drop_id = d.id) AS lastUploadAt,
  (SELECT c.advisor_id FROM users c WHERE c.id = ${CLIENT_OF_DROP}) AS advisorId`;
// Whose drop it is in a member's own list ("mine"): a client's personal drop is its client's
// advisor's (migrations/0016_advisors_alerts.sql), any other drop (or one without an advisor) its owner's.
const HANDLER = `coalesce((SELECT c.advisor_id FROM users c WHERE c.id = ${CLIENT_OF_DROP}), d.owner_id)`;
const DROPS = 'drops d JOIN users u ON u.id = d.owner_id';
const UPLOAD_COLUMNS =
  'x.id, x.drop_id AS dropId, x.manifest, x.received_at AS receivedAt, x.rejected_at AS rejectedAt, x.receipt_mailed AS receiptMailed';
const FILE_COLUMNS = `f.drop_upload_id AS dropUploadId, f.file_id AS fileId, f.position, f.size, f.ciphertext_hash AS ciphertextHash,
  f.sealed_metadata AS sealedMetadata, f.blob_id AS blobId, f.sealed_key AS sealedKey`;
const SESSION_COLUMNS =
  'id, drop_id AS dropId, created_at AS createdAt, expires_at AS expiresAt, submitted_at AS submittedAt, client_id AS clientId';

export function createDropsRepo(db: Db) {
  const insertDrop = db.prepare(
    `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files,
       max_bytes, single_use, public_key, secrets_owner, secrets_office, label_owner, label_office, client_id, client_link,
       signed_record, record_certificate)
     VALUES (@id, @ownerId, @auditRef, @linkRef, @createdAt, @expiresAt, @personal, @title, @instructions, @email, @maxFiles,
       @maxBytes, @singleUse, @publicKey, @secretsOwner, @secretsOffice, @labelOwner, @labelOffice, @clientId, @clientLink,
       @signedRecord, (SELECT certificate FROM users WHERE id = @ownerId))`,
  );
  const dropIdTaken = db.prepare<[Uint8Array], number>('SELECT EXISTS (SELECT 1 FROM drops WHERE id = ?)').pluck();
  const byId = db.prepare<[Uint8Array], DropSqlRow>(`SELECT ${DROP_COLUMNS} FROM ${DROPS} WHERE d.id = ?`);
  const clientDrop = db.prepare<[Uint8Array, Uint8Array], DropSqlRow>(
    `SELECT ${DROP_COLUMNS} FROM ${DROPS} WHERE d.id = ? AND d.client_id = ?`,
  );
  const dropOfClient = db.prepare<[Uint8Array], DropSqlRow>(
    `SELECT ${DROP_COLUMNS} FROM ${DROPS} WHERE d.client_id = ?`,
  );
  // A re-approved client (after an admin reset) gets a new personal drop: the old one, whose link
  // is sealed to their old key, is closed and no longer theirs (their uploads keep their client_id).
  const detachClient = db.prepare<[number, Uint8Array]>(
    'UPDATE drops SET client_id = NULL, client_link = NULL, closed_at = coalesce(closed_at, max(?, created_at)) WHERE client_id = ?',
  );
  const listByOwner = db.prepare<[Uint8Array], DropSqlRow>(
    `SELECT ${DROP_COLUMNS} FROM ${DROPS} WHERE ${HANDLER} = ? ORDER BY d.created_at DESC`,
  );
  const listAll = db.prepare<[], DropSqlRow>(`SELECT ${DROP_COLUMNS} FROM ${DROPS} ORDER BY d.created_at DESC`);
  // The uploads of the drops each listing above holds, scoped the same way (the owner in the query).
  const UPLOAD_BRIEF = `SELECT x.id, x.drop_id AS dropId, x.received_at AS receivedAt, x.rejected_at AS rejectedAt,
    (SELECT count(*) FROM drop_files f WHERE f.drop_upload_id = x.id) AS fileCount
    FROM drop_uploads x JOIN drops d ON d.id = x.drop_id`;
  const uploadBriefsByOwner = db.prepare<[Uint8Array], DropUploadBrief>(
    `${UPLOAD_BRIEF} WHERE ${HANDLER} = ? ORDER BY x.received_at DESC`,
  );
  const uploadBriefsAll = db.prepare<[], DropUploadBrief>(`${UPLOAD_BRIEF} ORDER BY x.received_at DESC`);

  const uploadsOf = db.prepare<[Uint8Array], Flags<DropUploadRecord, 'receiptMailed'>>(
    `SELECT ${UPLOAD_COLUMNS} FROM drop_uploads x WHERE x.drop_id = ? ORDER BY x.received_at`,
  );
  const filesOf = db.prepare<[Uint8Array], DropFileRecord>(
    `SELECT ${FILE_COLUMNS} FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id WHERE x.drop_id = ? ORDER BY f.position`,
  );
  const uploadOf = db.prepare<[Uint8Array, Uint8Array], Flags<DropUploadRecord, 'receiptMailed'>>(
    `SELECT ${UPLOAD_COLUMNS} FROM drop_uploads x WHERE x.id = ? AND x.drop_id = ?`,
  );
  const fileOf = db.prepare<[Uint8Array, Uint8Array, Uint8Array], DropFileRecord>(
    `SELECT ${FILE_COLUMNS} FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id
     WHERE x.drop_id = ? AND x.id = ? AND f.file_id = ?`,
  );
  const uploadBlobIds = db
    .prepare<[Uint8Array, Uint8Array], Uint8Array>(
      'SELECT f.blob_id FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id WHERE x.drop_id = ? AND x.id = ?',
    )
    .pluck();
  const dropBlobIds = db
    .prepare<[Uint8Array], Uint8Array>(
      'SELECT f.blob_id FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id WHERE x.drop_id = ?',
    )
    .pluck();
  // The unsubmitted uploads of a drop's sessions (their files are under uploads/ or blobs/).
  const pendingUploads = db.prepare<[Uint8Array], { id: Uint8Array; blob_id: Uint8Array | null }>(
    'SELECT u.id, u.blob_id FROM uploads u JOIN drop_sessions s ON s.id = u.drop_session_id WHERE s.drop_id = ?',
  );
  const deleteUpload = db.prepare<[Uint8Array, Uint8Array]>('DELETE FROM drop_uploads WHERE id = ? AND drop_id = ?');
  const deleteDrop = db.prepare<[Uint8Array]>('DELETE FROM drops WHERE id = ?');
  const close = db.prepare<[number, Uint8Array, number]>(
    'UPDATE drops SET closed_at = ? WHERE id = ? AND closed_at IS NULL AND expires_at > ?',
  );
  const unlock = db.prepare<[number, Uint8Array]>(
    'UPDATE drops SET locked_at = NULL, wrong_codes = 0, unlocked_at = ? WHERE id = ? AND locked_at IS NOT NULL',
  );
  // An unlock also forgets the drop's codes, so the hourly count starts again.
  const forgetCodes = db.prepare<[Uint8Array]>('DELETE FROM drop_codes WHERE drop_id = ?');
  const trusted = db.prepare<[number, Uint8Array]>('UPDATE drops SET trusted_at = ? WHERE id = ?');
  const reject = db.prepare<[number, Uint8Array, Uint8Array]>(
    'UPDATE drop_uploads SET rejected_at = ? WHERE id = ? AND drop_id = ? AND rejected_at IS NULL',
  );

  // ---- bound drops' codes (by the drop the link holder was matched to)
  const codesOf = createCodeHolders(db, { codes: 'drop_codes', holder: 'drop_id', holders: 'drops' });

  // ---- upload sessions
  const insertSession = db.prepare<[Uint8Array, Uint8Array, number, number, Uint8Array | null]>(
    'INSERT INTO drop_sessions (id, drop_id, created_at, expires_at, client_id) VALUES (?, ?, ?, ?, ?)',
  );
  // A session a client started from the portal lasts only while that client may sign in: a
  // disabled or reset account's grant stops at once, like its sign-in sessions.
  const session = db.prepare<[Uint8Array, Uint8Array], DropSessionRecord>(
    `SELECT ${SESSION_COLUMNS} FROM drop_sessions WHERE id = ? AND drop_id = ?
       AND (client_id IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = drop_sessions.client_id AND u.status = 'active' AND u.approval = 'approved'))`,
  );
  const dropOfSession = db.prepare<[Uint8Array], DropSqlRow>(
    `SELECT ${DROP_COLUMNS} FROM ${DROPS} JOIN drop_sessions s ON s.drop_id = d.id WHERE s.id = ?`,
  );
  const markSubmitted = db.prepare<[number, Uint8Array, Uint8Array]>(
    'UPDATE drop_sessions SET submitted_at = ? WHERE id = ? AND drop_id = ? AND submitted_at IS NULL',
  );
  const sessionUploadSizes = db
    .prepare<[Uint8Array], number>('SELECT size FROM uploads WHERE drop_session_id = ?')
    .pluck();
  // What a member's drops hold: their files, and the unsubmitted uploads of their sessions.
  const storedForOwner = db
    .prepare<[Uint8Array, Uint8Array], number>(
      `SELECT (SELECT coalesce(sum(f.size), 0) FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id
                 JOIN drops d ON d.id = x.drop_id WHERE d.owner_id = ?)
            + (SELECT coalesce(sum(u.size), 0) FROM uploads u JOIN drop_sessions s ON s.id = u.drop_session_id
                 JOIN drops d ON d.id = s.drop_id WHERE d.owner_id = ?)`,
    )
    .pluck();

  // ---- submissions
  const uploadIdTaken = db
    .prepare<[Uint8Array], number>('SELECT EXISTS (SELECT 1 FROM drop_uploads WHERE id = ?)')
    .pluck();
  const insertUpload = db.prepare<
    [Uint8Array, Uint8Array, Uint8Array, number, Uint8Array, Uint8Array | null, Uint8Array | null]
  >(
    `INSERT INTO drop_uploads (id, drop_id, manifest, received_at, session_id, client_id, client_names)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  // A session's own submission, for answering its repeat: scoped to the drop and the session in the SQL.
  const submissionOf = db.prepare<
    [Uint8Array, Uint8Array, Uint8Array],
    { manifest: Uint8Array; received_at: number; receipt_mailed: number }
  >('SELECT manifest, received_at, receipt_mailed FROM drop_uploads WHERE id = ? AND drop_id = ? AND session_id = ?');
  const hasSubmission = db
    .prepare<[Uint8Array, Uint8Array], number>(
      'SELECT EXISTS (SELECT 1 FROM drop_uploads WHERE drop_id = ? AND session_id = ?)',
    )
    .pluck();
  const insertFile = db.prepare(
    `INSERT INTO drop_files (drop_upload_id, file_id, position, size, ciphertext_hash, sealed_metadata, blob_id, sealed_key)
     VALUES (@dropUploadId, @fileId, @position, @size, @ciphertextHash, @sealedMetadata, @blobId, @sealedKey)`,
  );
  // An open drop's arrival mail, at most one per `since` window: claimed in the submission's transaction.
  const claimArrivalMail = db.prepare<[number, Uint8Array, number]>(
    'UPDATE drops SET arrival_mailed_at = ? WHERE id = ? AND (arrival_mailed_at IS NULL OR arrival_mailed_at <= ?)',
  );
  const receiptMailed = db.prepare<[Uint8Array, Uint8Array]>(
    'UPDATE drop_uploads SET receipt_mailed = 1 WHERE id = ? AND drop_id = ?',
  );

  // ---- the sweeper's (not scoped to a caller)
  // Ended drops with something left to clear: not swept yet, or swept but still holding keys
  // although no upload is left to open with them.
  const toSweep = db
    .prepare<[number], Uint8Array>(
      `SELECT id FROM drops d WHERE (closed_at IS NOT NULL OR expires_at <= ?)
         AND (swept_at IS NULL OR (secrets_owner IS NOT NULL AND NOT EXISTS (SELECT 1 FROM drop_uploads x WHERE x.drop_id = d.id)))`,
    )
    .pluck();
  const pastRetention = db.prepare<[number], { id: Uint8Array; drop_id: Uint8Array; audit_ref: Uint8Array }>(
    'SELECT x.id, x.drop_id, d.audit_ref FROM drop_uploads x JOIN drops d ON d.id = x.drop_id WHERE x.received_at <= ?',
  );
  const deleteSessions = db.prepare<[Uint8Array]>('DELETE FROM drop_sessions WHERE drop_id = ?');
  const deleteCodes = db.prepare<[Uint8Array]>('DELETE FROM drop_codes WHERE drop_id = ?');
  const destroyKeys = db.prepare<[Uint8Array]>(
    `UPDATE drops SET secrets_owner = NULL, secrets_office = NULL, label_owner = NULL, label_office = NULL, client_link = NULL
     WHERE id = ? AND secrets_owner IS NOT NULL AND NOT EXISTS (SELECT 1 FROM drop_uploads x WHERE x.drop_id = drops.id)`,
  );
  const markSwept = db.prepare<[number, Uint8Array]>('UPDATE drops SET swept_at = ? WHERE id = ? AND swept_at IS NULL');
  const liveBlobIds = db.prepare<[], Uint8Array>('SELECT blob_id FROM drop_files').pluck();
  // Sessions that ended and own no upload any more (their uploads expire on their own).
  const pruneSessions = db.prepare<[number]>(
    'DELETE FROM drop_sessions WHERE expires_at <= ? AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.drop_session_id = drop_sessions.id)',
  );
  const pruneCodes = db.prepare<[number]>('DELETE FROM drop_codes WHERE created_at <= ?');

  const one = (row: DropSqlRow | undefined) => (row === undefined ? undefined : dropFromSql(row));

  return {
    insertDrop(drop: NewDrop): void {
      insertDrop.run({ ...drop, personal: drop.personal ? 1 : 0, singleUse: drop.singleUse ? 1 : 0 });
    },
    dropIdTaken: (id: Id) => dropIdTaken.get(id) === 1,
    /** Office scope (approved staff and admins), and a link holder by the link's drop id. */
    byId: (id: Id) => one(byId.get(id)),
    /** A client's personal drop by its id, only for that client (the portal). */
    clientDrop: (id: Id, clientId: Id) => one(clientDrop.get(id, clientId)),
    /** The personal drop of a client, if they have one. */
    dropOfClient: (clientId: Id) => one(dropOfClient.get(clientId)),
    /** Closes a client's personal drop and detaches it from them; false if they had none. */
    detachClient: (clientId: Id, now: number) => detachClient.run(now, clientId).changes === 1,
    /** The member's own drops: those they made, and their clients' personal drops instead of the approver's. */
    listByOwner: (ownerId: Id) => listByOwner.all(ownerId).map(dropFromSql),
    listAll: () => listAll.all().map(dropFromSql),
    /** The uploads of the member's drops (as listByOwner), newest first. */
    uploadBriefsByOwner: (ownerId: Id) => uploadBriefsByOwner.all(ownerId),
    /** The uploads of every drop of the office (as listAll), newest first. */
    uploadBriefsAll: () => uploadBriefsAll.all(),
    uploadsOf: (dropId: Id) => uploadsOf.all(dropId).map(uploadFromSql),
    filesOf: (dropId: Id) => filesOf.all(dropId),
    uploadOf(dropId: Id, dropUploadId: Id): DropUploadRecord | undefined {
      const row = uploadOf.get(dropUploadId, dropId);
      return row === undefined ? undefined : uploadFromSql(row);
    },
    fileOf: (dropId: Id, dropUploadId: Id, fileId: Id): DropFileRecord | undefined =>
      fileOf.get(dropId, dropUploadId, fileId),
    uploadBlobIds: (dropId: Id, dropUploadId: Id) => uploadBlobIds.all(dropId, dropUploadId).map(asId),
    dropBlobIds: (dropId: Id) => dropBlobIds.all(dropId).map(asId),
    pendingUploads: (dropId: Id) =>
      pendingUploads.all(dropId).map((row) => ({ id: asId(row.id), blobId: asIdOrNull(row.blob_id) })),
    /** Deletes an upload of the drop with its files; false if there was none. */
    deleteUpload: (dropId: Id, dropUploadId: Id) => deleteUpload.run(dropUploadId, dropId).changes === 1,
    /** Deletes the drop and everything that hangs on it (sessions and their uploads' rows, codes, uploads, files). */
    deleteDrop: (id: Id) => deleteDrop.run(id).changes === 1,
    /** Closes an active drop; false if it was closed or expired already. */
    close: (id: Id, now: number) => close.run(now, id, now).changes === 1,
    /** Clears the lock, the wrong-code count and the codes (so the hourly count too), in the caller's transaction. */
    unlock(id: Id, now: number): boolean {
      if (unlock.run(now, id).changes !== 1) return false;
      forgetCodes.run(id);
      return true;
    },
    markTrusted(id: Id, now: number): void {
      trusted.run(now, id);
    },
    reject: (dropId: Id, dropUploadId: Id, now: number) => reject.run(now, dropUploadId, dropId).changes === 1,

    /** A bound drop's e-mail codes, wrong-code count and code times (server/kernel/codes/rules.ts). */
    codesOf,

    /** `clientId`: the client starting it from the portal; null through the public link. */
    insertSession(id: Id, dropId: Id, createdAt: number, expiresAt: number, clientId: Id | null): void {
      insertSession.run(id, dropId, createdAt, expiresAt, clientId);
    },
    /** A session of the link's drop (never another drop's). */
    session: (id: Id, dropId: Id): DropSessionRecord | undefined => session.get(id, dropId),
    /** The drop a session belongs to (the session id was matched to its drop already). */
    dropOfSession: (sessionId: Id) => one(dropOfSession.get(sessionId)),
    markSubmitted: (sessionId: Id, dropId: Id, now: number) => markSubmitted.run(now, sessionId, dropId).changes === 1,
    /** Container sizes of a session's unsubmitted uploads, finished or not. */
    sessionUploadSizes: (sessionId: Id) => sessionUploadSizes.all(sessionId),
    /** Container bytes a member's drops hold, submitted or not. */
    storedForOwner: (ownerId: Id) => storedForOwner.get(ownerId, ownerId) ?? 0,

    uploadIdTaken: (id: Id) => uploadIdTaken.get(id) === 1,
    /**
     * `made.sessionId`: the upload session that submitted it (its repeat is answered, not refused);
     * `made.clientId`: the client whose portal session submitted it (their upload history), null
     * otherwise; `made.clientNames`: their names record (migrations/0020_upload_names.sql).
     */
    insertUpload(
      id: Id,
      dropId: Id,
      manifest: Uint8Array,
      receivedAt: number,
      made: { readonly sessionId: Id; readonly clientId: Id | null; readonly clientNames: Uint8Array | null },
    ): void {
      insertUpload.run(id, dropId, manifest, receivedAt, made.sessionId, made.clientId, made.clientNames);
    },
    /** Whether this session of this drop submitted (and its submission is still kept). */
    hasSubmission: (dropId: Id, sessionId: Id) => hasSubmission.get(dropId, sessionId) === 1,
    /** The submission `id` if this session of this drop made it (migrations/0022_drop_submission_session.sql). */
    submissionOf(id: Id, dropId: Id, sessionId: Id): DropSubmissionRecord | undefined {
      const row = submissionOf.get(id, dropId, sessionId);
      return row === undefined
        ? undefined
        : { manifest: row.manifest, receivedAt: row.received_at, receiptMailed: row.receipt_mailed === 1 };
    },
    insertFile(file: DropFileRecord): void {
      insertFile.run(file);
    },
    /** True (and noted) when no arrival mail for the drop was queued after `since`. */
    claimArrivalMail: (dropId: Id, now: number, since: number) =>
      claimArrivalMail.run(now, dropId, since).changes === 1,
    setReceiptMailed(dropId: Id, dropUploadId: Id): void {
      receiptMailed.run(dropUploadId, dropId);
    },

    /** Sweeper: ended drops with sessions, codes or keys left to clear. */
    toSweep: (now: number) => toSweep.all(now).map(asId),
    /** Sweeper: uploads received at or before `before`. */
    pastRetention: (before: number) =>
      pastRetention
        .all(before)
        .map((row) => ({ id: asId(row.id), dropId: asId(row.drop_id), dropAuditRef: row.audit_ref })),
    /**
     * Sweeper: clears an ended drop (sessions with their uploads' rows, codes) and, once it holds
     * no upload, its sealed secrets and labels. Returns whether it was swept now, and whether its keys went now.
     */
    clearEnded(dropId: Id, now: number): { swept: boolean; keysDestroyed: boolean } {
      deleteSessions.run(dropId);
      deleteCodes.run(dropId);
      const keysDestroyed = destroyKeys.run(dropId).changes === 1;
      return { swept: markSwept.run(now, dropId).changes === 1, keysDestroyed };
    },
    liveBlobIds: () => liveBlobIds.all().map(asId),
    /** Sweeper: ended sessions without uploads, and codes older than `codesBefore`. */
    prune(now: number, codesBefore: number): number {
      return pruneSessions.run(now).changes + pruneCodes.run(codesBefore).changes;
    },
  };
}
export type DropsRepo = ReturnType<typeof createDropsRepo>;
