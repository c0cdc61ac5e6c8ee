// The expiry sweeper (docs/threat-model.md promise 4, docs/operations.md): destroys what expired, was revoked or was used up,
// and clears what has outlived its use. One pass:
//
// 1. Each share past its expiry, revoked, or used up (once the last grant that downloaded has
//    expired): its blobs are deleted from the store, then in one transaction its sealed and
//    wrapped keys, guests' Ks and link secrets, codes and grant uses are deleted and the share
//    is marked swept. The share and recipient rows stay, so the sender still sees what
//    happened and entitled callers get 410.
// 2. Drop uploads older than the office's retention (its current setting, default 90 days):
//    their blobs, then in one transaction the upload with its files' sealed keys and metadata.
// 3. Each drop that ended (closed or expired): its unsubmitted uploads (files, then rows), upload
//    sessions and codes; and once it holds no upload any more, its sealed secrets and labels.
//    The drop row stays, so the office sees what happened and link holders get 410.
// 4. Uploads past their 24 hours (unfinished, or finished but never used in a share or a drop
//    submission): file and row.
// 5. Orphan files: upload files and blobs no row names, older than an hour (younger ones may
//    belong to a request between its file and its row). They are what a crash can leave.
// 6. Expired sessions, sign-in tickets, open invitations, e-mail codes, grant uses, drop upload
//    sessions, rate-limit buckets, and device enrolments nobody claimed in time (with the account
//    keys an approval sealed for the device).
// 7. PRAGMA wal_checkpoint(TRUNCATE): with secure_delete on, deleted keys are overwritten in
//    the database file, and the WAL that still held old copies of their pages is emptied. When
//    another process's reader is in the way, PASSIVE instead, and TRUNCATE again next pass
//    (server/kernel/db/checkpoint.ts: the server never waits on that reader).
//
// Every step is idempotent and files go before rows, so a pass that crashed midway is simply
// finished by the next one. main.ts starts it on an interval (SWEEP_INTERVAL_SECONDS); the
// command line runs one pass (`npm run coffer -- sweep`); tests call runOnce().
import type { Logger } from 'pino';
import { toHex, type Id } from '../../shared/crypto/index.js';
import type { Audit } from '../kernel/audit/service.js';
import type { BlobStore } from '../kernel/blobs/store.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import type { Db } from '../kernel/db/open.js';
import { checkpointWal } from '../kernel/db/checkpoint.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { DropsRepo } from '../drops/repo.js';
import { describeForLog } from '../kernel/http/errors.js';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { SharesRepo } from '../shares/repo.js';
import type { UploadsRepo } from '../kernel/uploads/repo.js';
import type { HousekeepingRepo } from './repo.js';
import { dropState } from '../kernel/domain/drops.js';
import { shareState } from '../kernel/domain/shares.js';

/** Files younger than this are never taken for orphans. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

interface SweepReport {
  /** Shares whose blobs and keys were destroyed. */
  readonly shares: number;
  /** Drop uploads whose retention ran out. */
  readonly dropUploads: number;
  /** Ended drops cleared (or whose keys were destroyed once they held nothing). */
  readonly drops: number;
  /** Stale uploads removed. */
  readonly uploads: number;
  /** Files no row named. */
  readonly orphans: number;
  /** Expired sessions, tickets, invitations, codes and grant uses removed. */
  readonly housekeeping: number;
}

export interface Sweeper {
  runOnce(): Promise<SweepReport>;
  /** Destroys one share's blobs and keys if it is no longer active; true if it did. */
  sweepShare(shareId: Id): Promise<boolean>;
  /** sweepShare, then the WAL checkpoint: for a revoke, which should not wait for the next pass. */
  destroyShare(shareId: Id): Promise<boolean>;
  /** Clears one drop if it ended; true if it did. */
  sweepDrop(dropId: Id): Promise<boolean>;
  /** sweepDrop, then the WAL checkpoint (always: a delete just removed rows too). */
  destroyDrop(dropId: Id): Promise<void>;
  /** Runs a pass every `intervalMs` (never two at once); returns a function that stops it. */
  start(intervalMs: number): () => void;
}

