// THE route table: every endpoint Coffer serves, with the body it accepts and the guard in
// front of it. createApp mounts exactly these entries and nothing else, and the authorization
// tests walk the same list, so an endpoint cannot exist without being seen here.
// Guards (server/http/guards.ts): public · session · member · staff · approved · admin.
import * as auth from './auth/routes.js';
import type { AuthService } from './auth/service.js';
import { getHealth } from './health/routes.js';
import type { HealthService } from './health/service.js';
import type { RouteSpec } from './http/route.js';
import * as invitations from './invitations/routes.js';
import type { InvitationsService } from './invitations/service.js';
import * as office from './office/routes.js';
import type { OfficeService } from './office/service.js';
import { sendAsset, sendPage } from './pages/routes.js';
import type { OfficeRepo } from './office/repo.js';
import * as sessions from './sessions/routes.js';
import type { SessionsService } from './sessions/service.js';
import { completeSetup, verifySetupLink } from './setup/routes.js';
import type { SetupCompletionService, SetupService } from './setup/service.js';
import type { UsersRepo } from './users/repo.js';
import * as users from './users/routes.js';
import type { UsersService } from './users/service.js';

export type { BodyType, Guard, Method, RouteHandler, RouteKind, RouteSpec } from './http/route.js';

export interface RouteServices {
  readonly health: HealthService;
  readonly setup: SetupService;
  readonly setupCompletion: SetupCompletionService;
  readonly office: OfficeService;
  readonly officeRepo: OfficeRepo;
  readonly auth: AuthService;
  readonly sessions: SessionsService;
  readonly users: UsersService;
  readonly usersRepo: UsersRepo;
  readonly invitations: InvitationsService;
  /** Folder of the built browser client (index.html, assets/). */
  readonly clientDir: string;
}

/** Every path the browser client shows a page at: each answers index.html. */
export const PAGES = [
  '/',
  '/setup',
  '/login',
  '/invite',
  '/recover',
  '/app',
  '/app/security',
  '/app/colleagues',
  '/app/admin',
  '/app/admin/invitations',
  '/app/admin/office',
] as const;

