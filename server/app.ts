// createApp(deps): the HTTP application, built from what it is given and nothing else, so a
// test builds one in a line. Every request passes the same pipeline, in this order:
//   security headers → request log → origin check (state-changing methods) → route match
//   (from the route table) → content-type check → guard → body parsing with limits →
//   handler → one error middleware.
import express, { type RequestHandler } from 'express';
import { ready } from '../shared/crypto/index.js';
import { createServices, type AppDeps, type Services } from './compose.js';
import { retryMiddlewareOnBusy, retryOnBusy } from './kernel/db/busy.js';
import { bodyParser, contentTypeCheck } from './kernel/http/content.js';
import { errorHandler, methodNotAllowed, notFound } from './kernel/http/errors.js';
import { createGuards, type Guards } from './kernel/http/guards.js';
import { securityHeaders } from './kernel/http/headers.js';
import { originCheck } from './kernel/http/origin.js';
import { requestLog } from './kernel/http/request-log.js';
import type { RouteSpec } from './kernel/http/route.js';
import { notFoundPage } from './pages/routes.js';
import { routeTable } from './routes.js';
import { spaceGate } from './kernel/storage/gate.js';
import type { Storage } from './kernel/storage/space.js';

/**
 * `services` are the ones server/compose.ts builds from `deps`; main.ts passes the object it
 * also starts the jobs from, so the app and the jobs share one sweeper and one deliverer.
 */
export function createApp(deps: AppDeps, services: Services = createServices(deps)): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag'); // API answers are no-store; static files get their own validators
  app.enable('case sensitive routing');
  app.set('trust proxy', deps.config.trustProxy);

  app.use(securityHeaders({ publicUrlIsHttps: deps.config.publicUrlIsHttps }));
  app.use(requestLog(deps.log));
  app.use(originCheck(deps.config.publicUrl));
  // Handlers use libsodium (decoding, hashes, signatures). main.ts loads it before listening;
  // this makes any other host of the app (a test harness) safe too. Instant after the first time.
  app.use((async (_req, _res, next) => {
    await ready();
    next();
  }) satisfies RequestHandler);
  mountRoutes(app, routeTable(services), createGuards(services.sessions, services.bearer), services.storage);
  app.use(notFoundPage(deps.clientDir));
  app.use(((_req, _res, next) => next(notFound())) satisfies RequestHandler);
  app.use(errorHandler(deps.log, { onStorageFull: () => services.storage.writeFailed() }));
  return app;
}

function mountRoutes(app: express.Express, table: readonly RouteSpec[], guards: Guards, storage: Storage): void {
  const byPath = new Map<string, RouteSpec[]>();
  for (const spec of table) byPath.set(spec.path, [...(byPath.get(spec.path) ?? []), spec]);

  for (const [path, specs] of byPath) {
    const route = app.route(path);
    for (const spec of specs) {
      route[methodKey(spec.method)](
        matched(spec),
        contentTypeCheck(spec.body),
        // The guard runs before any body is read: an anonymous caller cannot make the server
        // parse a 2 MiB share body or stream a part only to be refused.
        retryMiddlewareOnBusy(
          guards.handler(spec.guard, {
            passive: spec.passive === true,
            ...(spec.scopes ? { scopes: spec.scopes } : {}),
          }),
        ),
        bodyParser(spec.body, spec.jsonLimit),
        // Uploads only: refused with 507 while free space is below the margin (server/kernel/storage/gate.ts).
        spaceGate(storage, spec),
        // Run again after a timer when another process held the database (server/kernel/db/busy.ts).
        retryOnBusy(spec.handler, { replayable: spec.body === 'json' || spec.body === 'none' }),
      );
    }
    // The path exists but not with this method.
    const allow = allowHeader(specs);
    route.all(((_req, res, next) => {
      res.locals.route = path;
      res.setHeader('Allow', allow);
      next(methodNotAllowed());
    }) satisfies RequestHandler);
  }
}

function methodKey(method: RouteSpec['method']) {
  return method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
}

function allowHeader(specs: readonly RouteSpec[]): string {
  const methods = new Set(specs.map((spec) => spec.method as string));
  if (methods.has('GET')) methods.add('HEAD'); // Express answers HEAD with the GET handler
  return [...methods].join(', ');
}

/** Records which table entry answered (for the log) and the caching rule of its kind. */
function matched(spec: RouteSpec): RequestHandler {
  return (_req, res, next) => {
    res.locals.route = spec.path;
    if (spec.kind !== 'static') res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
