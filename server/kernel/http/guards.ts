// Who may call a route. Every route in the table names one guard; this is the one place that
// says what each guard checks. Each guard includes the ones before it (but `client`, which
// includes `approved` and excludes the roles of `office` and `admin`):
//
//   public    anyone
//   session   a live session of an active user               else 401 signed_out
//   member    session + two-factor enrolled if the office
//             requires it (staff and admins)                  else 403 two_factor_required
//   staff     member with role staff or admin                 else 403 forbidden
//   approved  member whose account an admin approved          else 403 approval_pending
//   office    approved member with role staff or admin: holds
//             the office keys (sending, the office's shares)  else 403 forbidden (or approval_pending)
//   admin     approved member with role admin                 else 403 forbidden (or approval_pending)
//   client    approved account with role client: the client
//             portal (their own drop and uploads)             else 403 forbidden (or approval_pending)
//
// Two-factor sign-in is optional for clients whatever the office requires ("member" never
// refuses them for it). Received shares stay behind `approved`: clients and members alike.
//
// The session is looked up on every request, so a disabled user's open page is refused on
// its very next request. The caller is left in res.locals.caller for the handler.
import type { RequestHandler } from 'express';
import type { Caller } from './caller.js';
import { clearSessionCookie, readSessionToken } from './cookies.js';
import { approvalPending, forbidden, signedOut, twoFactorRequired } from './errors.js';

export type Guard = 'public' | 'session' | 'member' | 'staff' | 'approved' | 'office' | 'admin' | 'client';

export interface CallerResolver {
  resolve(token: string, options: { touch: boolean }): Caller | undefined;
}

interface GuardOptions {
  /** The request is not the user's activity (the page polling its session): do not extend the idle time. */
  readonly passive?: boolean;
}

export interface Guards {
  handler(guard: Guard, options?: GuardOptions): RequestHandler;
}

/** The check a guard makes once the caller is known; throws the refusal. */
const CHECKS: Readonly<Record<Exclude<Guard, 'public'>, (caller: Caller) => void>> = {
  session: () => {},
  member: (caller) => {
    if (caller.mustEnrolTwoFactor) throw twoFactorRequired();
  },
  staff: (caller) => {
    CHECKS.member(caller);
    if (caller.role !== 'staff' && caller.role !== 'admin') throw forbidden();
  },
  approved: (caller) => {
    CHECKS.member(caller);
    if (caller.approval !== 'approved') throw approvalPending();
  },
  office: (caller) => {
    CHECKS.member(caller);
    if (caller.role !== 'staff' && caller.role !== 'admin') throw forbidden();
    if (caller.approval !== 'approved') throw approvalPending();
  },
  admin: (caller) => {
    CHECKS.member(caller);
    if (caller.role !== 'admin') throw forbidden();
    if (caller.approval !== 'approved') throw approvalPending();
  },
  client: (caller) => {
    CHECKS.member(caller);
    if (caller.role !== 'client') throw forbidden();
    if (caller.approval !== 'approved') throw approvalPending();
  },
};

export function createGuards(resolver: CallerResolver): Guards {
  return {
    handler(guard, options = {}) {
      if (guard === 'public') return (_req, _res, next) => next();
      const check = CHECKS[guard];
      return (req, res, next) => {
        const token = readSessionToken(req);
        const caller = token === undefined ? undefined : resolver.resolve(token, { touch: options.passive !== true });
        if (caller === undefined) {
          // Tell the browser to drop a cookie that no longer opens anything.
          if (token !== undefined) clearSessionCookie(res);
          return next(signedOut());
        }
        try {
          check(caller);
        } catch (error) {
          return next(error);
        }
        res.locals.caller = caller;
        return next();
      };
    },
  };
}
