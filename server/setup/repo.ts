// SQL of setup links (table setup_tokens, migrations/0001_init.sql).
import type { Db } from '../kernel/db/open.js';

export interface SetupTokenRow {
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export function createSetupRepo(db: Db) {
  const find = db.prepare<[Uint8Array], { expires_at: number; used_at: number | null }>(
    'SELECT expires_at, used_at FROM setup_tokens WHERE token_hash = ?',
  );
  const anyUsed = db.prepare('SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE used_at IS NOT NULL)').pluck();
  const latestValid = db
    .prepare<[number], number>('SELECT max(expires_at) FROM setup_tokens WHERE used_at IS NULL AND expires_at > ?')
    .pluck();
  const deleteUnused = db.prepare('DELETE FROM setup_tokens WHERE used_at IS NULL');
  const insert = db.prepare<[Uint8Array, number, number]>(
    'INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)',
  );

  // One transaction: checking that setup is unfinished, withdrawing older links and storing
  // the new one must not interleave with a concurrent `setup-link` or the setup itself.
  const replaceUnused = db.transaction(
    (tokenHash: Uint8Array, createdAt: number, expiresAt: number): 'issued' | 'finished' => {
      if (anyUsed.get() === 1) return 'finished';
      deleteUnused.run();
      insert.run(tokenHash, createdAt, expiresAt);
      return 'issued';
    },
  );

  const markUsed = db.prepare<[number, Uint8Array, number]>(
    'UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
  );

  return {
    find(tokenHash: Uint8Array): SetupTokenRow | undefined {
      const row = find.get(tokenHash);
      return row === undefined ? undefined : { expiresAt: row.expires_at, usedAt: row.used_at };
    },
    /** True once a setup link has been used: setup is finished for good. */
    isFinished(): boolean {
      return anyUsed.get() === 1;
    },
    /** The expiry of the newest unused link still valid at `now`, if any. */
    latestValidExpiry(now: number): number | undefined {
      return latestValid.get(now) ?? undefined;
    },
    /**
     * Uses a link up (call inside the setup transaction): true if it was valid at `now`. Every
     * other unused link is withdrawn with it, since setup is then finished.
     */
    consume(tokenHash: Uint8Array, now: number): boolean {
      if (markUsed.run(now, tokenHash, now).changes !== 1) return false;
      deleteUnused.run();
      return true;
    },
    /** Withdraws every unused link and stores a new one, unless setup is finished. */
    replaceUnused(tokenHash: Uint8Array, createdAt: number, expiresAt: number): 'issued' | 'finished' {
      return replaceUnused.immediate(tokenHash, createdAt, expiresAt);
    },
  };
}
export type SetupRepo = ReturnType<typeof createSetupRepo>;
