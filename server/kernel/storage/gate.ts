// Where the free-space margin is checked: the routes that make an upload or accept one of its
// parts, for members and for a drop's uploader alike. It runs after the guard and the body
// parser (so a refused caller learns nothing about the disk, and a create's declared size is
// known) and before the handler streams a part to disk.
import type { RequestHandler } from 'express';
import type { RouteSpec } from '../http/route.js';
import type { Storage } from './space.js';

const GATED = new Set([
  'POST /api/v1/uploads',
  'PUT /api/v1/uploads/:uploadId/parts/:index',
  'POST /api/v1/d/:dropId/uploads',
  'PUT /api/v1/d/:dropId/uploads/:uploadId/parts/:index',
]);

const pass: RequestHandler = (_req, _res, next) => next();

/** The check for one route table entry: a pass-through for every route but the gated ones. */
export function spaceGate(storage: Storage, spec: Pick<RouteSpec, 'method' | 'path'>): RequestHandler {
  if (!GATED.has(`${spec.method} ${spec.path}`)) return pass;
  return (req, _res, next) => {
    storage.admit(incomingBytes(req.body, req.headers['content-length'])).then(() => next(), next);
  };
}

/** A create's declared size or a part's Content-Length; 0 when neither is a plain number (the handler refuses those). */
function incomingBytes(body: unknown, contentLength: string | undefined): number {
  if (typeof body === 'object' && body !== null && 'size' in body) {
    const { size } = body;
    if (typeof size === 'number' && Number.isSafeInteger(size) && size > 0) return size;
  }
  if (contentLength !== undefined && /^\d{1,16}$/.test(contentLength)) return Number(contentLength);
  return 0;
}
