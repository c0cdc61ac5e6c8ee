// What sending, receiving and drops do alike with files (docs/protocol.md §4–§6): encrypt and
// upload one under a new file key kept in the worker state; seal its metadata and make its
// manifest entry; and open listed files against a verified manifest, keeping their keys for
// `downloadFile` under the share's (or drop upload's) id.
import {
  bytesEqual,
  checkKeyCommitment,
  findFile,
  fromBase64Url,
  idFromWire,
  idToWire,
  keyCommitment,
  metadataHash,
  newFileKey,
  newId,
  openMetadata,
  sealMetadata,
  wipe,
  type FileEntry,
  type FileKey,
  type FileMetadata,
} from '../../../../shared/crypto/index.js';
import { SealedMetadata } from '../../../../shared/wire/shares.js';
import type { CheckedRequestOf, OpenedFile, OpenedShare } from '../protocol';
import type { UploadedFileAnswer } from '../protocol/common';
import { failureCode, type Transport } from '../transport';
import { encryptAndUpload } from '../upload';
import { checked, WorkerError } from './errors';
import { b64, fingerprintOf } from './keys';
import { forgetOpened, type OpenedFileKey, type UploadedFile, type WorkerState } from './state';
import type { CallContext, WorkerDeps } from './types';

/** A file whose metadata is sealed, with its manifest entry. */
interface SealedFile {
  readonly upload: UploadedFile;
  readonly sealed: Uint8Array;
  readonly entry: FileEntry;
}

/** A file as the server lists it, with a way to open its key (null: its key is gone). */
interface ListedFile {
  readonly fileId: string;
  readonly size: number;
  readonly sealedMetadata: string;
  readonly fileKey: () => FileKey | null;
}

export interface OpenedFiles {
  readonly files: OpenedFile[];
  readonly message?: string;
  readonly missing: number;
}

/** Encrypts and uploads `file` through `transport`; its key stays in the state under the new file id. */
export async function uploadWith(
  state: WorkerState,
  deps: WorkerDeps,
  transport: Transport,
  file: Blob,
  { signal, transfer }: CallContext,
): Promise<UploadedFileAnswer> {
  const fileId = newId();
  const fileKey = newFileKey();
  try {
    const { uploadId, summary } = await encryptAndUpload(
      file,
      fileKey,
      fileId,
      {
        transport,
        clock: deps.clock,
        ...(deps.retryWindowMs !== undefined ? { retryWindowMs: deps.retryWindowMs } : {}),
      },
      signal,
      transfer,
    );
    state.uploads.set(idToWire(fileId), { fileId, fileKey, uploadId, summary });
    return { fileId: idToWire(fileId), uploadId, size: summary.plaintextLength };
  } catch (error) {
    wipe(fileKey);
    const code = failureCode(error);
    throw new WorkerError(code === 'not_found' ? 'upload_failed' : code);
  }
}

/** Seals each uploaded file's metadata (the message with the first) and makes its manifest entry. */
export function sealFiles(
  state: WorkerState,
  request: CheckedRequestOf<'sealShare'>['files'],
  message: string | undefined,
): SealedFile[] {
  const files = request.map((file, index): SealedFile => {
    const upload = state.uploads.get(file.fileId);
    if (!upload) throw new WorkerError('unknown_file');
    const metadata: FileMetadata = {
      name: file.name,
      type: file.type,
      size: upload.summary.plaintextLength,
      lastModified: file.lastModified,
      ...(index === 0 && message !== undefined && message !== '' ? { message } : {}),
    };
    const sealed = checked('bad_request', () => sealMetadata(upload.fileKey, upload.fileId, metadata));
    // The server takes sealed metadata up to a fixed size (shared/wire SealedMetadata).
    if (!SealedMetadata.safeParse(b64(sealed)).success) throw new WorkerError('message_too_long');
    const entry: FileEntry = {
      fileId: upload.fileId,
      ciphertextHash: upload.summary.ciphertextHash,
      metadataHash: metadataHash(sealed),
      keyCommitment: keyCommitment(upload.fileKey, upload.fileId),
    };
    return { upload, sealed, entry };
  });
  if (new Set(request.map((file) => file.fileId)).size !== files.length) throw new WorkerError('bad_request');
  return files;
}

/**
 * Opens each listed file with its key: commitment, metadata hash, metadata. Files the
 * manifest names that are not listed (or not openable: keys swept) are counted as missing.
 * The keys replace whatever `handle` held, or, with `keep` false (names for a list), are
 * wiped once the metadata is read and `handle` is left as it was.
 */
export function openFiles(
  state: WorkerState,
  handle: string,
  manifest: { readonly files: readonly FileEntry[] },
  listed: readonly ListedFile[],
  keep = true,
): OpenedFiles {
  const keys = new Map<string, OpenedFileKey>();
  const files: OpenedFile[] = [];
  let message: string | undefined;
  for (const item of listed) {
    const fileId = idFromWire(item.fileId);
    const entry: FileEntry = findFile(manifest, fileId);
    const fileKey = item.fileKey();
    if (fileKey === null) continue;
    checkKeyCommitment(fileKey, fileId, entry.keyCommitment);
    const sealed = fromBase64Url(item.sealedMetadata);
    if (!bytesEqual(metadataHash(sealed), entry.metadataHash)) throw new WorkerError('untrusted');
    const metadata: FileMetadata = openMetadata(fileKey, fileId, sealed);
    if (keys.has(item.fileId)) throw new WorkerError('untrusted');
    keys.set(item.fileId, { fileId, fileKey, ciphertextHash: entry.ciphertextHash, plaintextSize: metadata.size });
    files.push({
      fileId: item.fileId,
      name: metadata.name,
      type: metadata.type,
      size: metadata.size,
      lastModified: metadata.lastModified,
      containerSize: item.size,
    });
    if (message === undefined && metadata.message !== undefined && metadata.message !== '') message = metadata.message;
  }
  if (keep) {
    forgetOpened(state, handle);
    state.opened.set(handle, keys);
  } else for (const file of keys.values()) wipe(file.fileKey);
  return { files, ...(message !== undefined ? { message } : {}), missing: manifest.files.length - files.length };
}

/** What the page is told of an opened share. */
export function openedShare(shareId: string, result: OpenedFiles, senderKey: Uint8Array): OpenedShare {
  return {
    shareId,
    files: result.files,
    ...(result.message !== undefined ? { message: result.message } : {}),
    senderFingerprint: fingerprintOf(senderKey),
    missingFiles: result.missing,
  };
}
