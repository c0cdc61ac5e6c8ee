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
//
// A bearer token (an enrolled device or API token, server/kernel/bearer) stands in for the
// session on the routes whose table entry names one of its scopes: unknown → 401 signed_out,
// revoked → 401 device_revoked, outside its scopes → 403 token_scope; then the same check.
import type { RequestHandler } from 'express';
import type { DeviceScope } from '../../../shared/crypto/index.js';
import type { BearerResolver } from '../bearer/service.js';
import type { Caller } from './caller.js';
import { clearSessionCookie, readDeviceToken, readSessionToken } from './cookies.js';
import { approvalPending, deviceRevoked, forbidden, signedOut, tokenScope, twoFactorRequired } from './errors.js';

export type Guard = 'public' | 'session' | 'member' | 'staff' | 'approved' | 'office' | 'admin' | 'client';

export interface CallerResolver {
  resolve(token: string, options: { touch: boolean }): Caller | undefined;
}

interface GuardOptions {
  /** The request is not the user's activity (the page polling its session): do not extend the idle time. */
  readonly passive?: boolean;
  /** The scopes of bearer tokens this route accepts (the route table's entry). */
  readonly scopes?: readonly DeviceScope[];
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

/** The caller behind a bearer token, if the route takes one of its scopes; throws the refusal. */
function bearerCaller(bearer: BearerResolver, token: string, scopes: readonly DeviceScope[]): Caller {
  const found = bearer.resolveBearer(token);
  if (found === undefined) throw signedOut();
  if (found === 'revoked') throw deviceRevoked();
  const granted = found.caller.device?.scopes ?? [];
  if (!scopes.some((scope) => granted.includes(scope))) throw tokenScope();
  return found.caller;
}

export function createGuards(resolver: CallerResolver, bearer: BearerResolver): Guards {
  return {
    handler(guard, options = {}) {
      if (guard === 'public') return (_req, _res, next) => next();
      const check = CHECKS[guard];
      const scopes = options.scopes ?? [];
      return (req, res, next) => {
        const deviceToken = readDeviceToken(req);
        if (deviceToken !== undefined) {
          try {
            const caller = bearerCaller(bearer, deviceToken, scopes);
            check(caller);
            res.locals.caller = caller;
          } catch (error) {
            return next(error);
          }
          return next();
        }
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
