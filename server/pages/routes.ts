// The browser client: its pages (one index.html, never cached, so a new release is picked up
// at once) and its build output under /assets (file names carry a content hash, so they are
// cached for a year).
import { notFound } from '../kernel/http/errors.js';
import type { RouteHandler } from '../kernel/http/route.js';

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

export function sendPage(clientDir: string): RouteHandler {
  return (_req, res) =>
    new Promise<void>((resolve, reject) => {
      res.sendFile(
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

export function sendAsset(clientDir: string): RouteHandler {
  return (req, res) => {
    const file = req.params.file;
    const relative = Array.isArray(file) ? file.join('/') : String(file);
    return new Promise<void>((resolve, reject) => {
      res.sendFile(
        relative,
        { root: `${clientDir}/assets`, dotfiles: 'deny', maxAge: 31_536_000_000, immutable: true },
        (error?: Error) => (error ? reject(isMissingFile(error) ? notFound() : error) : resolve()),
      );
    });
  };
}
