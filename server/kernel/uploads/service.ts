// Resumable uploads of ciphertext (docs/protocol.md, shared/wire/uploads.ts). An upload is
// owned by the member who created it, or by the drop upload session that created it
// (server/drops: a second instance over a repo of that kind); every lookup names the owner, so
// another owner's upload id is 404 like an unknown one.
//
// The protocol: create with the container's declared size (a valid container length, its
// plaintext within MAX_FILE_MIB, and room for it: the member's QUOTA_MIB, or the drop's
// limits, checked by `admit` in the transaction that inserts it) and the part size the client
// chose (one of UPLOAD_PART_SIZES, by default the largest); send parts of that size (the last
// one shorter) in any order, each streamed to its offset in the upload's file and recorded
// only once fsynced, so a retry is harmless and a dropped connection leaves the part missing; ask which parts arrived to resume (also after a server
// restart: the state is in SQLite, the bytes on disk); complete once all are there. The
// container hash is kept up to date as parts arrive (./hash.ts), so completing only takes it.
//
// Completion survives a crash at every instant (docs/operations.md): (1) the container hash
// is computed and the row names the blob the file will become, with that hash, in one
// statement; (2) the file is renamed into the blob store (fsynced); (3) the row is marked
// complete. A crash before (1) leaves an upload with every part, completed again from the
// start; after (1) a retried completion redoes (2) from what the row says, which finds the
// file in either place, and (3). An upload not completed, or completed but not used in a
// share, within 24 hours is removed by the sweeper.
import type { Readable } from 'node:stream';
import { newId, plaintextLengthOf, toHex, type Id } from '../../../shared/crypto/index.js';
import { UPLOAD_PART_BYTES } from '../../../shared/wire/index.js';
import {
  PartAbortedError,
  PartTooLongError,
  PartTooShortError,
  UploadMissingError,
  type BlobStore,
} from '../blobs/store.js';
import type { Clock } from '../clock.js';
import type { Transact } from '../db/transaction.js';
import {
  badRequest,
  fileTooLarge,
  invalidInput,
  notFound,
  partTooLong,
  partTooShort,
  quotaFull,
  uploadIncomplete,
} from '../http/errors.js';
import { createUploadHashes } from './hash.js';
import type { UploadRecord, UploadsRepo } from './repo.js';

const UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const MIB = 1024 * 1024;

export interface UploadLimits {
  /** Largest plaintext, in bytes. */
  readonly maxFileBytes: number;
  /** Each user's storage of ciphertext, in bytes. */
  readonly quotaBytes: number;
}

interface UploadStatusRecord {
  readonly upload: UploadRecord;
  readonly received: readonly number[];
}

/** `ownerId`: the member's user id, or the drop upload session's id, whichever kind the repo is for. */
export interface UploadsService {
  /** `partSize`: one of UPLOAD_PART_SIZES (the wire checked it), else UPLOAD_PART_BYTES. */
  create(ownerId: Id, size: number, partSize?: number): Promise<UploadRecord>;
  status(ownerId: Id, id: Id): UploadStatusRecord;
  /** `declaredLength` is the Content-Length header, when the client sent one. */
  putPart(ownerId: Id, id: Id, index: number, declaredLength: number | undefined, body: Readable): Promise<void>;
  complete(ownerId: Id, id: Id): Promise<{ id: Id; ciphertextHash: Uint8Array }>;
  cancel(ownerId: Id, id: Id): Promise<void>;
}

/**
 * Checks that a new upload of `size` container bytes fits its owner, inside the transaction
 * that inserts it (two requests cannot both take the last room); throws the refusal.
 */
export type AdmitUpload = (ownerId: Id, size: number, now: number) => void;

/** How long part `index` of an upload must be. */
function partLength(upload: Pick<UploadRecord, 'size' | 'partSize' | 'partCount'>, index: number): number {
  return index < upload.partCount - 1 ? upload.partSize : upload.size - upload.partSize * (upload.partCount - 1);
}

