// Free space under DATA_DIR, treated as a state rather than discovered as a crash. The database
// and the ciphertext share one disk, so an upload that fills it would also stop sign-in, cancelling
// and deleting (SQLite answers SQLITE_FULL to every write). Three defences, described for
// operators in docs/operations.md ("Free space"):
//
// 1. A margin: uploads (creating one, accepting a part) are refused with 507 `storage_full` while
//    less than MIN_FREE_MIB would be left, so the last space goes to small database writes.
// 2. A reserve file (DATA_DIR/reserve, RESERVE_MIB): space taken while the disk is healthy and
//    given back at once when something else fills the disk anyway (free space below the
//    reserve's size, or a write that failed with ENOSPC/SQLITE_FULL), so sign-in, cancelling and
//    deleting — which free space — keep working. It is made again once space recovered.
//    The operator may also delete it by hand to buy room.
// 3. A state others can see: `/healthz` and the admin page report "low", and the admins are mailed
//    once when space runs low (again only after it recovered and ran low once more).
//
// `freeSpace` is injected: tests fake a full disk (root may not mount a tmpfs in CI).
import { statfs } from 'node:fs/promises';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { describeForLog, storageFull } from '../http/errors.js';

export const MIB = 1024 * 1024;
/** A fresh reading is taken at most this often by `admit` (statfs is cheap, but parts arrive in bursts). */
const READING_MAX_AGE_MS = 1_000;
const FAILURE_HOLD_MS = 60_000;

/** Bytes an unprivileged process may still write under the folder. */
export type FreeSpace = () => Promise<number>;

function statfsFreeSpace(dir: string): FreeSpace {
  return async () => {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  };
}

type SpaceState = 'ok' | 'low';

export interface Storage {
  /** Refuses (507 `storage_full`) when `incomingBytes` more would leave less than the margin. */
  admit(incomingBytes?: number): Promise<void>;
  /** The current state, from a fresh reading; calls the low-space listener on a change to low. */
  state(): Promise<SpaceState>;
  /** A write failed for want of space: give the reserve back and count the disk as low. */
  writeFailed(): void;
  /** Called once each time space runs low (not again until it recovered). */
  onLow(listener: () => void): void;
  /** Makes the reserve file if it is missing and there is room; main.ts calls it at start. */
  ensureReserve(): Promise<void>;
  /** Checks every `intervalMs`; returns a function that stops it. */
  start(intervalMs: number): () => void;
}

export function createStorage(deps: {
  dataDir: string;
  minFreeBytes: number;
  reserveBytes: number;
  log: Logger;
  freeSpace?: FreeSpace;
  /** How old a reading `admit` may reuse (tests with a fake disk pass 0). */
  readingMaxAgeMs?: number;
  /** After a write failed for want of space, uploads stay refused this long whatever statfs says. */
  failureHoldMs?: number;
}): Storage {
  const { dataDir, minFreeBytes, reserveBytes, log } = deps;
  const freeSpace = deps.freeSpace ?? statfsFreeSpace(dataDir);
  const maxAge = deps.readingMaxAgeMs ?? READING_MAX_AGE_MS;
  const reserveFile = join(dataDir, 'reserve');
  const listeners: (() => void)[] = [];
  let state: SpaceState = 'ok';
  let reading: { at: number; free: number } | undefined;
  const failureHoldMs = deps.failureHoldMs ?? FAILURE_HOLD_MS;
  // A quota (EDQUOT) or SQLite's own limit can fail writes while statfs still shows room.
  let failedAt: number | undefined;
  const forcedLow = () => failedAt !== undefined && Date.now() - failedAt < failureHoldMs;

  const observe = (next: SpaceState) => {
    const previous = state;
    state = next;
    if (previous === 'ok' && next === 'low') {
      log.warn({ storage: { state: next } }, 'free space under DATA_DIR is low: uploads are refused');
      for (const listener of listeners) listener();
    } else if (previous === 'low' && next === 'ok') {
      log.info({ storage: { state: next } }, 'free space under DATA_DIR recovered');
    }
  };

  const releaseReserve = async () => {
    try {
      await rm(reserveFile, { force: true });
    } catch (error) {
      log.error({ error: describeForLog(error) }, 'the reserve file could not be removed');
    }
  };

  const free = async (fresh: boolean): Promise<number> => {
    if (!fresh && reading !== undefined && Date.now() - reading.at < maxAge) return reading.free;
    const value = await freeSpace();
    reading = { at: Date.now(), free: value };
    // Nearly full despite the margin (another program, a log): the reserve goes back now.
    if (reserveBytes > 0 && value < reserveBytes) await releaseReserve();
    observe(forcedLow() || value < minFreeBytes ? 'low' : 'ok');
    return value;
  };

  const ensureReserve = async () => {
    if (reserveBytes === 0) return;
    try {
      if ((await stat(reserveFile)).size >= reserveBytes) return;
    } catch {
      // missing: made below
    }
    // Only with room to spare: making it must never be what fills the disk.
    if ((await free(true)) < minFreeBytes + reserveBytes) return;
    const handle = await open(reserveFile, 'w', 0o600);
    try {
      // Written, not truncated to size: a sparse file would hold no space at all.
      const block = Buffer.alloc(MIB);
      for (let written = 0; written < reserveBytes; written += block.length) {
        await handle.write(block, 0, Math.min(block.length, reserveBytes - written));
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  };

  return {
    async admit(incomingBytes = 0) {
      const value = await free(false);
      if (forcedLow() || value - incomingBytes < minFreeBytes) throw storageFull();
    },
    async state() {
      await free(true);
      return state;
    },
    writeFailed() {
      failedAt = Date.now();
      reading = undefined;
      observe('low');
      if (reserveBytes > 0) void releaseReserve();
    },
    onLow(listener) {
      listeners.push(listener);
    },
    ensureReserve,
    start(intervalMs) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        free(true)
          .then(async () => {
            if (state === 'ok') await ensureReserve();
          })
          .catch((error: unknown) => log.error({ error: describeForLog(error) }, 'free space check failed'))
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
