// The blob store on the local disk: DATA_DIR/uploads/<upload id> while an upload is written,
// DATA_DIR/blobs/<blob id> once it is complete (ids as 32 hex digits). Folders are 0700 and
// files 0600. Parts are streamed from the request into the file at their offset through a
// 1 MiB write buffer, never held whole; each part is fsynced (and closed) before it counts, and a
// completed upload is fsynced, renamed into blobs/ and the folder fsynced, so a crash leaves
// either the temp file or the blob, never half of one. Moving again what already moved is
// harmless: a completion retried after a crash finishes the move it finds (server/uploads).
//
// Two other ways to write a part were measured against the write stream and left: copying each
// socket chunk into one of two fixed 1 MiB buffers, and writing each chunk synchronously as it
// arrives cost the same CPU, and neither kept V8 out of its full-collection storms
// (docs/architecture.md, "The server's share of a large transfer").
import { closeSync, createWriteStream, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { asId, fromHex, toHex, type Id } from '../../../shared/crypto/index.js';
import { dataPaths } from '../paths.js';
import {
  BlobMissingError,
  PartAbortedError,
  PartTooLongError,
  PartTooShortError,
  UploadMissingError,
  type BlobStore,
  type OpenBlob,
} from './store.js';

/**
 * The write buffer between the socket and the file: what waits is written with one writev, so
 * 1 MiB keeps the writes large (the 16 KiB default was far slower) while holding a quarter of
 * what the earlier 4 MiB held per part in flight.
 */
const WRITE_BUFFER_BYTES = 1024 * 1024;
const NAME = /^[0-9a-f]{32}$/;

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ENOENT';
}

async function fsyncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Copies `source` into `out` with backpressure, counting bytes. Past `length` it stops
 * writing at once and lets the rest of the source drain unread; a source that ends early or
 * breaks off fails.
 */
function pump(source: Readable, out: Writable, length: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let received = 0;
    let settled = false;
    const cleanup = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onSourceError);
      source.off('close', onClose);
      out.off('error', onWriteError);
      out.off('drain', onDrain);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      out.destroy();
      // Let what is left of the body flow away unread: the answer can still reach the client.
      source.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > length) return fail(new PartTooLongError('the part is longer than expected'));
      if (!out.write(chunk)) source.pause();
    };
    const onDrain = () => source.resume();
    const onEnd = () => {
      if (received < length) return fail(new PartTooShortError('the part is shorter than expected'));
      if (settled) return;
      settled = true;
      cleanup();
      // 'close' comes after the file was fsynced (flush) and closed.
      out.once('error', reject);
      out.once('close', () => resolve());
      out.end();
    };
    const onSourceError = () => fail(new PartAbortedError('the body broke off before the part was complete'));
    const onWriteError = (error: Error) => fail(error);
    const onClose = () => {
      if (!source.readableEnded) fail(new PartAbortedError('the connection closed before the part was complete'));
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onSourceError);
    source.on('close', onClose);
    out.on('error', onWriteError);
    out.on('drain', onDrain);
    source.resume();
  });
}

export function createDiskBlobStore(dataDir: string): BlobStore {
  const paths = dataPaths(dataDir);
  const uploadFile = (id: Id) => join(paths.uploads, toHex(id));
  const blobFile = (id: Id) => join(paths.blobs, toHex(id));
  let prepared: Promise<void> | undefined;
  // Made on first use, so building the store touches nothing (tests build apps in a line).
  const prepare = () =>
    (prepared ??= (async () => {
      await mkdir(paths.uploads, { recursive: true, mode: 0o700 });
      await mkdir(paths.blobs, { recursive: true, mode: 0o700 });
    })().catch((error: unknown) => {
      prepared = undefined;
      throw error;
    }));

  const list = async (dir: string, before: number): Promise<Id[]> => {
    await prepare();
    const found: Id[] = [];
    for (const name of await readdir(dir)) {
      if (!NAME.test(name)) continue;
      try {
        const info = await stat(join(dir, name));
        // ctime: a rename counts as a change, so a blob just moved into place looks young.
        if (info.isFile() && Math.max(info.mtimeMs, info.ctimeMs) < before) found.push(asId(fromHex(name)));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return found;
  };

  return {
    async createUpload(uploadId, size) {
      await prepare();
      const handle = await open(uploadFile(uploadId), 'wx', 0o600);
      try {
        // Sparse: the length is reserved, the blocks come with the parts.
        await handle.truncate(size);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsyncFolder(paths.uploads);
    },

    async writePart(uploadId, offset, length, source) {
      // r+: the file must exist (it was made at the declared size); flush: fsync before close.
      const out = createWriteStream(uploadFile(uploadId), {
        flags: 'r+',
        start: offset,
        highWaterMark: WRITE_BUFFER_BYTES,
        flush: true,
      });
      try {
        await pump(source, out, length);
      } catch (error) {
        if (isMissing(error)) throw new UploadMissingError('the upload has no file');
        throw error;
      }
    },

    async readUpload(uploadId) {
      await prepare();
      let fd: number;
      try {
        fd = openSync(uploadFile(uploadId), 'r');
      } catch (error) {
        if (isMissing(error)) throw new UploadMissingError('the upload has no file');
        throw error;
      }
      let open = true;
      return {
        read: (target, position) => readSync(fd, target, 0, target.length, position),
        close() {
          if (!open) return;
          open = false;
          closeSync(fd);
        },
      };
    },

    async commitUpload(uploadId, blobId) {
      const from = uploadFile(uploadId);
      const to = blobFile(blobId);
      let handle: FileHandle;
      try {
        handle = await open(from, 'r+');
      } catch (error) {
        if (!isMissing(error)) throw error;
        // Moved already (by a completion that crashed, or answered too late, after the
        // rename): make sure the move is durable and say it is done.
        try {
          await stat(to);
        } catch (missing) {
          if (isMissing(missing)) throw new UploadMissingError('the upload has no file and no blob');
          throw missing;
        }
        await fsyncFolder(paths.blobs);
        await fsyncFolder(paths.uploads);
        return;
      }
      try {
        await handle.sync();
        // The orphan check goes by age: the blob is new as of now.
        const now = new Date();
        await handle.utimes(now, now);
      } finally {
        await handle.close();
      }
      await rename(from, to);
      await fsyncFolder(paths.blobs);
      await fsyncFolder(paths.uploads);
    },

    async removeUpload(uploadId) {
      await rm(uploadFile(uploadId), { force: true });
    },

    async openBlob(blobId): Promise<OpenBlob> {
      let handle: FileHandle;
      try {
        handle = await open(blobFile(blobId), 'r');
      } catch (error) {
        if (isMissing(error)) throw new BlobMissingError('no such blob');
        throw error;
      }
      const { size } = await handle.stat();
      return {
        size,
        async read(target, position) {
          const { bytesRead } = await handle.read(target, 0, target.length, position);
          return bytesRead;
        },
        close: () => handle.close(),
      };
    },

    async removeBlob(blobId) {
      await rm(blobFile(blobId), { force: true });
    },

    listUploads: (before) => list(paths.uploads, before),
    listBlobs: (before) => list(paths.blobs, before),
  };
}
