// CSRF defence: a request that can change state (anything but GET, HEAD and OPTIONS) must come
// from Coffer's own pages. Browsers send Origin on such requests; when it is missing, the
// Fetch Metadata header Sec-Fetch-Site must say same-origin. `Origin: null` (sandboxed frames,
// some redirects) is never ours.
//
// A request with a bearer token (an enrolled device, docs/protocol.md "Devices") carries no
// cookie: a page of another site cannot add an Authorization header without a CORS preflight
// Coffer never answers, nor know the token, so the check does not apply to it. A request with
// both a cookie and a bearer token is refused here, before anything else, rather than guessed.
// The two requests a device makes before it has any credential (starting an enrolment and
// polling its claim) come from a program, not a page: without a cookie they carry no ambient
// authority to misuse, so they too pass without an Origin.
import type { RequestHandler } from 'express';
import { readDeviceToken } from './cookies.js';
import { ambiguousCredentials, crossOrigin } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const DEVICE_ENROLMENT = /^\/api\/v1\/devices\/enrolments(?:\/[A-Za-z0-9_-]{22}\/claim)?$/;

export function originCheck(publicOrigin: string): RequestHandler {
  return (req, _res, next) => {
    const bearer = readDeviceToken(req) !== undefined;
    if (bearer && req.headers.cookie !== undefined) return next(ambiguousCredentials());
    if (SAFE_METHODS.has(req.method) || bearer) return next();
    if (req.headers.cookie === undefined && DEVICE_ENROLMENT.test(req.path)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined) return next(origin === publicOrigin ? undefined : crossOrigin());
    return next(req.headers['sec-fetch-site'] === 'same-origin' ? undefined : crossOrigin());
  };
}
