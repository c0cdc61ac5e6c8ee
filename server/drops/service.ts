// Drops, the office's side (docs/protocol.md §13, shared/wire/drops.ts): create a drop, list and open
// drops with their uploads, close, unlock, delete a drop or one upload, mark an upload
// rejected, and download an upload's containers.
//
// Who may do what: these routes are for approved staff and admins only (guard 'office'). Every
// one of them holds the office key, and each drop's secrets and label are sealed to the office
// key as well as to the owner, so a colleague can take over (a leaver's drops, a colleague on
// holiday): a drop is found by its id for any of them, and an action on someone else's drop is
// allowed and written to the audit log as a takeover. Clients and pending members never reach
// these routes; link holders have their own (./link.ts).
//
// The server keeps opaque bytes: it cannot open the secrets, the label, the file keys or the
// metadata, and it does not check the upload manifest's MAC (it has no D): the office's browser
// does, and reports a failed one here (reject), which stops the files from being served.
import { bytesEqual, randomBytes, toHex, type Id } from '../../shared/crypto/index.js';
import { PERSONAL_DROP_MAX_DAYS } from '../../shared/wire/index.js';
import type { Audit, AuditDetail } from '../kernel/audit/service.js';
import { BlobMissingError, type BlobStore, type OpenBlob } from '../kernel/blobs/store.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { idTaken, invalidInput, notFound, wrongState } from '../kernel/http/errors.js';
import type { OfficeRecord, OfficeRepo } from '../kernel/accounts/office-repo.js';
import { parseRange, UnsatisfiableRangeError, type Download } from '../kernel/download.js';
import { dropGone, uploadRejected } from './errors.js';
import { type DropFileRecord, type DropsRepo, type DropUploadBrief, type DropUploadRecord } from './repo.js';
import { dropState, type DropRecord } from '../kernel/domain/drops.js';
import type { ClientDropInput, DropClient, NewDropInput } from '../kernel/domain/drops.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type DropScope = 'mine' | 'office';

export interface DropUploadWithFiles {
  readonly upload: DropUploadRecord;
  readonly files: readonly DropFileRecord[];
}

interface DropDetailView {
  readonly drop: DropRecord;
  readonly uploads: readonly DropUploadWithFiles[];
}

interface DropFileRequest {
  readonly dropUploadId: Id;
  readonly fileId: Id;
  /** The Range header, if any. */
  readonly range: string | undefined;
  /** False for HEAD: nothing is audited. */
  readonly audit: boolean;
}

export interface DropsService {
  create(caller: Caller, input: NewDropInput): { dropId: Id; expiresAt: number };
  /**
   * A client's personal drop, owned by `caller`, bound to the client's address, its link sealed
   * to the client. Checked like `create`; runs in the caller's transaction (the approval).
   */
  createForClient(caller: Caller, input: ClientDropInput, client: DropClient): { dropId: Id; expiresAt: number };
  /** The drops of the scope, and the uploads they received (no file of them, no key). */
  list(caller: Caller, scope: DropScope): { drops: DropRecord[]; uploads: DropUploadBrief[] };
  detail(caller: Caller, dropId: Id): DropDetailView;
  close(caller: Caller, dropId: Id): Promise<void>;
  unlock(caller: Caller, dropId: Id): void;
  remove(caller: Caller, dropId: Id): Promise<void>;
  removeUpload(caller: Caller, dropId: Id, dropUploadId: Id): Promise<void>;
  reject(caller: Caller, dropId: Id, dropUploadId: Id): void;
  download(caller: Caller, dropId: Id, request: DropFileRequest): Promise<Download>;
}

/** The office (every drop route runs after setup; before it there is nothing to find). */
export function requireOffice(repo: OfficeRepo): OfficeRecord {
  const current = repo.get();
  if (current === undefined) throw notFound();
  return current;
}

/** Throws 410 with the drop's state when it no longer takes uploads. */
export function requireOpen(drop: DropRecord, now: number): void {
  const state = dropState(drop, now);
  if (state !== 'active') throw dropGone(state);
}

/** Groups a drop's files under its uploads, in order. */
function withFiles(uploads: readonly DropUploadRecord[], files: readonly DropFileRecord[]): DropUploadWithFiles[] {
  return uploads.map((upload) => ({ upload, files: files.filter((file) => bytesEqual(file.dropUploadId, upload.id)) }));
}

