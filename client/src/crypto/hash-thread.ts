// The crypto worker's handle on the hash worker (hash-worker.ts): started on the first large
// download and kept for the next ones. If it cannot start (no nested workers, a failed load)
// downloads hash in the crypto worker as before.
import { trustedScriptURL } from '../security/trusted-types';
import {
  CONTAINER_READ_BYTES,
  OFF_THREAD_HASH_BACKLOG_BYTES,
  type HashThread,
  type OffThreadHash,
} from './off-thread-hash';
import type { FromHashWorker, ToHashWorker } from './hash-messages';
import hashWorkerUrl from './hash-worker.ts?worker&url';

/** How long the hash worker may take to load libsodium before downloads hash here instead. */
const START_TIMEOUT_MS = 10_000;

interface Job {
  pending: number;
  room: (() => void) | null;
  digest: ((hash: Uint8Array) => void) | null;
  fail: (() => void) | null;
}

let started: Promise<HashThread | null> | undefined;
/** Buffers given back are kept for the next reads, up to the backlog's worth, while a job is open. */
const MAX_SPARES = OFF_THREAD_HASH_BACKLOG_BYTES / CONTAINER_READ_BYTES;

/** The hash worker, started once; null where it cannot run. */
export function browserHashThread(): Promise<HashThread | null> {
  started ??= start();
  return started;
}

function start(): Promise<HashThread | null> {
  let worker: Worker;
  try {
    // lib.dom's Worker constructor does not know TrustedScriptURL; the browser accepts it.
    worker = new Worker(trustedScriptURL(hashWorkerUrl) as string, { type: 'module', name: 'coffer-hash' });
  } catch {
    return Promise.resolve(null);
  }
  const jobs = new Map<number, Job>();
  let nextJob = 1;
  // Set when the worker failed after it started: every job still open fails with it.
  let broken = false;
  const post = (message: ToHashWorker, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);

  const spares: ArrayBuffer[] = [];
  const thread: HashThread = {
    spare: () => spares.pop(),
    begin(): OffThreadHash {
      const id = nextJob++;
      const job: Job = { pending: 0, room: null, digest: null, fail: null };
      jobs.set(id, job);
      post({ type: 'start', job: id });
      let open = true;
      return {
        give(bytes, owned = false) {
          if (!open) return;
          job.pending += bytes.length;
          // The view's buffer goes along when it is the caller's or the view is all of it; otherwise a copy does.
          const whole = owned || (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength);
          const sent = whole ? bytes : bytes.slice();
          post({ type: 'bytes', job: id, bytes: sent }, [sent.buffer]);
        },
        whenBelow(limit) {
          if (job.pending <= limit || !open || broken) return Promise.resolve();
          return new Promise<void>((resolve) => {
            // Woken by each `hashed`; also when the job was dropped or the worker failed.
            job.room = () => {
              if (job.pending > limit && open && !broken) return;
              job.room = null;
              resolve();
            };
          });
        },
        digest() {
          open = false;
          return new Promise<Uint8Array>((resolve, reject) => {
            if (broken) {
              reject(new Error('the hash worker stopped'));
              return;
            }
            job.digest = resolve;
            job.fail = () => reject(new Error('the hash worker stopped'));
            post({ type: 'end', job: id });
          });
        },
        drop() {
          if (!open) return;
          open = false;
          jobs.delete(id);
          if (jobs.size === 0) spares.length = 0;
          job.room?.();
          post({ type: 'drop', job: id });
        },
      };
    },
  };

  return new Promise<HashThread | null>((resolve) => {
    const timer = setTimeout(() => {
      worker.terminate();
      resolve(null);
    }, START_TIMEOUT_MS);
    let settled = false;
    const settle = (result: HashThread | null): void => {
      settled = true;
      clearTimeout(timer);
      if (result === null) worker.terminate();
      resolve(result);
    };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (!settled) {
        settle(null);
        return;
      }
      // Started, then failed: the downloads it was hashing fail, and later ones hash here.
      broken = true;
      started = Promise.resolve(null);
      worker.terminate();
      for (const job of jobs.values()) {
        job.room?.();
        job.fail?.();
      }
      jobs.clear();
    });
    worker.addEventListener('message', (event: MessageEvent<FromHashWorker>) => {
      const message = event.data;
      if (message.type === 'ready') settle(thread);
      else if (message.type === 'failed') settle(null);
      else if (message.type === 'hashed') {
        const job = jobs.get(message.job);
        if (!job) return;
        if (message.spent.byteLength === CONTAINER_READ_BYTES && spares.length < MAX_SPARES) spares.push(message.spent);
        job.pending -= message.length;
        job.room?.();
      } else {
        const job = jobs.get(message.job);
        jobs.delete(message.job);
        if (jobs.size === 0) spares.length = 0;
        job?.digest?.(message.hash);
      }
    });
  });
}
