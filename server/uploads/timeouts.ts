// How long the HTTP server waits for a request (docs/operations.md, "Timeouts"), made so a
// part can arrive over a slow link. Node's requestTimeout (5 minutes by default) limits the
// whole of every request, from its first byte to its last: an 8 MiB part below ~28 KiB/s
// can never arrive, however steadily it flows. So:
// - headers: every request's headers within `headersMs` (Node's own check), so a connection
//   that sends nothing, or only part of its headers, is closed;
// - a part upload (PUT …/uploads/<id>/parts/<n>): no limit on the whole, but an idle one: the
//   connection is closed when no byte of the body arrived for `partIdleMs` (the part stays
//   missing; the client sends it again);
// - any other request: its body within `requestMs` of its start, as Node's requestTimeout did.
// Set on the server before the app's request listener (server/main.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface HttpTimeouts {
  readonly headersMs: number;
  readonly requestMs: number;
  readonly partIdleMs: number;
}

const HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 60_000,
  requestMs: 300_000,
  partIdleMs: 60_000,
};

/** The part routes of members and of drop upload sessions (server/routes.ts). */
const PART_PATH = /^\/api\/v1\/(?:d\/[^/?]+\/)?uploads\/[^/?]+\/parts\/[^/?]+(?:\?|$)/;

const REQUEST_TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

function isPartUpload(req: IncomingMessage): boolean {
  return req.method === 'PUT' && PART_PATH.test(req.url ?? '');
}

/** Closes the connection of a request that stopped arriving; a 408 first if nothing was answered yet (as Node does). */
function closeStalled(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  if (!res.headersSent && socket.writable) socket.write(REQUEST_TIMEOUT);
  socket.destroy();
}

export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts = HTTP_TIMEOUTS): void {
  server.headersTimeout = timeouts.headersMs;
  // Replaced per request below; Node's check stays on for the headers alone.
  server.requestTimeout = 0;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isPartUpload(req)) {
      // The socket's own inactivity timer: every chunk the parser takes in restarts it. Node
      // tells the response when it fires; a listener there keeps Node from closing the
      // socket itself, which this does only while the body is still arriving.
      const socket = req.socket;
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        res.off('timeout', onIdle);
        // After the answer Node sets its keep-alive timer on the socket: leave that one be.
        if (!socket.destroyed && !res.writableFinished) socket.setTimeout(0);
      };
      const onIdle = () => {
        if (req.complete) settle();
        else closeStalled(req, res);
      };
      res.on('timeout', onIdle);
      socket.setTimeout(timeouts.partIdleMs);
      req.once('end', settle);
      res.once('finish', settle);
      res.once('close', settle);
      return;
    }
    const timer = setTimeout(() => {
      if (!req.complete) closeStalled(req, res);
    }, timeouts.requestMs);
    timer.unref();
    const done = () => clearTimeout(timer);
    req.once('end', done);
    res.once('close', done);
  });
}
