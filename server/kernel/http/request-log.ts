// One log line per request, written when the response is finished (or the client went away):
// method, the route table's path pattern, status and duration. Deliberately nothing else: no
// URL (query strings and path values can hold tokens and ids), no headers, cookies or bodies.
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    let written = false;
    const write = (aborted: boolean) => {
      if (written) return;
      written = true;
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const route: string = typeof res.locals.route === 'string' ? res.locals.route : 'unmatched';
      log.info(
        { method: req.method, route, status: res.statusCode, ms, ...(aborted ? { aborted: true } : {}) },
        'request',
      );
    };
    res.on('finish', () => write(false));
    res.on('close', () => write(!res.writableFinished));
    next();
  };
}
