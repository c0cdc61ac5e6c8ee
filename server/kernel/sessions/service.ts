// Sessions: a 32-byte random token in the `__Host-coffer-session` cookie, stored only as
// tokenHash('session', token). A session ends at its absolute end (SESSION_MAX_HOURS after
// sign-in), after SESSION_IDLE_MINUTES without activity, on sign-out, when its owner ends it
// from the session list, and all at once on a password change (the others), recovery, an
// admin reset or disabling. Activity is recorded at most once a minute, and never by the
// page's polling of GET /api/v1/session, so a tab left open still times out.
//
// A session may also hold the server's half of the keys its browser kept (docs/protocol.md
// §29): 32 random bytes made on the session's first request, handed only to that session, and
// gone with its row; a password change destroys the current session's half as well.
import { idToWire, newId, newToken, randomBytes, tokenHash, type Id } from '../../../shared/crypto/index.js';
import type { Audit } from '../audit/service.js';
import type { Clock } from '../clock.js';
import type { Transact } from '../db/transaction.js';
import type { Caller } from '../http/caller.js';
import { notFound } from '../http/errors.js';
import type { SessionsRepo } from './repo.js';

const TOUCH_INTERVAL_MS = 60_000;
const KEEP_HALF_BYTES = 32;

export interface SessionLifetimes {
  readonly idleMs: number;
  readonly maxMs: number;
}

interface StartedSession {
  readonly token: string;
  readonly id: Id;
  readonly expiresAt: number;
}

interface OwnSession {
  readonly id: Id;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly device: string;
  readonly current: boolean;
}

export interface SessionsService {
  readonly lifetimes: SessionLifetimes;
  /** Starts a session for a user; call inside the transaction of the sign-in it completes. */
  start(userId: Id, device: string): StartedSession;
  /**
   * The caller behind a session token, or undefined when there is no live session of an
   * active user. `touch` records activity (throttled); the session poll passes false.
   */
  resolve(token: string, options: { touch: boolean }): Caller | undefined;
  listOwn(caller: Caller): OwnSession[];
  /** Ends one of the caller's own sessions; 404 for an id that is not theirs. Returns whether it was the current one. */
  endOwn(caller: Caller, sessionId: Id): { current: boolean };
  /** Signs the caller out (ends the current session). */
  endCurrent(caller: Caller): void;
  /** Ends every session of a user (inside the caller's transaction). */
  endAll(userId: Id): number;
  /**
   * Ends every session of a user but one (inside the caller's transaction), and destroys the
   * kept-keys half of the one that stays: what its browser kept no longer opens.
   */
  endOthers(userId: Id, keepTokenHash: Uint8Array): number;
  /** The caller's session's kept-keys half; made now if it has none. */
  keepHalf(caller: Caller): Uint8Array;
  /** The caller's session's kept-keys half; 404 when it has none. */
  existingKeepHalf(caller: Caller): Uint8Array;
}

export function createSessionsService(deps: {
  repo: SessionsRepo;
  clock: Clock;
  transact: Transact;
  audit: Audit;
  lifetimes: SessionLifetimes;
}): SessionsService {
  const { repo, clock, transact, audit, lifetimes } = deps;

  return {
    lifetimes,

    start(userId, device) {
      const now = clock.now();
      repo.prune(now, now - lifetimes.idleMs);
      const token = newToken();
      const id = newId();
      const expiresAt = now + lifetimes.maxMs;
      repo.insert({ tokenHash: tokenHash('session', token), id, userId, createdAt: now, expiresAt, device });
      return { token, id, expiresAt };
    },

    resolve(token, options) {
      const hash = tokenHash('session', token);
      const session = repo.resolve(hash);
      if (session === undefined) return undefined;
      const now = clock.now();
      if (now >= session.expiresAt || now - session.lastSeenAt >= lifetimes.idleMs) {
        repo.removeByHash(hash);
        return undefined;
      }
      if (session.user.status !== 'active') return undefined;
      if (options.touch && now - session.lastSeenAt >= TOUCH_INTERVAL_MS)
        repo.touch(hash, now, now - TOUCH_INTERVAL_MS + 1);
      const staffOrAdmin = session.user.role === 'admin' || session.user.role === 'staff';
      return {
        userId: session.userId,
        email: session.user.email,
        role: session.user.role,
        approval: session.user.approval,
        twoFactor: session.user.twoFactor,
        mustEnrolTwoFactor: session.officeRequiresTwoFactor && staffOrAdmin && !session.user.twoFactor,
        auditRef: session.user.auditRef,
        session: { tokenHash: hash, id: session.id, expiresAt: session.expiresAt },
      };
    },

    listOwn(caller) {
      const now = clock.now();
      return repo.listOwn(caller.userId, now, now - lifetimes.idleMs).map((row) => ({
        id: row.id,
        createdAt: row.createdAt,
        lastSeenAt: row.lastSeenAt,
        device: row.device,
        current: idToWire(row.id) === idToWire(caller.session.id),
      }));
    },

    endOwn(caller, sessionId) {
      return transact(() => {
        if (!repo.removeOwn(caller.userId, sessionId)) throw notFound();
        audit.record({
          actor: caller.auditRef,
          action: 'session.ended',
          object: { type: 'session', ref: sessionId },
          details: { how: 'ended_from_list' },
        });
        return { current: idToWire(sessionId) === idToWire(caller.session.id) };
      });
    },

    endCurrent(caller) {
      transact(() => {
        repo.removeByHash(caller.session.tokenHash);
        audit.record({
          actor: caller.auditRef,
          action: 'session.ended',
          object: { type: 'session', ref: caller.session.id },
          details: { how: 'signed_out' },
        });
      });
    },

    endAll: (userId) => repo.removeAll(userId),
    endOthers(userId, keep) {
      repo.forgetKeepHalf(keep);
      return repo.removeOthers(userId, keep);
    },

    keepHalf(caller) {
      return transact(() => {
        repo.setKeepHalfIfNone(caller.session.tokenHash, randomBytes(KEEP_HALF_BYTES));
        const half = repo.keepHalf(caller.session.tokenHash);
        if (half === undefined) throw notFound();
        return half;
      });
    },

    existingKeepHalf(caller) {
      const half = repo.keepHalf(caller.session.tokenHash);
      if (half === undefined) throw notFound();
      return half;
    },
  };
}
