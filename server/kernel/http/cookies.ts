// The session cookie, and a trusted device's (server/kernel/trust/devices.ts). `__Host-` makes browsers accept it only with Secure, Path=/ and no
// Domain, so no subdomain can set or read it; HttpOnly keeps it from scripts; SameSite=Strict
// keeps it off requests started by other sites. Max-Age is the session's absolute lifetime.
// (Browsers accept Secure cookies on http://localhost and http://127.0.0.1, for development.)
import type { Request, Response } from 'express';
import { TOKEN_PATTERN } from '../../../shared/wire/index.js';

const SESSION_COOKIE = '__Host-coffer-session';
/** A trusted device's token: separate from the session, so signing out of an account does not forget it, nor the reverse. */
const TRUST_COOKIE = '__Host-coffer-trust';

const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Strict';

export function setSessionCookie(res: Response, token: string, maxAgeSeconds: number): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${token}; Max-Age=${Math.floor(maxAgeSeconds)}; ${ATTRIBUTES}`);
}

export function clearSessionCookie(res: Response): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`);
}

/** The value of a cookie from the Cookie header, if there is one of a token's shape. */
function readToken(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    if (TOKEN_PATTERN.test(value)) return value;
  }
  return undefined;
}

/** The session token from the Cookie header, if there is one of the right shape. */
export function readSessionToken(req: Request): string | undefined {
  return readToken(req, SESSION_COOKIE);
}

export function setTrustCookie(res: Response, token: string, maxAgeSeconds: number): void {
  res.append('Set-Cookie', `${TRUST_COOKIE}=${token}; Max-Age=${Math.floor(maxAgeSeconds)}; ${ATTRIBUTES}`);
}

export function clearTrustCookie(res: Response): void {
  res.append('Set-Cookie', `${TRUST_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`);
}

/** A trusted device's token from the Cookie header, if there is one of the right shape. */
export function readTrustToken(req: Request): string | undefined {
  return readToken(req, TRUST_COOKIE);
}

/**
 * The bearer token of an enrolled device or API token (`Authorization: Bearer <token>`, 43
 * base64url characters), if the header holds one. A download grant in the same header (a
 * signed JWT, always with dots) is not one: browsers send it beside their session cookie.
 */
export function readDeviceToken(req: Request): string | undefined {
  return /^Bearer ([A-Za-z0-9_-]{43})$/.exec(req.headers.authorization ?? '')?.[1];
}
