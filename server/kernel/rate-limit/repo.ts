// SQL of rate-limit buckets (rate_limits; migrations/0002_accounts.sql).
import type { Db } from '../db/open.js';

export interface BucketState {
  readonly failures: number;
  readonly lastFailureAt: number | null;
  readonly blockedUntil: number;
  readonly windowStart: number;
  readonly count: number;
}

export function createRateLimitRepo(db: Db) {
  const get = db.prepare<
    [Uint8Array],
    { failures: number; last_failure_at: number | null; blocked_until: number; window_start: number; count: number }
  >('SELECT failures, last_failure_at, blocked_until, window_start, count FROM rate_limits WHERE bucket = ?');
  const put = db.prepare<[Uint8Array, number, number | null, number, number, number]>(
    `INSERT INTO rate_limits (bucket, failures, last_failure_at, blocked_until, window_start, count) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (bucket) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
       blocked_until = excluded.blocked_until, window_start = excluded.window_start, count = excluded.count`,
  );
  const remove = db.prepare<[Uint8Array]>('DELETE FROM rate_limits WHERE bucket = ?');
  const prune = db.prepare<[number, number]>('DELETE FROM rate_limits WHERE window_start < ? AND blocked_until < ?');

  return {
    get(bucket: Uint8Array): BucketState | undefined {
      const row = get.get(bucket);
      if (row === undefined) return undefined;
      return {
        failures: row.failures,
        lastFailureAt: row.last_failure_at,
        blockedUntil: row.blocked_until,
        windowStart: row.window_start,
        count: row.count,
      };
    },
    put(bucket: Uint8Array, state: BucketState): void {
      put.run(bucket, state.failures, state.lastFailureAt, state.blockedUntil, state.windowStart, state.count);
    },
    remove(bucket: Uint8Array): void {
      remove.run(bucket);
    },
    /** Forgets buckets whose window started before `windowBefore` and that are no longer blocked at `now`. */
    prune(windowBefore: number, now: number): void {
      prune.run(windowBefore, now);
    },
  };
}
export type RateLimitRepo = ReturnType<typeof createRateLimitRepo>;
