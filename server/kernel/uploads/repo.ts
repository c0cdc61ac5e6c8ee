// SQL of uploads (migrations/0003_uploads.sql, 0005_drops.sql, 0008_upload_commit.sql). Every statement a caller can
// reach names the upload's id AND its owner's id, so another owner's upload id matches nothing
// and answers 404 like an unknown one. An upload has one of two kinds of owner: a member
// (owner_id) or a drop's upload session (drop_session_id); a repo is made for one kind and its
// statements name only that kind's column, which is NULL on the other kind's rows. The
// sweeper's statements (unscoped, both kinds) are marked as such.
import { asId, asIdOrNull, type Id } from '../../../shared/crypto/index.js';
import type { Db } from '../db/open.js';

/** Whose uploads a repo reaches: members' own, or those of drop upload sessions. */
export type UploadOwnerKind = 'member' | 'drop-session';

export interface UploadRecord {
  readonly id: Id;
  /** The member's user id, or the drop upload session's id (see UploadOwnerKind). */
  readonly ownerId: Id;
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly completedAt: number | null;
  readonly blobId: Id | null;
  readonly ciphertextHash: Uint8Array | null;
  /** Set while a completion moves the file: the blob it becomes and the hash it has. */
  readonly commit: { readonly blobId: Id; readonly ciphertextHash: Uint8Array } | null;
}

interface UploadSqlRow {
  id: Uint8Array;
  owner_id: Uint8Array;
  size: number;
  part_size: number;
  part_count: number;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  blob_id: Uint8Array | null;
  ciphertext_hash: Uint8Array | null;
  commit_blob_id: Uint8Array | null;
  commit_hash: Uint8Array | null;
}

function fromSql(row: UploadSqlRow): UploadRecord {
  return {
    id: asId(row.id),
    ownerId: asId(row.owner_id),
    size: row.size,
    partSize: row.part_size,
    partCount: row.part_count,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    completedAt: row.completed_at,
    blobId: asIdOrNull(row.blob_id),
    ciphertextHash: row.ciphertext_hash,
    commit:
      row.commit_blob_id !== null && row.commit_hash !== null
        ? { blobId: asId(row.commit_blob_id), ciphertextHash: row.commit_hash }
        : null,
  };
}

/** A completed upload taken by a share: what the share's file row needs. */
export interface ClaimedUpload {
  readonly blobId: Id;
  readonly size: number;
  readonly ciphertextHash: Uint8Array;
}

// Both kinds' owner under one name for the sweeper's unscoped reads.
const COLUMNS =
  'id, coalesce(owner_id, drop_session_id) AS owner_id, size, part_size, part_count, created_at, expires_at, completed_at, blob_id, ciphertext_hash, commit_blob_id, commit_hash';

