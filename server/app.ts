// createApp(deps): the HTTP application, built from what it is given and nothing else, so a
// test builds one in a line. Every request passes the same pipeline, in this order:
//   security headers → request log → origin check (state-changing methods) → route match
//   (from the route table) → content-type check → body parsing with limits → guard →
//   handler → one error middleware.
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import { createHealthRepo } from './health/repo.js';
import { createHealthService } from './health/service.js';
import { bodyParser, contentTypeCheck } from './http/content.js';
import { errorHandler, methodNotAllowed, notFound } from './http/errors.js';
import { createGuards } from './http/guards.js';
import { securityHeaders } from './http/headers.js';
import { originCheck } from './http/origin.js';
import { requestLog } from './http/request-log.js';
import type { RouteSpec } from './http/route.js';
import type { Mailer } from './mail/mailer.js';
import { routeTable, type RouteServices } from './routes.js';
import { createSetupRepo } from './setup/repo.js';
import { createSetupService } from './setup/service.js';

export interface AppDeps {
  readonly config: Config;
  readonly db: Db;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly log: Logger;
  /** Folder of the built browser client: `<root>/dist/client` in production, a temp folder in tests. */
  readonly clientDir: string;
}

/** The services behind the routes, wired from the app's dependencies. */
export function createServices(deps: AppDeps): RouteServices {
  return {
    health: createHealthService({
      repo: createHealthRepo(deps.db),
      dataDir: deps.config.dataDir,
      mailTransport: deps.mailer.transport,
    }),
    setup: createSetupService({ repo: createSetupRepo(deps.db), clock: deps.clock, publicUrl: deps.config.publicUrl }),
    clientDir: deps.clientDir,
  };
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag'); // API answers are no-store; static files get their own validators
  app.enable('case sensitive routing');
  app.set('trust proxy', deps.config.trustProxy);

  app.use(securityHeaders({ publicUrlIsHttps: deps.config.publicUrlIsHttps }));
  app.use(requestLog(deps.log));
  app.use(originCheck(deps.config.publicUrl));
  mountRoutes(app, routeTable(createServices(deps)));
  app.use(((_req, _res, next) => next(notFound())) satisfies RequestHandler);
  app.use(errorHandler(deps.log));
  return app;
}

function mountRoutes(app: express.Express, table: readonly RouteSpec[]): void {
  const guards = createGuards();
  const byPath = new Map<string, RouteSpec[]>();
  for (const spec of table) byPath.set(spec.path, [...(byPath.get(spec.path) ?? []), spec]);

  for (const [path, specs] of byPath) {
    const route = app.route(path);
    for (const spec of specs) {
      route[methodKey(spec.method)](
        matched(spec),
        contentTypeCheck(spec.body),
        bodyParser(spec.body),
        guards[spec.guard],
        spec.handler,
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
