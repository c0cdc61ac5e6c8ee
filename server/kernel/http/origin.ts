// CSRF defence: a request that can change state (anything but GET, HEAD and OPTIONS) must come
// from Coffer's own pages. Browsers send Origin on such requests; when it is missing, the
// Fetch Metadata header Sec-Fetch-Site must say same-origin. `Origin: null` (sandboxed frames,
// some redirects) is never ours.
import type { RequestHandler } from 'express';
import { crossOrigin } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function originCheck(publicOrigin: string): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined) return next(origin === publicOrigin ? undefined : crossOrigin());
    return next(req.headers['sec-fetch-site'] === 'same-origin' ? undefined : crossOrigin());
  };
}
