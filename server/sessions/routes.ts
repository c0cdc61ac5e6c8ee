// The signed-in user's session: the page's poll, sign-out, and the list of their own sessions.
import { idToWire, toBase64Url, type Id } from '../../shared/crypto/index.js';
import {
  EmptyRequest,
  type KeyMaterial,
  type SessionInfo,
  type SessionKeepHalf,
  type SessionList,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import { clearSessionCookie } from '../kernel/http/cookies.js';
import { notFound, signedOut } from '../kernel/http/errors.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { idParam, parseInput } from '../kernel/http/validation.js';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import { keyMaterialOut, sessionInfoOut } from '../kernel/accounts/wire.js';
import { iso } from '../kernel/wire.js';
import type { SessionsService } from '../kernel/sessions/service.js';

export interface SessionRouteDeps {
  readonly sessions: SessionsService;
  readonly users: UsersRepo;
  readonly office: OfficeRepo;
}

/** GET /api/v1/session: polled by the page (passive: does not extend the idle time). */
export function getSession({ sessions, users, office }: SessionRouteDeps): RouteHandler {
  return (_req, res) => {
    const caller = callerOf(res);
    const user = users.byId(caller.userId);
    const current = office.get();
    if (user === undefined || current === undefined) throw signedOut();
    const answer: SessionInfo = sessionInfoOut(
      user,
      current,
      caller.session.expiresAt,
      sessions.lifetimes.idleMs / 1000,
    );
    res.json(answer);
  };
}

/** GET /api/v1/me/keys: the caller's sealed keys again (after a reload, to unlock with the password). */
export function getMyKeys({ users }: SessionRouteDeps): RouteHandler {
  return (_req, res) => {
    const user = users.byId(callerOf(res).userId);
    const answer: KeyMaterial | undefined = user === undefined ? undefined : keyMaterialOut(user);
    if (answer === undefined) throw notFound();
    res.json(answer);
  };
}

function keepHalfOut(sessionId: Id, half: Uint8Array): SessionKeepHalf {
  return { sessionId: idToWire(sessionId), half: toBase64Url(half) };
}

/** POST /api/v1/session/keep-half: this session's half of the kept keys, made on the first request. */
export function makeKeepHalf({ sessions }: SessionRouteDeps): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    const caller = callerOf(res);
    res.json(keepHalfOut(caller.session.id, sessions.keepHalf(caller)));
  };
}

/** GET /api/v1/session/keep-half: the same half after a reload; 404 when this session has none. */
export function getKeepHalf({ sessions }: SessionRouteDeps): RouteHandler {
  return (_req, res) => {
    const caller = callerOf(res);
    res.json(keepHalfOut(caller.session.id, sessions.existingKeepHalf(caller)));
  };
}

export function logout({ sessions }: SessionRouteDeps): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    sessions.endCurrent(callerOf(res));
    clearSessionCookie(res);
    res.status(204).end();
  };
}

export function listSessions({ sessions }: SessionRouteDeps): RouteHandler {
  return (_req, res) => {
    const answer: SessionList = {
      sessions: sessions.listOwn(callerOf(res)).map((session) => ({
        sessionId: idToWire(session.id),
        createdAt: iso(session.createdAt),
        lastSeenAt: iso(session.lastSeenAt),
        device: session.device,
        current: session.current,
      })),
    };
    res.json(answer);
  };
}

export function endSession({ sessions }: SessionRouteDeps): RouteHandler {
  return (req, res) => {
    const { current } = sessions.endOwn(callerOf(res), idParam(req, 'sessionId'));
    if (current) clearSessionCookie(res);
    res.status(204).end();
  };
}
