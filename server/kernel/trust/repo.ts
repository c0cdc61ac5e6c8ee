// The SQL of trusted devices (migrations/0015_trusted_devices.sql): a token's hash bound to the
// address it proved, with its times. Every statement names the token hash or the address
// (the sweeper deletes expired rows, server/jobs/repo.ts).
import type { Db } from '../db/open.js';

export interface TrustedDeviceRecord {
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt: number | null;
}

export function createTrustedDevicesRepo(db: Db) {
  const insert = db.prepare<[Uint8Array, string, number, number]>(
    'INSERT INTO trusted_devices (token_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  // Valid for this address now: unexpired, and within the office's current setting of its creation.
  const use = db.prepare<[number, Uint8Array, string, number, number]>(
    `UPDATE trusted_devices SET last_used_at = ?
     WHERE token_hash = ? AND email = ? AND expires_at > ? AND created_at > ?`,
  );
  const valid = db
    .prepare<[Uint8Array, string, number, number], number>(
      `SELECT 1 FROM trusted_devices WHERE token_hash = ? AND email = ? AND expires_at > ? AND created_at > ?`,
    )
    .pluck();
  const remove = db.prepare<[Uint8Array]>('DELETE FROM trusted_devices WHERE token_hash = ?');
  const list = db.prepare<
    [string, number, number],
    { created_at: number; expires_at: number; last_used_at: number | null }
  >(
    `SELECT created_at, expires_at, last_used_at FROM trusted_devices
     WHERE email = ? AND expires_at > ? AND created_at > ? ORDER BY created_at DESC`,
  );
  const revoke = db.prepare<[string]>('DELETE FROM trusted_devices WHERE email = ?');

  return {
    insert(tokenHash: Uint8Array, email: string, createdAt: number, expiresAt: number): void {
      insert.run(tokenHash, email, createdAt, expiresAt);
    },
    /** Marks the device used if it is valid for `email` now (made after `madeAfter`); false otherwise. */
    use: (tokenHash: Uint8Array, email: string, now: number, madeAfter: number): boolean =>
      use.run(now, tokenHash, email, now, madeAfter).changes === 1,
    /** The same test without writing anything (for a GET). */
    valid: (tokenHash: Uint8Array, email: string, now: number, madeAfter: number): boolean =>
      valid.get(tokenHash, email, now, madeAfter) !== undefined,
    remove(tokenHash: Uint8Array): void {
      remove.run(tokenHash);
    },
    listFor: (email: string, now: number, madeAfter: number): TrustedDeviceRecord[] =>
      list.all(email, now, madeAfter).map((row) => ({
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        lastUsedAt: row.last_used_at,
      })),
    revokeFor: (email: string): number => revoke.run(email).changes,
  };
}

export type TrustedDevicesRepo = ReturnType<typeof createTrustedDevicesRepo>;
