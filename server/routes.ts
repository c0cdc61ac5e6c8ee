// THE route table: every endpoint Coffer serves, with the body it accepts and the guard in
// front of it. createApp mounts exactly these entries and nothing else, and the authorization
// tests walk the same list, so an endpoint cannot exist without being seen here.
import { getHealth } from './health/routes.js';
import type { HealthService } from './health/service.js';
import { sendAsset, sendPage } from './pages/routes.js';
import { verifySetupLink } from './setup/routes.js';
import type { SetupService } from './setup/service.js';
import type { RouteSpec } from './http/route.js';

export type { BodyType, Guard, Method, RouteHandler, RouteKind, RouteSpec } from './http/route.js';

export interface RouteServices {
  readonly health: HealthService;
  readonly setup: SetupService;
  /** Folder of the built browser client (index.html, assets/). */
  readonly clientDir: string;
}

export function routeTable(s: RouteServices): readonly RouteSpec[] {
  return [
    { method: 'GET', path: '/healthz', kind: 'api', body: 'none', guard: 'public', handler: getHealth(s.health) },
    { method: 'POST', path: '/api/v1/setup/verify', kind: 'api', body: 'json', guard: 'public', handler: verifySetupLink(s.setup) },

    { method: 'GET', path: '/', kind: 'page', body: 'none', guard: 'public', handler: sendPage(s.clientDir) },
    { method: 'GET', path: '/setup', kind: 'page', body: 'none', guard: 'public', handler: sendPage(s.clientDir) },
    { method: 'GET', path: '/assets/*file', kind: 'static', body: 'none', guard: 'public', handler: sendAsset(s.clientDir) },
  ];
}