export function routeTable(s: RouteServices): readonly RouteSpec[] {
  const lifetimes = s.sessions.lifetimes;
  const a = { auth: s.auth, lifetimes };
  const se = { sessions: s.sessions, users: s.usersRepo, office: s.officeRepo };
  const inv = { invitations: s.invitations, lifetimes };
  return [
    { method: 'GET', path: '/healthz', kind: 'api', body: 'none', guard: 'public', handler: getHealth(s.health) },

    // first-run setup
    { method: 'POST', path: '/api/v1/setup/verify', kind: 'api', body: 'json', guard: 'public', handler: verifySetupLink(s.setup) },
    { method: 'POST', path: '/api/v1/setup/complete', kind: 'api', body: 'json', guard: 'public', handler: completeSetup({ completion: s.setupCompletion, lifetimes }) },

    // the office
    { method: 'GET', path: '/api/v1/office', kind: 'api', body: 'none', guard: 'public', handler: office.getOffice(s.office) },
    { method: 'GET', path: '/api/v1/office/logo', kind: 'api', body: 'none', guard: 'public', handler: office.getLogo(s.office) },
    { method: 'GET', path: '/api/v1/office/keys', kind: 'api', body: 'none', guard: 'approved', handler: office.getOfficeKeys(s.office) },

    // signing in
    { method: 'POST', path: '/api/v1/auth/prelogin', kind: 'api', body: 'json', guard: 'public', handler: auth.prelogin(a) },
    { method: 'POST', path: '/api/v1/auth/login', kind: 'api', body: 'json', guard: 'public', handler: auth.login(a) },
    { method: 'POST', path: '/api/v1/auth/second-factor', kind: 'api', body: 'json', guard: 'public', handler: auth.secondFactor(a) },
    { method: 'POST', path: '/api/v1/auth/recover', kind: 'api', body: 'json', guard: 'public', handler: auth.recover(a) },
    { method: 'POST', path: '/api/v1/auth/recover/complete', kind: 'api', body: 'json', guard: 'public', handler: auth.completeRecovery(a) },
    { method: 'POST', path: '/api/v1/auth/logout', kind: 'api', body: 'json', guard: 'session', handler: sessions.logout(se) },

    // the signed-in user
    { method: 'GET', path: '/api/v1/session', kind: 'api', body: 'none', guard: 'session', passive: true, handler: sessions.getSession(se) },
    { method: 'GET', path: '/api/v1/me/keys', kind: 'api', body: 'none', guard: 'session', handler: sessions.getMyKeys(se) },
    { method: 'GET', path: '/api/v1/sessions', kind: 'api', body: 'none', guard: 'session', handler: sessions.listSessions(se) },
    { method: 'DELETE', path: '/api/v1/sessions/:sessionId', kind: 'api', body: 'none', guard: 'session', handler: sessions.endSession(se) },
    { method: 'POST', path: '/api/v1/me/password', kind: 'api', body: 'json', guard: 'session', handler: auth.changePassword(a) },
    // session, not member: a user the office requires to enrol must be able to.
    { method: 'POST', path: '/api/v1/me/two-factor/begin', kind: 'api', body: 'json', guard: 'session', handler: auth.beginTwoFactor(a) },
    { method: 'POST', path: '/api/v1/me/two-factor/confirm', kind: 'api', body: 'json', guard: 'session', handler: auth.confirmTwoFactor(a) },
    { method: 'POST', path: '/api/v1/me/two-factor/disable', kind: 'api', body: 'json', guard: 'member', handler: auth.disableTwoFactor(a) },

    // invitations, from the invitee's side
    { method: 'POST', path: '/api/v1/invitations/lookup', kind: 'api', body: 'json', guard: 'public', handler: invitations.lookupInvitation(inv) },
    { method: 'POST', path: '/api/v1/invitations/accept', kind: 'api', body: 'json', guard: 'public', handler: invitations.acceptInvitation(inv) },

    // colleagues
    { method: 'GET', path: '/api/v1/directory', kind: 'api', body: 'none', guard: 'staff', handler: users.getDirectory(s.users) },

    // administration
    { method: 'GET', path: '/api/v1/admin/users', kind: 'api', body: 'none', guard: 'admin', handler: users.listUsers(s.users) },
    { method: 'GET', path: '/api/v1/admin/users/:userId', kind: 'api', body: 'none', guard: 'admin', handler: users.getUser(s.users) },
    { method: 'POST', path: '/api/v1/admin/users/:userId/approve', kind: 'api', body: 'json', guard: 'admin', handler: users.approveUser(s.users) },
    { method: 'POST', path: '/api/v1/admin/users/:userId/disable', kind: 'api', body: 'json', guard: 'admin', handler: users.disableUser(s.users) },
    { method: 'POST', path: '/api/v1/admin/users/:userId/enable', kind: 'api', body: 'json', guard: 'admin', handler: users.enableUser(s.users) },
    { method: 'POST', path: '/api/v1/admin/users/:userId/role', kind: 'api', body: 'json', guard: 'admin', handler: users.changeRole(s.users) },
    { method: 'POST', path: '/api/v1/admin/users/:userId/reset', kind: 'api', body: 'json', guard: 'admin', handler: users.resetUser(s.users) },
    { method: 'GET', path: '/api/v1/admin/invitations', kind: 'api', body: 'none', guard: 'admin', handler: invitations.listInvitations(inv) },
    { method: 'POST', path: '/api/v1/admin/invitations', kind: 'api', body: 'json', guard: 'admin', handler: invitations.createInvitation(inv) },
    { method: 'POST', path: '/api/v1/admin/invitations/:invitationId/resend', kind: 'api', body: 'json', guard: 'admin', handler: invitations.resendInvitation(inv) },
    { method: 'POST', path: '/api/v1/admin/invitations/:invitationId/withdraw', kind: 'api', body: 'json', guard: 'admin', handler: invitations.withdrawInvitation(inv) },
    { method: 'GET', path: '/api/v1/admin/settings', kind: 'api', body: 'none', guard: 'admin', handler: office.getSettings(s.office) },
    { method: 'PUT', path: '/api/v1/admin/settings', kind: 'api', body: 'json', guard: 'admin', handler: office.putSettings(s.office) },
    { method: 'PUT', path: '/api/v1/admin/logo', kind: 'api', body: 'multipart', guard: 'admin', handler: office.putLogo(s.office) },
    { method: 'DELETE', path: '/api/v1/admin/logo', kind: 'api', body: 'none', guard: 'admin', handler: office.deleteLogo(s.office) },

    // pages of the browser client (client/src/app.tsx; the links Coffer mails point at /invite).
    // Pages are public: what they show comes from the API, behind its own guards.
    ...PAGES.map((path): RouteSpec => ({ method: 'GET', path, kind: 'page', body: 'none', guard: 'public', handler: sendPage(s.clientDir) })),
    { method: 'GET', path: '/assets/*file', kind: 'static', body: 'none', guard: 'public', handler: sendAsset(s.clientDir) },
  ];
}