export function createDropsService(deps: {
  drops: DropsRepo;
  office: OfficeRepo;
  blobs: BlobStore;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  /** The most plaintext bytes one submission may be given (a member's storage quota). */
  maxTotalBytes: number;
  /**
   * After a close or a delete: clears what an ended drop no longer needs (sessions, their
   * uploads, codes; its keys once it holds no upload) and checkpoints the WAL, as the sweeper
   * does, without waiting for its next pass.
   */
  destroy: (dropId: Id) => Promise<void>;
}): DropsService {
  const { drops, audit, transact, clock, blobs } = deps;
  const office = () => requireOffice(deps.office);

  /** Any drop of the office, by id (the caller passed the 'office' guard). */
  const find = (dropId: Id): DropRecord => {
    const drop = drops.byId(dropId);
    if (drop === undefined) throw notFound();
    return drop;
  };

  const object = (drop: DropRecord) => ({ type: 'drop' as const, ref: drop.auditRef });

  /**
   * Audits an action by someone other than the owner (or, for a client's personal drop, the
   * client's advisor, whose drop it is now) as a takeover too; returns the detail for the action's own entry.
   */
  const noteTakeover = (caller: Caller, drop: DropRecord, action: string): Record<string, AuditDetail> => {
    if (bytesEqual(caller.userId, drop.ownerId)) return {};
    if (drop.advisorId !== null && bytesEqual(caller.userId, drop.advisorId)) return {};
    audit.record({ actor: caller.auditRef, action: 'drop.takeover', object: object(drop), details: { action } });
    return { takeover: true };
  };

  /** Deletes blobs first, then the rows in one transaction with their audit entry: a crash in between leaves rows without blobs, never blobs no row names for long (the sweeper removes orphans). */
  const removeBlobs = async (blobIds: readonly (Id | null)[]): Promise<void> => {
    for (const blobId of blobIds) if (blobId !== null) await blobs.removeBlob(blobId);
  };

  const insert = (caller: Caller, input: NewDropInput, client: DropClient | null): { dropId: Id; expiresAt: number } =>
    transact(() => {
      const now = clock.now();
      const maxDays = input.personal ? PERSONAL_DROP_MAX_DAYS : office().maxExpiryDays;
      if (input.expiresAt <= now || input.expiresAt > now + maxDays * DAY_MS) throw invalidInput(['expiresAt']);
      // A standing drop must not be open to whoever finds its link: bound to its client, and reusable.
      if (input.personal && input.email === null) throw invalidInput(['email']);
      if (input.personal && input.singleUse) throw invalidInput(['singleUse']);
      if (input.maxBytes > deps.maxTotalBytes) throw invalidInput(['maxTotalBytes']);
      if (drops.dropIdTaken(input.dropId)) throw idTaken();
      const linkRef = randomBytes(16);
      drops.insertDrop({
        id: input.dropId,
        ownerId: caller.userId,
        auditRef: randomBytes(16),
        linkRef,
        createdAt: now,
        expiresAt: input.expiresAt,
        personal: input.personal,
        title: input.title,
        instructions: input.instructions,
        email: input.email,
        maxFiles: input.maxFiles,
        maxBytes: input.maxBytes,
        singleUse: input.singleUse,
        publicKey: input.publicKey,
        secretsOwner: input.secretsOwner,
        secretsOffice: input.secretsOffice,
        labelOwner: input.labelOwner,
        labelOffice: input.labelOffice,
        clientId: client?.clientId ?? null,
        clientLink: client?.clientLink ?? null,
        signedRecord: input.signedRecord,
      });
      // Whoever uses a bound drop's link appears in the log by pseudonym; the address lives in audit_people.
      if (input.email !== null) audit.person(linkRef, 'recipient', null, input.email);
      audit.record({
        actor: caller.auditRef,
        action: 'drop.created',
        object: object(find(input.dropId)),
        details: {
          personal: input.personal,
          bound: input.email !== null,
          singleUse: input.singleUse,
          maxFiles: input.maxFiles,
          maxTotalBytes: input.maxBytes,
          expiresAt: new Date(input.expiresAt).toISOString(),
          ...(client !== null ? { client: true } : {}),
        },
      });
      return { dropId: input.dropId, expiresAt: input.expiresAt };
    });

  return {
    create: (caller, input) => insert(caller, input, null),

    createForClient: (caller, input, client) =>
      insert(caller, { ...input, email: client.email, personal: true, singleUse: false }, client),

    list(caller, scope) {
      return scope === 'mine'
        ? { drops: drops.listByOwner(caller.userId), uploads: drops.uploadBriefsByOwner(caller.userId) }
        : { drops: drops.listAll(), uploads: drops.uploadBriefsAll() };
    },

    detail(caller, dropId) {
      const drop = find(dropId);
      if (!bytesEqual(caller.userId, drop.ownerId)) transact(() => noteTakeover(caller, drop, 'view'));
      return { drop, uploads: withFiles(drops.uploadsOf(drop.id), drops.filesOf(drop.id)) };
    },

    async close(caller, dropId) {
      transact(() => {
        const drop = find(dropId);
        requireOpen(drop, clock.now());
        if (!drops.close(drop.id, clock.now())) throw dropGone('closed');
        audit.record({
          actor: caller.auditRef,
          action: 'drop.closed',
          object: object(drop),
          details: { reason: 'closed', ...noteTakeover(caller, drop, 'close') },
        });
      });
      await deps.destroy(dropId);
    },

    unlock(caller, dropId) {
      transact(() => {
        const drop = find(dropId);
        requireOpen(drop, clock.now());
        if (!drops.unlock(drop.id, clock.now())) throw wrongState();
        audit.record({
          actor: caller.auditRef,
          action: 'drop.unlocked',
          object: object(drop),
          details: noteTakeover(caller, drop, 'unlock'),
        });
      });
    },

    async remove(caller, dropId) {
      const drop = find(dropId);
      await removeBlobs([
        ...drops.dropBlobIds(drop.id),
        ...drops.pendingUploads(drop.id).map((upload) => upload.blobId),
      ]);
      for (const pending of drops.pendingUploads(drop.id)) await blobs.removeUpload(pending.id);
      transact(() => {
        const details = { uploads: drops.uploadsOf(drop.id).length, ...noteTakeover(caller, drop, 'delete') };
        if (!drops.deleteDrop(drop.id)) throw notFound();
        audit.record({ actor: caller.auditRef, action: 'drop.deleted', object: object(drop), details });
      });
      await deps.destroy(dropId);
    },

    async removeUpload(caller, dropId, dropUploadId) {
      const drop = find(dropId);
      if (drops.uploadOf(drop.id, dropUploadId) === undefined) throw notFound();
      await removeBlobs(drops.uploadBlobIds(drop.id, dropUploadId));
      transact(() => {
        if (!drops.deleteUpload(drop.id, dropUploadId)) throw notFound();
        audit.record({
          actor: caller.auditRef,
          action: 'drop.upload_deleted',
          object: object(drop),
          details: { upload: toHex(dropUploadId), ...noteTakeover(caller, drop, 'delete-upload') },
        });
      });
      await deps.destroy(dropId);
    },

    reject(caller, dropId, dropUploadId) {
      transact(() => {
        const drop = find(dropId);
        if (drops.uploadOf(drop.id, dropUploadId) === undefined) throw notFound();
        if (!drops.reject(drop.id, dropUploadId, clock.now())) throw wrongState();
        audit.record({
          actor: caller.auditRef,
          action: 'drop.upload_rejected',
          object: object(drop),
          details: { upload: toHex(dropUploadId), ...noteTakeover(caller, drop, 'reject') },
        });
      });
    },

    async download(caller, dropId, request) {
      const drop = find(dropId);
      const upload = drops.uploadOf(drop.id, request.dropUploadId);
      const file = drops.fileOf(drop.id, request.dropUploadId, request.fileId);
      if (upload === undefined || file === undefined) throw notFound();
      if (upload.rejectedAt !== null) throw uploadRejected();
      const range = parseRange(request.range, file.size);
      if (range === 'unsatisfiable') throw new UnsatisfiableRangeError(file.size);
      let blob: OpenBlob;
      try {
        blob = await blobs.openBlob(file.blobId);
      } catch (error) {
        // Deleted meanwhile (the upload or the drop): gone like an unknown one. A live row without its blob is a fault.
        if (
          error instanceof BlobMissingError &&
          drops.fileOf(drop.id, request.dropUploadId, request.fileId) === undefined
        )
          throw notFound();
        throw error;
      }
      // Every request that serves bytes is written down, a Range request too, with the bytes it
      // asked for: byte 0 is the same in every container, so `bytes=1-` is the whole file, and a
      // rule that skipped resumes would let anyone read a file unseen. A colleague's request is a
      // takeover as well. HEAD serves no bytes and writes nothing.
      if (request.audit) {
        try {
          transact(() =>
            audit.record({
              actor: caller.auditRef,
              action: 'drop.downloaded',
              object: object(drop),
              details: {
                upload: toHex(upload.id),
                file: file.position,
                range: range === undefined ? 'all' : `${range.start}-${range.end}`,
                ...noteTakeover(caller, drop, 'download'),
              },
            }),
          );
        } catch (error) {
          await blob.close();
          throw error;
        }
      }
      return { file, blob, range };
    },
  };
}
