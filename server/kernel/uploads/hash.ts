// The container hash of an upload (docs/protocol.md §4: BLAKE2b of the whole container),
// computed while the parts arrive rather than all at once at completion, so completing a
// burst of uploads is quick instead of a second of hashing per GiB on the event loop.
//
// Per unfinished upload this process keeps a running hash over the parts stored in order from
// the first: whenever the next one in order is stored, it is read back from the file (the
// bytes that are durable, not the ones in flight) in chunks, and the event loop is let go
// every few milliseconds of hashing. (The store reads these synchronously from the page
// cache: queued behind a burst's writes in the thread pool, the hash fell far behind.) Parts arrive in any order; one that lands early is hashed
// when the gap before it closes. A part sent again after it was hashed starts the hash over.
// Completion only finishes what is left (nothing, normally) and takes the digest. The state
// lives in memory only (libsodium's hash state cannot be saved): after a restart the first
// part stored, or the completion, hashes the stored parts again from the file the same way.
//
// Hashing each part's bytes as they stream in, instead of reading them back, was weighed and
// left: the browser sends two parts at once, so the next part in order has mostly arrived
// before its turn comes and would be read back anyway, and reading back from the page cache
// into the hash's heap buffer costs no measurable CPU next to BLAKE2b itself (about 0.3 s per
// 256 MiB either way, measured in Node on the 2-core office machine). Measured again apart:
// reading back is 0.12–0.19 s of CPU per GiB, BLAKE2b 1.25 s, the whole upload 3.3–4.0 s
// (docs/architecture.md, "The server's share of a large transfer").
//
// The hashing itself is shared/crypto's (the only libsodium import); this feeds it bytes.
import { performance } from 'node:perf_hooks';
import { createContainerHasher, toHex, type Id } from '../../../shared/crypto/index.js';
import { UploadMissingError, type BlobStore } from '../blobs/store.js';
import type { Clock } from '../clock.js';

/** What of an upload the hash needs: where each part is and whether it is stored. */
export interface HashedUpload {
  readonly id: Id;
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
  readonly expiresAt: number;
}

interface RunningHash {
  readonly hasher: ReturnType<typeof createContainerHasher>;
  /** Parts 0 … next-1 are in the hash. */
  next: number;
  hashedBytes: number;
  /** The passes queued for this upload, one after another. */
  queue: Promise<void>;
  /** The part being read now, if any. */
  reading: number | null;
  readonly expiresAt: number;
  finished: boolean;
}

/** A part is read back in chunks of this size: ~0.3 ms of hashing, then the event loop may be let go. */
const READ_BYTES = 256 * 1024;
/** How long hashing runs before it lets the event loop take other work. */
const SLICE_MS = 10;

function partRange(upload: HashedUpload, index: number): { start: number; end: number } {
  const start = index * upload.partSize;
  return { start, end: Math.min(upload.size, start + upload.partSize) - 1 };
}

export function createUploadHashes(deps: { blobs: BlobStore; clock: Clock }) {
  const { blobs, clock } = deps;
  const running = new Map<string, RunningHash>();

  // One time slice shared by every upload's hash: after SLICE_MS of hashing (whichever uploads
  // did it), the next chunk waits for the event loop's next turn, so fifty uploads hashing at
  // once still leave other requests a turn every SLICE_MS, not every fifty slices.
  let sliceStart = performance.now();
  const pace = async (): Promise<void> => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (performance.now() - sliceStart >= SLICE_MS) sliceStart = performance.now();
  };

  /** Ends a hash (the digest frees libsodium's state) and forgets it. */
  const drop = (key: string, state: RunningHash): void => {
    if (running.get(key) === state) running.delete(key);
    if (!state.finished) {
      state.finished = true;
      state.hasher.digest();
    }
  };

  const stateOf = (upload: HashedUpload): RunningHash => {
    const key = toHex(upload.id);
    let state = running.get(key);
    if (state === undefined) {
      state = {
        hasher: createContainerHasher(),
        next: 0,
        hashedBytes: 0,
        queue: Promise.resolve(),
        reading: null,
        expiresAt: upload.expiresAt,
        finished: false,
      };
      running.set(key, state);
    }
    return state;
  };

  /** Uploads abandoned past their expiry: their files go with the sweeper, their hashes here. */
  const pruneExpired = (): void => {
    const now = clock.now();
    for (const [key, state] of running) if (state.expiresAt <= now && state.reading === null) drop(key, state);
  };

  /**
   * Feeds the parts stored in order from `state.next` to the hash, reading them back in chunks.
   * Stops at the first part not stored, or when the state was dropped (a part sent again).
   */
  const advance = async (upload: HashedUpload, state: RunningHash, stored: (index: number) => boolean) => {
    const key = toHex(upload.id);
    while (!state.finished && state.next < upload.partCount && stored(state.next)) {
      const index = state.next;
      state.reading = index;
      try {
        const { start, end } = partRange(upload, index);
        const reader = await blobs.readUpload(upload.id);
        try {
          // Read straight into the hash's buffer in libsodium's heap: no buffer per chunk.
          for (let position = start; position <= end;) {
            if (state.finished) return;
            const read = state.hasher.updateFrom(Math.min(READ_BYTES, end + 1 - position), (target) =>
              reader.read(target, position),
            );
            if (read === 0) throw new UploadMissingError('the upload file is shorter than expected');
            position += read;
            await pace();
          }
        } finally {
          reader.close();
        }
        if (state.finished) return;
        state.hashedBytes += end + 1 - start;
        state.next = index + 1;
      } catch (error) {
        drop(key, state);
        throw error;
      } finally {
        state.reading = null;
      }
    }
  };

  return {
    /**
     * Part `index` of the upload is about to be written (again): a hash that has it, or is
     * reading it, starts over.
     */
    partWriting(upload: HashedUpload, index: number): void {
      const key = toHex(upload.id);
      const state = running.get(key);
      if (state !== undefined && (index < state.next || state.reading === index)) drop(key, state);
    },

    /**
     * A part was stored: hash what is now contiguous, in the background. `stored` answers
     * whether a part is stored (asked before each part is read). Failures only end the running
     * hash: the completion hashes from the file.
     */
    partStored(upload: HashedUpload, stored: (index: number) => boolean): void {
      pruneExpired();
      const state = stateOf(upload);
      state.queue = state.queue.then(() => advance(upload, state, stored)).catch(() => undefined);
    },

    /**
     * The container hash of an upload whose parts are all stored: what the running hash has,
     * with the rest (all of it, after a restart) read from the file in chunks now.
     */
    async finish(upload: HashedUpload): Promise<{ hash: Uint8Array; length: number }> {
      const key = toHex(upload.id);
      const before = running.get(key);
      if (before !== undefined) await before.queue;
      const state = stateOf(upload);
      await advance(upload, state, () => true);
      if (state.finished || state.next !== upload.partCount) {
        drop(key, state);
        throw new Error('the upload changed while it was hashed');
      }
      running.delete(key);
      state.finished = true;
      return { hash: state.hasher.digest(), length: state.hashedBytes };
    },

    /** The upload is gone (cancelled): its hash too. */
    forget(id: Id): void {
      const key = toHex(id);
      const state = running.get(key);
      if (state !== undefined) drop(key, state);
    },

    /** How many uploads have a running hash (for tests). */
    get size(): number {
      return running.size;
    },
  };
}
