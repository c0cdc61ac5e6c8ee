// Drops step by step (docs/protocol.md §13; shared/wire/drops.ts). The pages drive these; the crypto
// worker does every check and holds every key.
//
// Making a drop: the office key is checked as for sending (the office's statement about its
// encryption key, the advisor's pin of the office key; a changed key stops until the advisor
// compared fingerprints), the worker makes the drop's key pair and D and seals them and the
// label to the advisor and the office, and the server stores the drop (asked after by its id
// when the answer is lost, as a share is). The link
// /d/<id>#<fingerprint>.<D> exists only in this browser.
//
// Uploading to one: the worker has checked the drop key against the link's fingerprint
// (openDropLink) before this starts. Each file is encrypted and uploaded to the session the
// grant names; then the worker seals the metadata and the file keys and MACs the manifest with
// D; the submission makes it the drop's upload (sent again as it was if its answer is lost). A
// failure part-way removes what was uploaded.
import { createDrop, deleteDropSessionUpload, getDrop, submitDropUpload, type DropPublicInfo } from '../../api/drops';
import { ApiError, mayHaveLanded } from '../../api/http';
import type { DropCreateResponse } from '../../../../shared/wire/drops.js';
import { sendOnce } from '../../../../shared/once.js';
import type { CryptoEngine } from '../../crypto/engine';
import type { TransferProgress } from '../../crypto/protocol';
import { retryWithin } from '../../crypto/transport';
import { checkKeysAndPins, metadataName, type SendHooks } from '../send/send-flow';

/** How long a create or a submit that got no answer (or a server error) is tried again, with backoff. */
const RETRY_MS = 30_000;

export interface DropDraft {
  readonly label: string;
  readonly title: string;
  readonly instructions: string;
  /** The address the drop is bound to; null for an open drop. */
  readonly email: string | null;
  readonly personal: boolean;
  readonly singleUse: boolean;
  readonly maxFiles: number;
  readonly maxTotalBytes: number;
  readonly expiresAt: string;
}

export interface MadeDrop {
  readonly dropId: string;
  readonly expiresAt: string;
  /** `<drop fingerprint>.<D>`: with the id, the link to pass on. */
  readonly fragment: string;
}

export async function makeDrop(
  engine: CryptoEngine,
  draft: DropDraft,
  hooks: Pick<SendHooks, 'signal' | 'confirmKeyChange'>,
): Promise<MadeDrop> {
  await checkKeysAndPins(engine, [], hooks);
  if (hooks.signal.aborted) throw new DOMException('cancelled', 'AbortError');
  const made = await engine.call('createDrop', { label: draft.label });
  const request = {
    ...made.parts,
    title: draft.title,
    instructions: draft.instructions,
    ...(draft.email !== null ? { email: draft.email } : {}),
    personal: draft.personal,
    singleUse: draft.singleUse,
    maxFiles: draft.maxFiles,
    maxTotalBytes: draft.maxTotalBytes,
    expiresAt: draft.expiresAt,
  };
  // The drop's id is this browser's: a create whose answer was lost is asked after by that id
  // before it is sent again, so the advisor gets the link of the drop made, not a second drop.
  const { value: created } = await retryWithin(
    sendOnce(
      () => createDrop(request),
      () => madeDrop(request.dropId),
    ),
    { signal: hooks.signal, windowMs: RETRY_MS, again: mayHaveLanded },
  );
  return { dropId: created.dropId, expiresAt: created.expiresAt, fragment: made.fragment };
}

/** The drop with this id, as its create would have answered, if the server made it; else null. */
async function madeDrop(dropId: string): Promise<DropCreateResponse | null> {
  try {
    const made = await getDrop(dropId);
    return { dropId: made.dropId, expiresAt: made.expiresAt };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export interface DropUpload {
  readonly dropId: string;
  readonly grant: string;
  readonly files: readonly File[];
  readonly message: string;
  readonly receiptMail: boolean;
}

export interface DropUploadHooks {
  readonly signal: AbortSignal;
  readonly fileProgress: (index: number, progress: TransferProgress) => void;
  readonly fileDone: (index: number) => void;
  /** The files are up; the submission is being made (cancelling is no longer possible). */
  readonly submitting: () => void;
}

export interface Receipt {
  readonly dropUploadId: string;
  readonly receivedAt: string;
  /** Computed in this browser from the manifest it MAC'd. */
  readonly receiptCode: string;
  /** The server computed the same code from what it stored. */
  readonly serverAgrees: boolean;
  readonly receiptMailed: boolean;
  readonly files: readonly { readonly name: string; readonly size: number }[];
}

export async function uploadToDrop(engine: CryptoEngine, upload: DropUpload, hooks: DropUploadHooks): Promise<Receipt> {
  const { signal } = hooks;
  const uploaded: { readonly fileId: string; readonly uploadId: string }[] = [];
  try {
    for (const [index, file] of upload.files.entries()) {
      uploaded.push(
        await engine.call(
          'uploadDropFile',
          { dropId: upload.dropId, grant: upload.grant, file },
          { signal, onTransfer: (progress) => hooks.fileProgress(index, progress) },
        ),
      );
      hooks.fileDone(index);
    }
    if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
    hooks.submitting();
    const sealed = await engine.call('sealDropUpload', {
      dropId: upload.dropId,
      files: uploaded.map((u, index) => {
        const file = upload.files[index] as File;
        return {
          fileId: u.fileId,
          name: metadataName(file.name),
          type: file.type.slice(0, 255),
          lastModified: Math.max(0, Math.floor(file.lastModified || 0)),
        };
      }),
      ...(upload.message.trim() !== '' ? { message: upload.message.trim() } : {}),
      receiptMail: upload.receiptMail,
    });
    // A submit whose answer was lost is sent again as it was: the server answers the session's own
    // submission with the receipt it gave (docs/protocol.md §13), where a new one would need every
    // file uploaded again.
    const { value: submitted } = await retryWithin(
      () => submitDropUpload(upload.dropId, upload.grant, sealed.request),
      { signal, windowMs: RETRY_MS, again: mayHaveLanded },
    );
    void engine.call('forgetFiles', { fileIds: uploaded.map((u) => u.fileId) }).catch(() => undefined);
    return {
      dropUploadId: submitted.dropUploadId,
      receivedAt: submitted.receivedAt,
      receiptCode: sealed.receiptCode,
      serverAgrees: submitted.receiptCode === sealed.receiptCode,
      receiptMailed: submitted.receiptMailed,
      files: upload.files.map((file) => ({ name: file.name, size: file.size })),
    };
  } catch (error) {
    // Nothing half-uploaded stays behind: the keys in the worker, the uploads on the server.
    if (uploaded.length > 0) {
      void engine.call('forgetFiles', { fileIds: uploaded.map((u) => u.fileId) }).catch(() => undefined);
      for (const u of uploaded)
        void deleteDropSessionUpload(upload.dropId, upload.grant, u.uploadId).catch(() => undefined);
    }
    throw error;
  }
}

/** What the upload page shows above every step: the office and the drop's public info. */
interface DropOffice {
  readonly name: string;
  readonly logoUrl?: string | undefined;
}

export interface Loaded {
  readonly office: DropOffice;
  readonly info: DropPublicInfo;
}
