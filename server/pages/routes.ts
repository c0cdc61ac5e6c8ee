// The browser client: its pages (one index.html, never cached, so a new release is picked up
// at once) and its build output under /assets (file names carry a content hash, so they are
// cached for a year).
import type { RequestHandler } from 'express';
import { notFound } from '../kernel/http/errors.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { extname } from 'node:path';
import type { Response } from 'express';
import { ENCODED_SUFFIX, isEncodedCopy, preferredEncoding } from './encoding.js';

/** index.html is missing: the client was not built (`npm run build`). The name says so in the log. */
class ClientBuildMissingError extends Error {
  override readonly name = 'ClientBuildMissingError';
}

const FILE_NOT_FOUND = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG']);

function isMissingFile(error: unknown): boolean {
  const { status, code } = error as { status?: unknown; code?: unknown };
  return (
    (typeof status === 'number' && status >= 400 && status < 500) ||
    (typeof code === 'string' && FILE_NOT_FOUND.has(code))
  );
}

export function sendPage(clientDir: string, status = 200): RouteHandler {
  return (_req, res) =>
    new Promise<void>((resolve, reject) => {
      res.status(status).sendFile(
        'index.html',
        {
          root: clientDir,
          cacheControl: false,
          etag: false,
          lastModified: false,
          headers: { 'Cache-Control': 'no-store' },
        },
        (error?: Error) => (error ? reject(isMissingFile(error) ? new ClientBuildMissingError() : error) : resolve()),
      );
    });
}

/** Paths that are never a page: the API, the build output, the service worker, the health check. */
const NEVER_A_PAGE = /^\/(api|assets)(\/|$)|^\/(sw\.js|healthz)$/;

/**
 * A path no route knows, asked for by a browser that wants a page (GET or HEAD, Accept prefers
 * HTML): index.html with status 404, so the client shows its own not-found page with a way back.
 * Anything else (the API, a script, a scanner without Accept: text/html) gets the JSON 404 from
 * the next handler.
 */
export function notFoundPage(clientDir: string): RequestHandler {
  const page = sendPage(clientDir, 404);
  return (req, res, next) => {
    const wantsPage =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !NEVER_A_PAGE.test(req.path) &&
      req.accepts(['json', 'html']) === 'html';
    if (!wantsPage) {
      next();
      return;
    }
    res.locals.route = 'not-found page';
    res.setHeader('Cache-Control', 'no-store');
    Promise.resolve(page(req, res)).catch(next);
  };
}

/**
 * The download service worker (client/src/sw/): at a fixed, unhashed path, because a service
 * worker's URL is its identity. Never cached, so the browser's update check always sees the
 * current release.
 */
export function sendServiceWorker(clientDir: string): RouteHandler {
  return (_req, res) =>
    new Promise<void>((resolve, reject) => {
      res.sendFile(
        'sw.js',
        {
          root: clientDir,
          cacheControl: false,
          etag: false,
          lastModified: false,
          headers: { 'Cache-Control': 'no-store', 'Content-Type': 'application/javascript; charset=utf-8' },
        },
        (error?: Error) => (error ? reject(isMissingFile(error) ? notFound() : error) : resolve()),
      );
    });
}

/** Sends `relative` from `root` with `options`; rejects with the error (missing or not) if it could not. */
function sendFileFrom(res: Response, root: string, relative: string, options: object): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    res.sendFile(relative, { root, dotfiles: 'deny', ...options }, (error?: Error) =>
      error ? reject(error) : resolve(),
    );
  });
}

/** Cached for a year: the name changes with the content. */
const IMMUTABLE = { maxAge: 31_536_000_000, immutable: true } as const;

/**
 * A built file. When the browser accepts brotli or gzip and the build made that copy, the copy
 * is sent with Content-Encoding and the file's own Content-Type; otherwise the file as it is
 * (with Range support). Either way `Vary: Accept-Encoding`, so caches keep them apart. Copies
 * are sent whole (no Range): browsers fetch scripts and styles in one piece.
 */
export function sendAsset(clientDir: string): RouteHandler {
  const root = `${clientDir}/assets`;
  return async (req, res) => {
    const file = req.params.file;
    const relative = Array.isArray(file) ? file.join('/') : String(file);
    if (isEncodedCopy(relative)) throw notFound();
    res.vary('Accept-Encoding');
    const encoding = preferredEncoding(req.get('Accept-Encoding'));
    if (encoding !== null) {
      res.type(extname(relative));
      const sent = await sendFileFrom(res, root, relative + ENCODED_SUFFIX[encoding], {
        ...IMMUTABLE,
        acceptRanges: false,
        headers: { 'Content-Encoding': encoding },
      }).then(
        () => true,
        (error: unknown) => {
          if (isMissingFile(error) && !res.headersSent) return false;
          throw error;
        },
      );
      if (sent) return;
      res.removeHeader('Content-Type');
    }
    await sendFileFrom(res, root, relative, IMMUTABLE).catch((error: unknown) => {
      throw isMissingFile(error) ? notFound() : error;
    });
  };
}
