// SQL of the sweeper's housekeeping: rows that have outlived their use (expired sessions,
// sign-in tickets, invitations, e-mail codes, grant uses, trusted devices, device enrolments nobody
// claimed in time). Not scoped to any caller: only the sweeper runs these.
import type { Db } from '../kernel/db/open.js';

export function createHousekeepingRepo(db: Db) {
  const sessions = db.prepare<[number, number]>('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?');
  const tickets = db.prepare<[number]>('DELETE FROM login_tickets WHERE expires_at <= ?');
  // Accepted invitations stay (they name who invited whom); open ones that expired go.
  const invitations = db.prepare<[number]>('DELETE FROM invitations WHERE accepted_at IS NULL AND expires_at <= ?');
  const codes = db.prepare<[number]>('DELETE FROM email_codes WHERE created_at <= ?');
  const grants = db.prepare<[number]>('DELETE FROM grant_uses WHERE expires_at <= ?');
  const trustedDevices = db.prepare<[number]>('DELETE FROM trusted_devices WHERE expires_at <= ?');
  // An enrolment nobody claimed in time, approved or not: with it go the account keys sealed for
  // the device (docs/protocol.md §30). Starting an enrolment prunes these too, but only then.
  const enrolments = db.prepare<[number]>('DELETE FROM devices WHERE claimed_at IS NULL AND expires_at <= ?');
  const rateLimits = db.prepare<[number, number]>(
    'DELETE FROM rate_limits WHERE window_start < ? AND blocked_until < ?',
  );

  return {
    /** Returns how many rows went, by kind. */
    prune(now: number, limits: { sessionIdleMs: number; codeKeepMs: number; rateLimitWindowMs: number }) {
      return {
        sessions: sessions.run(now, now - limits.sessionIdleMs).changes,
        tickets: tickets.run(now).changes,
        invitations: invitations.run(now).changes,
        codes: codes.run(now - limits.codeKeepMs).changes,
        grants: grants.run(now).changes,
        rateLimits: rateLimits.run(now - limits.rateLimitWindowMs, now).changes,
        trustedDevices: trustedDevices.run(now).changes,
        enrolments: enrolments.run(now).changes,
      };
    },
  };
}

export type HousekeepingRepo = ReturnType<typeof createHousekeepingRepo>;