/** Built once, by server/compose.ts, over the app's repos. */
export function createSweeper(deps: {
  /** The connection, for the WAL checkpoint and one read snapshot; every statement is a repo's. */
  db: Db;
  shares: SharesRepo;
  drops: DropsRepo;
  uploads: UploadsRepo;
  office: OfficeRepo;
  housekeeping: HousekeepingRepo;
  audit: Audit;
  transact: Transact;
  blobs: BlobStore;
  clock: Clock;
  log: Logger;
  /** Sessions idle this long are removed (SESSION_IDLE_MINUTES). */
  sessionIdleMs: number;
  /** How old a file must be to count as an orphan (tests pass 0); measured on the real clock, like file times. */
  orphanGraceMs?: number;
  fileClock?: Clock;
}): Sweeper {
  const { db, shares, drops, uploads, office, housekeeping, audit, transact, blobs, clock, log } = deps;
  const orphanGraceMs = deps.orphanGraceMs ?? ORPHAN_GRACE_MS;
  const fileClock = deps.fileClock ?? systemClock;

  // Deleted keys may linger in the WAL while another process's reader blocks TRUNCATE: said once
  // per episode, and once more when a later pass empties it.
  let checkpointBlocked = false;
  const checkpoint = () => {
    const outcome = checkpointWal(db);
    if (outcome !== 'truncated' && !checkpointBlocked)
      log.warn(
        { checkpoint: outcome },
        'WAL checkpoint: another process holds the database open; trying TRUNCATE again next pass',
      );
    if (outcome === 'truncated' && checkpointBlocked)
      log.info({ checkpoint: outcome }, 'WAL checkpoint: emptied again');
    checkpointBlocked = outcome !== 'truncated';
  };

  const sweepShare = async (shareId: Id): Promise<boolean> => {
    const share = shares.byId(shareId);
    if (share === undefined || share.sweptAt !== null) return false;
    const state = shareState(share, clock.now());
    // A used-up share waits for the grant that took its last download, which may still finish.
    if (state === 'active' || (state === 'used-up' && (share.grantsExpireAt ?? 0) > clock.now())) return false;
    // Once a share is revoked, expired or used up it stays so: its blobs can go before its rows.
    for (const blobId of shares.blobIdsOf(shareId)) await blobs.removeBlob(blobId);
    return transact(() => {
      const now = clock.now();
      if (!shares.destroyKeys(shareId, now)) return false;
      const object = { type: 'share' as const, ref: shareId };
      if (state === 'expired') audit.record({ actor: null, action: 'share.expired', object });
      audit.record({ actor: null, action: 'share.swept', object, details: { reason: state } });
      return true;
    });
  };

  const sweepDrop = async (dropId: Id): Promise<boolean> => {
    const drop = drops.byId(dropId);
    if (drop === undefined) return false;
    const state = dropState(drop, clock.now());
    if (state === 'active') return false;
    // Once a drop ended it stays so: no new upload can start, so its files can go before its rows.
    for (const pending of drops.pendingUploads(dropId)) {
      await blobs.removeUpload(pending.id);
      if (pending.blobId !== null) await blobs.removeBlob(pending.blobId);
    }
    return transact(() => {
      const { swept, keysDestroyed } = drops.clearEnded(dropId, clock.now());
      const object = { type: 'drop' as const, ref: drop.auditRef };
      if (swept && state === 'expired') audit.record({ actor: null, action: 'drop.expired', object });
      if (swept || keysDestroyed)
        audit.record({ actor: null, action: 'drop.swept', object, details: { reason: state, keys: keysDestroyed } });
      return swept || keysDestroyed;
    });
  };

  const sweepRetention = async (): Promise<number> => {
    const days = office.get()?.retentionDays;
    if (days === undefined) return 0;
    let removed = 0;
    for (const upload of drops.pastRetention(clock.now() - days * DAY_MS)) {
      for (const blobId of drops.uploadBlobIds(upload.dropId, upload.id)) await blobs.removeBlob(blobId);
      const deleted = transact(() => {
        if (!drops.deleteUpload(upload.dropId, upload.id)) return false;
        audit.record({
          actor: null,
          action: 'drop.upload_expired',
          object: { type: 'drop', ref: upload.dropAuditRef },
          details: { upload: toHex(upload.id), retentionDays: days },
        });
        return true;
      });
      if (deleted) removed += 1;
    }
    return removed;
  };

  const removeOrphans = async (): Promise<number> => {
    const before = fileClock.now() - orphanGraceMs;
    const uploadFiles = await blobs.listUploads(before);
    const blobFiles = await blobs.listBlobs(before);
    // One snapshot of what rows name, so a blob moving from an upload to a share is seen once.
    const { unfinished, named } = db.transaction(() => ({
      unfinished: new Set(uploads.unfinishedIds().map(toHex)),
      named: new Set([...uploads.blobIds(), ...shares.liveBlobIds(), ...drops.liveBlobIds()].map(toHex)),
    }))();
    let removed = 0;
    for (const id of uploadFiles) {
      if (unfinished.has(toHex(id))) continue;
      await blobs.removeUpload(id);
      removed += 1;
    }
    for (const id of blobFiles) {
      if (named.has(toHex(id))) continue;
      await blobs.removeBlob(id);
      removed += 1;
    }
    return removed;
  };

  const runOnce = async (): Promise<SweepReport> => {
    let swept = 0;
    for (const shareId of shares.toSweep(clock.now())) if (await sweepShare(shareId)) swept += 1;

    // Retention first: a drop whose last upload goes now loses its keys in the same pass.
    const dropUploads = await sweepRetention();
    let sweptDrops = 0;
    for (const dropId of drops.toSweep(clock.now())) if (await sweepDrop(dropId)) sweptDrops += 1;

    let staleUploads = 0;
    for (const upload of uploads.expired(clock.now())) {
      await blobs.removeUpload(upload.id);
      if (upload.blobId !== null) await blobs.removeBlob(upload.blobId);
      if (transact(() => uploads.removeExpired(upload.id, clock.now()))) staleUploads += 1;
    }

    const orphans = await removeOrphans();

    const pruned = transact(() => ({
      ...housekeeping.prune(clock.now(), {
        sessionIdleMs: deps.sessionIdleMs,
        codeKeepMs: HOUR_MS,
        rateLimitWindowMs: DAY_MS,
      }),
      drops: drops.prune(clock.now(), clock.now() - HOUR_MS),
    }));
    checkpoint();

    const report = {
      shares: swept,
      dropUploads,
      drops: sweptDrops,
      uploads: staleUploads,
      orphans,
      housekeeping: Object.values(pruned).reduce((sum, n) => sum + n, 0),
    };
    if (report.shares + report.dropUploads + report.drops + report.uploads + report.orphans > 0)
      log.info({ sweep: report }, 'sweep');
    return report;
  };

  return {
    runOnce,
    sweepShare,
    async destroyShare(shareId) {
      const swept = await sweepShare(shareId);
      if (swept) checkpoint();
      return swept;
    },
    sweepDrop,
    async destroyDrop(dropId) {
      await sweepDrop(dropId);
      checkpoint();
    },
    start(intervalMs) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        runOnce()
          .catch((error: unknown) => log.error({ error: describeForLog(error) }, 'sweep failed'))
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
