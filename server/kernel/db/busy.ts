// Waiting for the database without stopping the server. better-sqlite3 is synchronous: while
// SQLite's busy handler waits for a lock, Node's only thread waits with it and every request
// stalls. So the busy timeout is short (BUSY_TIMEOUT_MS, open.ts), and a request whose write found the
// database locked by another process (an operator's `sqlite3`, a backup tool) is run again
// after a timer, with backoff, up to RETRY_DELAYS_MS; then it answers 503 `server_busy` with
// Retry-After, never 500 (docs/operations.md, "The database and other processes").
//
// A request is run again only when that is the same as running it once: its body is still
// there (JSON or none, not a streamed part or a form), no answer has started, and none of its
// transactions committed yet. Transactions report their commits here (server/kernel/db/transaction.ts),
// per request, through AsyncLocalStorage. A busy write almost always fails at BEGIN IMMEDIATE,
// before anything was written; a later one (after a commit) answers 503 at once.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { isDatabaseBusyError, serverBusy } from '../http/errors.js';
import type { RouteHandler } from '../http/route.js';

/** Waits between attempts, on timers: about 4.5 s in all, so a lock held for a few seconds passes. */
const RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 750, 1000, 1000, 1000];

interface Attempt {
  committed: boolean;
}
const attempts = new AsyncLocalStorage<Attempt>();

/** Called by the transaction helper after an outermost transaction committed. */
export function noteCommit(): void {
  const attempt = attempts.getStore();
  if (attempt !== undefined) attempt.committed = true;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wraps a route's handler: on SQLITE_BUSY, runs it again after a delay while that is safe
 * (`replayable`: its body was parsed, not streamed), else answers 503 with Retry-After.
 */
export function retryOnBusy(
  handler: RouteHandler,
  options: { replayable: boolean; delaysMs?: readonly number[] },
): RequestHandler {
  const delays = options.delaysMs ?? RETRY_DELAYS_MS;
  return async (req, res) => {
    for (let attempt = 0; ; attempt += 1) {
      const state: Attempt = { committed: false };
      try {
        await attempts.run(state, () => handler(req, res));
        return;
      } catch (error) {
        if (!isDatabaseBusyError(error)) throw error;
        const delay = delays[attempt];
        if (delay === undefined || !options.replayable || state.committed || res.headersSent || clientGone(req)) {
          throw serverBusy();
        }
        await sleep(delay);
      }
    }
  };
}

/**
 * The same for a middleware that runs before the body is read (the guard, whose session check
 * also records activity): run again after a delay on SQLITE_BUSY, then 503.
 */
export function retryMiddlewareOnBusy(middleware: RequestHandler, delaysMs = RETRY_DELAYS_MS): RequestHandler {
  return (req, res, next) => {
    const run = (attempt: number) => {
      const retryOrFail = (error: unknown) => {
        const delay = delaysMs[attempt];
        if (delay === undefined || res.headersSent || clientGone(req)) next(serverBusy());
        else setTimeout(() => run(attempt + 1), delay);
        return error;
      };
      try {
        void middleware(req, res, (error?: unknown) => {
          if (isDatabaseBusyError(error)) retryOrFail(error);
          else next(error as Error | undefined);
        });
      } catch (error) {
        if (!isDatabaseBusyError(error)) throw error;
        retryOrFail(error);
      }
    };
    run(0);
  };
}

/** The client hung up (a request's own stream counts as destroyed once its body was read, so look at the socket). */
function clientGone(req: Parameters<RequestHandler>[0]): boolean {
  return req.socket.destroyed;
}