export function createUploadsService(deps: {
  repo: UploadsRepo;
  blobs: BlobStore;
  clock: Clock;
  transact: Transact;
  limits: UploadLimits;
  /** The default: the member's storage quota. */
  admit?: AdmitUpload;
}): UploadsService {
  const { repo, blobs, clock, transact, limits } = deps;
  const hashes = createUploadHashes({ blobs, clock });
  const admit: AdmitUpload =
    deps.admit ??
    ((ownerId, size, now) => {
      if (repo.storageUsed(ownerId, now) + size > limits.quotaBytes) throw quotaFull();
    });

  // Requests in flight per upload, in this process: a part is not written while the upload is
  // being completed, and an upload is not completed while a part is being written.
  const busy = new Map<string, { writers: number; completing: boolean }>();
  const stateOf = (id: Id) => {
    const key = toHex(id);
    let state = busy.get(key);
    if (state === undefined) busy.set(key, (state = { writers: 0, completing: false }));
    return { state, release: () => state.writers === 0 && !state.completing && busy.delete(key) };
  };

  /** The owner's live upload, or 404 (unknown, another owner's, or past its expiry). */
  const findOwn = (ownerId: Id, id: Id): UploadRecord => {
    const upload = repo.findOwn(id, ownerId);
    if (upload === undefined || upload.expiresAt <= clock.now()) throw notFound();
    return upload;
  };

  return {
    async create(ownerId, size, partSize = UPLOAD_PART_BYTES) {
      const plaintext = plaintextLengthOf(size);
      if (plaintext === undefined) throw invalidInput(['size']);
      if (plaintext > limits.maxFileBytes) throw fileTooLarge();
      const upload = transact(() => {
        const now = clock.now();
        admit(ownerId, size, now);
        const created = {
          id: newId(),
          ownerId,
          size,
          partSize,
          partCount: Math.ceil(size / partSize),
          createdAt: now,
          expiresAt: now + UPLOAD_LIFETIME_MS,
        };
        repo.insert(created);
        return { ...created, completedAt: null, blobId: null, ciphertextHash: null, commit: null };
      });
      try {
        await blobs.createUpload(upload.id, size);
      } catch (error) {
        repo.removeOwn(upload.id, ownerId);
        throw error;
      }
      return upload;
    },

    status(ownerId, id) {
      const upload = findOwn(ownerId, id);
      const received =
        upload.completedAt === null
          ? repo.receivedParts(id, ownerId)
          : Array.from({ length: upload.partCount }, (_, i) => i);
      return { upload, received };
    },

    async putPart(ownerId, id, index, declaredLength, body) {
      const upload = findOwn(ownerId, id);
      if (upload.completedAt !== null) throw uploadIncomplete('The upload is already complete');
      if (upload.commit !== null) throw uploadIncomplete('The upload is being completed');
      if (!Number.isSafeInteger(index) || index < 0 || index >= upload.partCount) throw invalidInput(['index']);
      const length = partLength(upload, index);
      // Refused before a byte is read when the client said how long the body is.
      if (declaredLength !== undefined && declaredLength > length) throw partTooLong();
      if (declaredLength !== undefined && declaredLength < length) throw partTooShort();

      const { state, release } = stateOf(id);
      if (state.completing) {
        release();
        throw uploadIncomplete('The upload is being completed');
      }
      state.writers += 1;
      try {
        repo.unrecordPart(id, ownerId, index);
        hashes.partWriting(upload, index);
        try {
          await blobs.writePart(id, index * upload.partSize, length, body);
        } catch (error) {
          if (error instanceof PartTooLongError) throw partTooLong();
          if (error instanceof PartTooShortError) throw partTooShort();
          // The client went away mid-part: nothing was recorded, and nobody is left to answer.
          if (error instanceof PartAbortedError) throw badRequest();
          if (error instanceof UploadMissingError) throw notFound();
          throw error;
        }
        if (!repo.recordPart(id, ownerId, index, clock.now())) throw notFound();
        hashes.partStored(upload, (part) => repo.hasPart(id, ownerId, part));
      } finally {
        state.writers -= 1;
        release();
      }
    },

    async complete(ownerId, id) {
      const upload = findOwn(ownerId, id);
      // Completing twice answers the same: a retry after a lost answer is harmless.
      if (upload.completedAt !== null && upload.ciphertextHash !== null)
        return { id, ciphertextHash: upload.ciphertextHash };
      if (upload.commit === null && repo.receivedParts(id, ownerId).length !== upload.partCount)
        throw uploadIncomplete();

      const { state, release } = stateOf(id);
      if (state.writers > 0 || state.completing) {
        release();
        throw uploadIncomplete('A part of this upload is still being written');
      }
      state.completing = true;
      try {
        // A completion that began before (and crashed, or lost its answer) is finished from
        // what the row says; otherwise the row names the blob and hash first.
        let commit = upload.commit;
        if (commit === null) {
          let hashed: { hash: Uint8Array; length: number };
          try {
            hashed = await hashes.finish(upload);
          } catch (error) {
            if (error instanceof UploadMissingError) throw notFound();
            throw error;
          }
          // The file was made at the declared size and parts only write inside it.
          if (hashed.length !== upload.size) throw new Error('the upload file has the wrong length');
          const chosen = { blobId: newId(), ciphertextHash: hashed.hash };
          if (!transact(() => repo.beginCommit(id, ownerId, chosen.blobId, chosen.ciphertextHash))) {
            // Cancelled (or completed by another process) meanwhile.
            throw notFound();
          }
          commit = chosen;
        }
        try {
          await blobs.commitUpload(id, commit.blobId);
        } catch (error) {
          if (error instanceof UploadMissingError) throw notFound();
          throw error;
        }
        const now = clock.now();
        if (!transact(() => repo.finishCommit(id, ownerId, now, now + UPLOAD_LIFETIME_MS))) {
          // Cancelled meanwhile (the cancel removed the blob too; this makes sure).
          await blobs.removeBlob(commit.blobId);
          throw notFound();
        }
        return { id, ciphertextHash: commit.ciphertextHash };
      } finally {
        state.completing = false;
        release();
      }
    },

    async cancel(ownerId, id) {
      const removed = transact(() => repo.removeOwn(id, ownerId));
      if (removed === undefined) throw notFound();
      hashes.forget(id);
      await blobs.removeUpload(id);
      if (removed.blobId !== null) await blobs.removeBlob(removed.blobId);
    },
  };
}
