// Where ciphertext lives: the blob store. Uploads are written part by part into one temp
// object per upload; a completed upload becomes a blob under a new random id; blobs are read
// back by byte range and deleted when their share is swept. Everything the store holds is
// ciphertext (containers, docs/protocol.md §4); it never sees a key or a name.
//
// This interface is all the rest of the server knows, so an S3-compatible store could
// replace the local disk (./disk.ts) without touching uploads, shares or the sweeper.
import type { Readable } from 'node:stream';
import type { Id } from '../../../shared/crypto/index.js';

export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number;
  /** Last byte, inclusive. */
  readonly end: number;
}

/**
 * An open blob: its size and reads at any position. Opening before answering means a blob
 * deleted meanwhile still reads whole. The reader brings its own buffer, so a download reuses
 * a few fixed ones instead of allocating one per read (server/kernel/download.ts).
 */
export interface OpenBlob {
  readonly size: number;
  /** Fills `target` from byte `position`; resolves with how many bytes it read (0 at the end). */
  read(target: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

/** An upload's object opened to read its bytes back, to hash them (server/kernel/uploads/hash.ts). */
interface UploadReader {
  /**
   * Fills `target` from byte `position` and returns how many bytes it read (0 at the end).
   * Synchronous: the bytes were just written (the page cache has them), and under a burst of
   * uploads the thread pool that asynchronous reads queue for is busy with the parts' writes
   * and fsyncs, which held the hash far behind the parts.
   */
  read(target: Uint8Array, position: number): number;
  close(): void;
}

export interface BlobStore {
  /** Makes the temp object of a new upload, `size` bytes long. */
  createUpload(uploadId: Id, size: number): Promise<void>;
  /**
   * Writes exactly `length` bytes from `source` at `offset` of the upload. Resolves once the
   * bytes are durable (fsynced). Throws PartTooLongError as soon as more arrive (and stops
   * reading), PartTooShortError when the source ends early, PartAbortedError when it breaks
   * off (the connection closed), UploadMissingError when the upload's object is gone.
   */
  writePart(uploadId: Id, offset: number, length: number, source: Readable): Promise<void>;
  /** Opens the upload's object to read it back (to hash it); UploadMissingError if it has none. */
  readUpload(uploadId: Id): Promise<UploadReader>;
  /**
   * Makes a completed upload the blob `blobId`, durably; the upload's temp object is gone after.
   * Idempotent: when the temp object is gone and the blob is there (an earlier call moved it),
   * it only makes sure the move is durable. UploadMissingError when neither is there.
   */
  commitUpload(uploadId: Id, blobId: Id): Promise<void>;
  /** Removes an upload's temp object; nothing happens if there is none. */
  removeUpload(uploadId: Id): Promise<void>;
  /** Opens a blob for reading; BlobMissingError if there is none. */
  openBlob(blobId: Id): Promise<OpenBlob>;
  /** Removes a blob; nothing happens if there is none. */
  removeBlob(blobId: Id): Promise<void>;
  /**
   * The upload objects and blobs last changed before `before` (ms since 1970), for the
   * sweeper's orphan check. Younger ones are left out: they may belong to a request in flight
   * whose row is about to be written.
   */
  listUploads(before: number): Promise<Id[]>;
  listBlobs(before: number): Promise<Id[]>;
}

export class PartTooLongError extends Error {
  override readonly name = 'PartTooLongError';
}

export class PartTooShortError extends Error {
  override readonly name = 'PartTooShortError';
}

/** The body ended or broke off before the part was complete (the client went away). */
export class PartAbortedError extends Error {
  override readonly name = 'PartAbortedError';
}

export class UploadMissingError extends Error {
  override readonly name = 'UploadMissingError';
}

export class BlobMissingError extends Error {
  override readonly name = 'BlobMissingError';
}