export function createUploadsRepo(db: Db, kind: UploadOwnerKind = 'member') {
  // The one column every scoped statement names (never taken from input).
  const owner = kind === 'member' ? 'owner_id' : 'drop_session_id';
  const insert = db.prepare(
    `INSERT INTO uploads (id, ${owner}, size, part_size, part_count, created_at, expires_at)
     VALUES (@id, @ownerId, @size, @partSize, @partCount, @createdAt, @expiresAt)`,
  );
  const findOwn = db.prepare<[Uint8Array, Uint8Array], UploadSqlRow>(
    `SELECT ${COLUMNS} FROM uploads WHERE id = ? AND ${owner} = ?`,
  );
  const receivedOwn = db
    .prepare<[Uint8Array, Uint8Array], number>(
      `SELECT p.part_index FROM upload_parts p JOIN uploads u ON u.id = p.upload_id
       WHERE u.id = ? AND u.${owner} = ? ORDER BY p.part_index`,
    )
    .pluck();
  const hasPart = db
    .prepare<[Uint8Array, Uint8Array, number], number>(
      `SELECT 1 FROM upload_parts p JOIN uploads u ON u.id = p.upload_id
       WHERE u.id = ? AND u.${owner} = ? AND p.part_index = ?`,
    )
    .pluck();
  const unrecordPart = db.prepare<[Uint8Array, Uint8Array, number]>(
    `DELETE FROM upload_parts
     WHERE upload_id = (SELECT id FROM uploads WHERE id = ? AND ${owner} = ? AND completed_at IS NULL AND commit_blob_id IS NULL)
       AND part_index = ?`,
  );
  // Recorded only for an unfinished upload that is still the owner's and not being completed:
  // a part that lands after a cancel or once completion began records nothing.
  const recordPart = db.prepare<[number, number, Uint8Array, Uint8Array, number]>(
    `INSERT OR REPLACE INTO upload_parts (upload_id, part_index, received_at)
     SELECT id, ?, ? FROM uploads
     WHERE id = ? AND ${owner} = ? AND completed_at IS NULL AND commit_blob_id IS NULL AND part_count > ?`,
  );
  // Completion, step 1: the blob's name and the hash are known to the database before the
  // file moves (migrations/0008_upload_commit.sql).
  const beginCommit = db.prepare<[Uint8Array, Uint8Array, Uint8Array, Uint8Array]>(
    `UPDATE uploads SET commit_blob_id = ?, commit_hash = ?
     WHERE id = ? AND ${owner} = ? AND completed_at IS NULL AND commit_blob_id IS NULL
       AND (SELECT count(*) FROM upload_parts WHERE upload_id = uploads.id) = part_count`,
  );
  // Step 3, once the file is in blobs/: the upload is a finished blob.
  const finishCommit = db.prepare<[number, number, Uint8Array, Uint8Array]>(
    `UPDATE uploads SET completed_at = ?, expires_at = ?, blob_id = commit_blob_id, ciphertext_hash = commit_hash,
       commit_blob_id = NULL, commit_hash = NULL
     WHERE id = ? AND ${owner} = ? AND completed_at IS NULL AND commit_blob_id IS NOT NULL`,
  );
  const clearParts = db.prepare<[Uint8Array]>('DELETE FROM upload_parts WHERE upload_id = ?');
  // The blob of a finished upload, or the one a completion is moving the file to.
  const removeOwn = db.prepare<[Uint8Array, Uint8Array], { blob_id: Uint8Array | null }>(
    `DELETE FROM uploads WHERE id = ? AND ${owner} = ? RETURNING coalesce(blob_id, commit_blob_id) AS blob_id`,
  );
  // A share (or a drop submission) takes a completed, unexpired upload of the owner's: one
  // statement, so an upload can be used once only.
  const claimOwn = db.prepare<
    [Uint8Array, Uint8Array, number],
    { blob_id: Uint8Array; size: number; ciphertext_hash: Uint8Array }
  >(
    `DELETE FROM uploads WHERE id = ? AND ${owner} = ? AND completed_at IS NOT NULL AND expires_at > ?
     RETURNING blob_id, size, ciphertext_hash`,
  );
  // Storage counted against a member: their uploads (finished or not), and the files of their
  // shares that are still active (not revoked, not expired, not used up, not swept). Always by
  // owner_id: a drop session owns no shares (its drop's uploads are counted in server/drops).
  const storageUsed = db
    .prepare<[Uint8Array, Uint8Array, number], number>(
      `SELECT (SELECT coalesce(sum(size), 0) FROM uploads WHERE owner_id = ?)
            + (SELECT coalesce(sum(f.size), 0) FROM share_files f JOIN shares s ON s.id = f.share_id
               WHERE s.sender_id = ? AND s.swept_at IS NULL AND s.revoked_at IS NULL AND s.expires_at > ?
                 AND (s.download_limit IS NULL OR EXISTS (SELECT 1 FROM share_recipients r
                   WHERE r.share_id = s.id AND r.downloads_used < s.download_limit)))`,
    )
    .pluck();

  // ---- the sweeper's (not scoped to a caller)
  // blob_id here is whichever blob the upload names, finished or being moved to: the sweeper
  // removes that one with it.
  const expired = db.prepare<[number], UploadSqlRow>(
    `SELECT id, coalesce(owner_id, drop_session_id) AS owner_id, size, part_size, part_count, created_at, expires_at,
       completed_at, coalesce(blob_id, commit_blob_id) AS blob_id, ciphertext_hash, commit_blob_id, commit_hash
     FROM uploads WHERE expires_at <= ?`,
  );
  const removeExpired = db.prepare<[Uint8Array, number]>('DELETE FROM uploads WHERE id = ? AND expires_at <= ?');
  const unfinishedIds = db.prepare<[], Uint8Array>('SELECT id FROM uploads WHERE completed_at IS NULL').pluck();
  const blobIds = db
    .prepare<[], Uint8Array>(
      `SELECT blob_id FROM uploads WHERE blob_id IS NOT NULL
       UNION ALL SELECT commit_blob_id FROM uploads WHERE commit_blob_id IS NOT NULL`,
    )
    .pluck();

  return {
    insert(upload: Omit<UploadRecord, 'completedAt' | 'blobId' | 'ciphertextHash' | 'commit'>): void {
      insert.run(upload);
    },
    findOwn(id: Id, ownerId: Id): UploadRecord | undefined {
      const row = findOwn.get(id, ownerId);
      return row === undefined ? undefined : fromSql(row);
    },
    /** Indices of the parts stored, ascending (none for another user's upload). */
    receivedParts(id: Id, ownerId: Id): number[] {
      return receivedOwn.all(id, ownerId);
    },
    /** Whether part `index` is stored. */
    hasPart(id: Id, ownerId: Id, index: number): boolean {
      return hasPart.get(id, ownerId, index) !== undefined;
    },
    /** Forgets a part before it is written again, so a retry that breaks off leaves it missing. */
    unrecordPart(id: Id, ownerId: Id, index: number): void {
      unrecordPart.run(id, ownerId, index);
    },
    /** Records a part whose bytes are durable; false if the upload is gone, finished or not the owner's. */
    recordPart(id: Id, ownerId: Id, index: number, now: number): boolean {
      return recordPart.run(index, now, id, ownerId, index).changes === 1;
    },
    /**
     * Names the blob a completion moves the file to, and its hash, before it moves; false unless
     * every part is recorded and no completion began. From here on no part is taken.
     */
    beginCommit(id: Id, ownerId: Id, blobId: Id, ciphertextHash: Uint8Array): boolean {
      return beginCommit.run(blobId, ciphertextHash, id, ownerId).changes === 1;
    },
    /** Marks an upload whose file is now its blob complete; false if it is gone or no completion began. */
    finishCommit(id: Id, ownerId: Id, now: number, expiresAt: number): boolean {
      if (finishCommit.run(now, expiresAt, id, ownerId).changes !== 1) return false;
      clearParts.run(id);
      return true;
    },
    /** Deletes the owner's upload; returns its blob id (null if unfinished), or undefined if there was none. */
    removeOwn(id: Id, ownerId: Id): { blobId: Id | null } | undefined {
      const row = removeOwn.get(id, ownerId);
      return row === undefined ? undefined : { blobId: asIdOrNull(row.blob_id) };
    },
    claimOwn(id: Id, ownerId: Id, now: number): ClaimedUpload | undefined {
      const row = claimOwn.get(id, ownerId, now);
      return row === undefined
        ? undefined
        : { blobId: asId(row.blob_id), size: row.size, ciphertextHash: row.ciphertext_hash };
    },
    storageUsed(ownerId: Id, now: number): number {
      return storageUsed.get(ownerId, ownerId, now) ?? 0;
    },

    /** Sweeper: uploads past their expiry, finished or not. */
    expired(now: number): UploadRecord[] {
      return expired.all(now).map(fromSql);
    },
    /** Sweeper: deletes an upload if it is (still) expired. */
    removeExpired(id: Id, now: number): boolean {
      return removeExpired.run(id, now).changes === 1;
    },
    /** Sweeper: which upload files and blobs rows still name (a blob being moved to counts). */
    unfinishedIds(): Id[] {
      return unfinishedIds.all().map(asId);
    },
    blobIds(): Id[] {
      return blobIds.all().map(asId);
    },
  };
}
export type UploadsRepo = ReturnType<typeof createUploadsRepo>;
