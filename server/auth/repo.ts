// SQL of sign-in tickets and backup codes (login_tickets, backup_codes; migrations/0002_accounts.sql).
import { asId, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';

export type TicketPurpose = 'signin' | 'recovery';

export interface TicketRecord {
  readonly userId: Id;
  readonly expiresAt: number;
  readonly failures: number;
}

export function createAuthRepo(db: Db) {
  const insertTicket = db.prepare<[Uint8Array, Uint8Array, TicketPurpose, number, number]>(
    'INSERT INTO login_tickets (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const findTicket = db.prepare<
    [Uint8Array, TicketPurpose, number],
    { user_id: Uint8Array; expires_at: number; failures: number }
  >('SELECT user_id, expires_at, failures FROM login_tickets WHERE token_hash = ? AND purpose = ? AND expires_at > ?');
  const failTicket = db
    .prepare<[Uint8Array], number>(
      'UPDATE login_tickets SET failures = failures + 1 WHERE token_hash = ? RETURNING failures',
    )
    .pluck();
  const removeTicket = db.prepare<[Uint8Array]>('DELETE FROM login_tickets WHERE token_hash = ?');
  const removeTickets = db.prepare<[Uint8Array]>('DELETE FROM login_tickets WHERE user_id = ?');
  const pruneTickets = db.prepare<[number]>('DELETE FROM login_tickets WHERE expires_at <= ?');

  const clearCodes = db.prepare<[Uint8Array]>('DELETE FROM backup_codes WHERE user_id = ?');
  const insertCode = db.prepare<[Uint8Array, Uint8Array]>(
    'INSERT INTO backup_codes (user_id, code_hash) VALUES (?, ?)',
  );
  // Finding and burning a code is one statement: two requests with the same code cannot both pass.
  const useCode = db.prepare<[number, Uint8Array, Uint8Array]>(
    'UPDATE backup_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
  );
  const unusedCodes = db
    .prepare<[Uint8Array], number>('SELECT count(*) FROM backup_codes WHERE user_id = ? AND used_at IS NULL')
    .pluck();

  return {
    insertTicket(
      tokenHash: Uint8Array,
      userId: Id,
      purpose: TicketPurpose,
      createdAt: number,
      expiresAt: number,
    ): void {
      pruneTickets.run(createdAt);
      insertTicket.run(tokenHash, userId, purpose, createdAt, expiresAt);
    },
    /** A live ticket of this purpose, or undefined. */
    findTicket(tokenHash: Uint8Array, purpose: TicketPurpose, now: number): TicketRecord | undefined {
      const row = findTicket.get(tokenHash, purpose, now);
      return row === undefined
        ? undefined
        : { userId: asId(row.user_id), expiresAt: row.expires_at, failures: row.failures };
    },
    /** Counts a wrong code against the ticket; returns the new count. */
    failTicket(tokenHash: Uint8Array): number {
      return failTicket.get(tokenHash) ?? 0;
    },
    removeTicket(tokenHash: Uint8Array): void {
      removeTicket.run(tokenHash);
    },
    removeTicketsOf(userId: Id): void {
      removeTickets.run(userId);
    },
    replaceBackupCodes(userId: Id, codeHashes: readonly Uint8Array[]): void {
      clearCodes.run(userId);
      for (const hash of codeHashes) insertCode.run(userId, hash);
    },
    clearBackupCodes(userId: Id): void {
      clearCodes.run(userId);
    },
    /** Burns an unused backup code; false if there is no such unused code. */
    useBackupCode(userId: Id, codeHash: Uint8Array, now: number): boolean {
      return useCode.run(now, userId, codeHash).changes === 1;
    },
    unusedBackupCodes(userId: Id): number {
      return unusedCodes.get(userId) ?? 0;
    },
  };
}
export type AuthRepo = ReturnType<typeof createAuthRepo>;
