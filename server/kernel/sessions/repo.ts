// SQL of sessions (migrations/0002_accounts.sql). Listing and ending sessions always names
// the owner's id in the WHERE clause: a session id of another user matches nothing.
import { asId, type Id } from '../../../shared/crypto/index.js';
import type { Db } from '../db/open.js';
import type { Approval, UserStatus } from '../accounts/users-repo.js';
import type { Role } from '../../../shared/wire/index.js';

export interface NewSession {
  readonly tokenHash: Uint8Array;
  readonly id: Id;
  readonly userId: Id;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly device: string;
}

/** A session with what the guards need to know about its user and the office policy. */
export interface ResolvedSession {
  readonly id: Id;
  readonly userId: Id;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly user: {
    readonly email: string;
    readonly role: Role;
    readonly status: UserStatus;
    readonly approval: Approval;
    readonly twoFactor: boolean;
    readonly auditRef: Uint8Array;
  };
  readonly officeRequiresTwoFactor: boolean;
}

export interface SessionListRow {
  readonly id: Id;
  readonly tokenHash: Uint8Array;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly device: string;
}

export function createSessionsRepo(db: Db) {
  const insert = db.prepare<[Uint8Array, Uint8Array, Uint8Array, number, number, number, string]>(
    'INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, device) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const resolve = db.prepare<
    [Uint8Array],
    {
      id: Uint8Array;
      user_id: Uint8Array;
      created_at: number;
      last_seen_at: number;
      expires_at: number;
      email: string;
      role: Role;
      status: UserStatus;
      approval: Approval;
      two_factor: number;
      audit_ref: Uint8Array;
      require_two_factor: number | null;
    }
  >(
    `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,
            u.email, u.role, u.status, u.approval, u.totp_secret IS NOT NULL AS two_factor, u.audit_ref,
            (SELECT require_two_factor FROM office WHERE slot = 1) AS require_two_factor
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ?`,
  );
  const touch = db.prepare<[number, Uint8Array, number]>(
    'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?',
  );
  const removeByHash = db.prepare<[Uint8Array]>('DELETE FROM sessions WHERE token_hash = ?');
  const list = db.prepare<
    [Uint8Array, number, number],
    { id: Uint8Array; token_hash: Uint8Array; created_at: number; last_seen_at: number; device: string }
  >(
    `SELECT id, token_hash, created_at, last_seen_at, device FROM sessions
     WHERE user_id = ? AND expires_at > ? AND last_seen_at > ?
     ORDER BY last_seen_at DESC, created_at DESC`,
  );
  const removeOwn = db.prepare<[Uint8Array, Uint8Array]>('DELETE FROM sessions WHERE id = ? AND user_id = ?');
  const ownHash = db
    .prepare<[Uint8Array, Uint8Array], Uint8Array>('SELECT token_hash FROM sessions WHERE id = ? AND user_id = ?')
    .pluck();
  const removeAll = db.prepare<[Uint8Array]>('DELETE FROM sessions WHERE user_id = ?');
  const removeOthers = db.prepare<[Uint8Array, Uint8Array]>(
    'DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?',
  );
  const prune = db.prepare<[number, number]>('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?');
  // The kept-keys half (migrations/0013_session_keep.sql): always looked up by the caller's own token hash.
  const keepHalf = db
    .prepare<[Uint8Array], Uint8Array | null>('SELECT keep_half FROM sessions WHERE token_hash = ?')
    .pluck();
  const setKeepHalf = db.prepare<[Uint8Array, Uint8Array]>(
    'UPDATE sessions SET keep_half = ? WHERE token_hash = ? AND keep_half IS NULL',
  );
  const forgetKeepHalf = db.prepare<[Uint8Array]>('UPDATE sessions SET keep_half = NULL WHERE token_hash = ?');

  return {
    insert(session: NewSession): void {
      insert.run(
        session.tokenHash,
        session.id,
        session.userId,
        session.createdAt,
        session.createdAt,
        session.expiresAt,
        session.device,
      );
    },
    resolve(tokenHash: Uint8Array): ResolvedSession | undefined {
      const row = resolve.get(tokenHash);
      if (row === undefined) return undefined;
      return {
        id: asId(row.id),
        userId: asId(row.user_id),
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        user: {
          email: row.email,
          role: row.role,
          status: row.status,
          approval: row.approval,
          twoFactor: row.two_factor === 1,
          auditRef: row.audit_ref,
        },
        officeRequiresTwoFactor: row.require_two_factor === 1,
      };
    },
    /** Moves last_seen_at to `now` if it is older than `olderThan`. */
    touch(tokenHash: Uint8Array, now: number, olderThan: number): void {
      touch.run(now, tokenHash, olderThan);
    },
    removeByHash(tokenHash: Uint8Array): void {
      removeByHash.run(tokenHash);
    },
    /** The live sessions of one user (not expired at `now`, seen after `seenAfter`). */
    listOwn(userId: Id, now: number, seenAfter: number): SessionListRow[] {
      return list.all(userId, now, seenAfter).map((row) => ({
        id: asId(row.id),
        tokenHash: row.token_hash,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        device: row.device,
      }));
    },
    /** The token hash of one of the user's own sessions, if it is theirs. */
    ownTokenHash(userId: Id, sessionId: Id): Uint8Array | undefined {
      return ownHash.get(sessionId, userId);
    },
    /** Ends one of the user's own sessions; false if the id is not one of theirs. */
    removeOwn(userId: Id, sessionId: Id): boolean {
      return removeOwn.run(sessionId, userId).changes === 1;
    },
    removeAll(userId: Id): number {
      return removeAll.run(userId).changes;
    },
    removeOthers(userId: Id, keepTokenHash: Uint8Array): number {
      return removeOthers.run(userId, keepTokenHash).changes;
    },
    /** The session's kept-keys half, or undefined when it has none (or there is no such session). */
    keepHalf(tokenHash: Uint8Array): Uint8Array | undefined {
      return keepHalf.get(tokenHash) ?? undefined;
    },
    /** Stores a kept-keys half unless the session already has one (then that one stays). */
    setKeepHalfIfNone(tokenHash: Uint8Array, half: Uint8Array): void {
      setKeepHalf.run(half, tokenHash);
    },
    forgetKeepHalf(tokenHash: Uint8Array): void {
      forgetKeepHalf.run(tokenHash);
    },
    /** Deletes sessions past their absolute end or idle longer than allowed. */
    prune(now: number, idleBefore: number): void {
      prune.run(now, idleBefore);
    },
  };
}
export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
