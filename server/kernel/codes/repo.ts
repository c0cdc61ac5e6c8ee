// The SQL of the e-mail code rules (./rules.ts): codes issued to a holder, their tries and use,
// and the holder's counters (wrong codes, lock, requested, confirmed, delivery). Shares and
// drops have the same columns in their own tables (migrations/0004_shares.sql,
// migrations/0005_drops.sql); each capability's repo names its tables.
import type { Id } from '../../../shared/crypto/index.js';
import type { Db } from '../db/open.js';
import type { CodeHolder, EmailCodeRecord } from './rules.js';

/** Where one kind of holder keeps its codes: a guest recipient's or a bound drop's tables. */
export type CodeTables =
  | { readonly codes: 'email_codes'; readonly holder: 'recipient_id'; readonly holders: 'share_recipients' }
  | { readonly codes: 'drop_codes'; readonly holder: 'drop_id'; readonly holders: 'drops' };

/**
 * The SQL behind the e-mail code rules (./rules.ts) for one kind of holder. The shares repo
 * passes a guest recipient's tables, the drops repo a bound drop's; the table and column
 * names are literal types, never input, and every statement names the holder.
 */
export function createCodeHolders(db: Db, { codes, holder, holders }: CodeTables): (holderId: Id) => CodeHolder {
  const insert = db.prepare<[Uint8Array, Uint8Array, number, number]>(
    `INSERT INTO ${codes} (${holder}, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
  );
  const since = db
    .prepare<[Uint8Array, number], number>(
      `SELECT created_at FROM ${codes} WHERE ${holder} = ? AND created_at > ? ORDER BY created_at`,
    )
    .pluck();
  const latest = db.prepare<
    [Uint8Array],
    { id: number; code_hash: Uint8Array; created_at: number; expires_at: number; tries: number; used_at: number | null }
  >(
    `SELECT id, code_hash, created_at, expires_at, tries, used_at FROM ${codes} WHERE ${holder} = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const fail = db.prepare<[number, Uint8Array]>(`UPDATE ${codes} SET tries = tries + 1 WHERE id = ? AND ${holder} = ?`);
  // Burning the code is one statement: two requests with the same code cannot both pass.
  const use = db.prepare<[number, number, Uint8Array, number, number]>(
    `UPDATE ${codes} SET used_at = ? WHERE id = ? AND ${holder} = ? AND used_at IS NULL AND tries < ? AND expires_at > ?`,
  );
  const wrong = db
    .prepare<[Uint8Array], number>(
      `UPDATE ${holders} SET wrong_codes = wrong_codes + 1 WHERE id = ? RETURNING wrong_codes`,
    )
    .pluck();
  const lock = db.prepare<[number, Uint8Array]>(
    `UPDATE ${holders} SET locked_at = ? WHERE id = ? AND locked_at IS NULL`,
  );
  // A new code ends the "the office unlocked you" notice (unlocked_at, migrations/0015_trusted_devices.sql).
  const requested = db.prepare<[number, Uint8Array]>(
    `UPDATE ${holders} SET code_requested_at = ?, unlocked_at = NULL WHERE id = ?`,
  );
  const confirmed = db.prepare<[number, Uint8Array]>(
    `UPDATE ${holders} SET code_confirmed_at = coalesce(code_confirmed_at, ?) WHERE id = ?`,
  );
  const delivery = db.prepare<[number, Uint8Array]>(`UPDATE ${holders} SET delivery_failed = ? WHERE id = ?`);
  return (holderId) => ({
    codesSince: (after) => since.all(holderId, after),
    insertCode(codeHash, createdAt, expiresAt) {
      insert.run(holderId, codeHash, createdAt, expiresAt);
    },
    latestCode(): EmailCodeRecord | undefined {
      const row = latest.get(holderId);
      if (row === undefined) return undefined;
      return {
        id: row.id,
        codeHash: row.code_hash,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        tries: row.tries,
        usedAt: row.used_at,
      };
    },
    failCode(codeId) {
      fail.run(codeId, holderId);
    },
    useCode: (codeId, now, maxTries) => use.run(now, codeId, holderId, maxTries, now).changes === 1,
    addWrongCode: () => wrong.get(holderId) ?? 0,
    lock: (now) => lock.run(now, holderId).changes === 1,
    markRequested(now) {
      requested.run(now, holderId);
    },
    markConfirmed(now) {
      confirmed.run(now, holderId);
    },
    markDelivery(delivered) {
      delivery.run(delivered ? 0 : 1, holderId);
    },
  });
}
