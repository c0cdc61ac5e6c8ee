// THE route table: every endpoint Coffer serves, with the body it accepts and the guard in
// front of it. createApp mounts exactly these entries and nothing else, and the authorization
// tests walk the same list, so an endpoint cannot exist without being seen here.
// Guards (server/kernel/http/guards.ts): public · session · member · staff · approved · office · admin · client.
import * as audit from './audit/routes.js';
import type { AuditTrail } from './audit/trail.js';
import * as auth from './auth/routes.js';
import * as clients from './clients/routes.js';
import type { ClientsService } from './clients/service.js';
import type { DropLinkService } from './drops/link.js';
import * as drops from './drops/routes.js';
import type { DropsService } from './drops/service.js';
import { getHealth } from './health/routes.js';
import type { HealthService } from './health/service.js';
import type { RouteSpec } from './kernel/http/route.js';
import * as invitations from './invitations/routes.js';
import type { InvitationsService } from './invitations/service.js';
import * as office from './office/routes.js';
import * as pins from './pins/routes.js';
import * as privacy from './privacy/routes.js';
import type { PrivacyService } from './privacy/service.js';
import type { PinsService } from './pins/service.js';
import type { Clock } from './kernel/clock.js';
import type { ReceivingService } from './shares/receiving.js';
import * as shares from './shares/routes.js';
import type { SharesService } from './shares/service.js';
import * as uploads from './uploads/routes.js';
import type { UploadsService } from './kernel/uploads/service.js';
import type { OfficeService } from './office/service.js';
import { sendAsset, sendPage, sendServiceWorker } from './pages/routes.js';
import type { OfficeRepo } from './kernel/accounts/office-repo.js';
import * as sessions from './sessions/routes.js';
import type { SessionsService } from './kernel/sessions/service.js';
import { completeSetup, verifySetupLink } from './setup/routes.js';
import type { SetupCompletionService, SetupService } from './setup/service.js';
import type { UsersRepo } from './kernel/accounts/users-repo.js';
import * as users from './users/routes.js';
import type { UsersService } from './users/service.js';
import type { AuthService } from './auth/contract.js';

export type { RouteSpec } from './kernel/http/route.js';

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
  readonly uploads: UploadsService;
  readonly shares: SharesService;
  readonly receiving: ReceivingService;
  readonly pins: PinsService;
  readonly drops: DropsService;
  readonly dropLink: DropLinkService;
  /** Resumable uploads owned by drop upload sessions (a second instance of the uploads service). */
  readonly dropUploads: UploadsService;
  /** Client accounts (the office's side) and the client portal. */
  readonly clients: ClientsService;
  /** Reading the audit log (the admin's page and CSV export). */
  readonly auditTrail: AuditTrail;
  /** Privacy rights: export and erase a person (admins). */
  readonly privacy: PrivacyService;
  /** Largest plaintext of one file (MAX_FILE_MIB), for the drop page. */
  readonly maxFileBytes: number;
  readonly clock: Clock;
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
  '/app/clients',
  '/app/admin',
  '/app/admin/invitations',
  '/app/admin/office',
  '/app/admin/audit',
  '/app/admin/privacy',
  '/app/send',
  '/app/sent',
  '/app/sent/:shareId',
  '/app/received',
  '/app/received/:shareId',
  '/app/drops',
  '/app/drops/:dropId',
  // A guest's link: /s/<recipientId>#<office fingerprint>.<S> (the fragment never reaches the server).
  '/s/:recipientId',
  // A drop's link: /d/<dropId>#<drop key fingerprint>.<D> (the fragment never reaches the server).
  '/d/:dropId',
] as const;

/** A share's create request carries up to 100 files' metadata and keys for 50 recipients. */
const SHARE_JSON_LIMIT = 2 * 1024 * 1024;
/** A drop submission carries up to 100 files' sealed metadata (up to 8 KiB each) and keys. */
const DROP_SUBMIT_JSON_LIMIT = 2 * 1024 * 1024;

export function routeTable(s: RouteServices): readonly RouteSpec[] {
  const lifetimes = s.sessions.lifetimes;
  const a = { auth: s.auth, lifetimes };
  const se = { sessions: s.sessions, users: s.usersRepo, office: s.officeRepo };
  const inv = { invitations: s.invitations, lifetimes };
  const now = () => s.clock.now();
  const dropSession = drops.sessionOf(s.dropLink);
  return [
    { method: 'GET', path: '/healthz', kind: 'api', body: 'none', guard: 'public', handler: getHealth(s.health) },

    // first-run setup
    {
      method: 'POST',
      path: '/api/v1/setup/verify',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: verifySetupLink(s.setup),
    },
    {
      method: 'POST',
      path: '/api/v1/setup/complete',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: completeSetup({ completion: s.setupCompletion, lifetimes }),
    },

    // the office
    {
      method: 'GET',
      path: '/api/v1/office',
      kind: 'api',
      body: 'none',
      guard: 'public',
      handler: office.getOffice(s.office),
    },
    {
      method: 'GET',
      path: '/api/v1/office/logo',
      kind: 'api',
      body: 'none',
      guard: 'public',
      handler: office.getLogo(s.office),
    },
    {
      method: 'GET',
      path: '/api/v1/office/keys',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: office.getOfficeKeys(s.office),
    },

    // signing in
    {
      method: 'POST',
      path: '/api/v1/auth/prelogin',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: auth.prelogin(a),
    },
    { method: 'POST', path: '/api/v1/auth/login', kind: 'api', body: 'json', guard: 'public', handler: auth.login(a) },
    {
      method: 'POST',
      path: '/api/v1/auth/second-factor',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: auth.secondFactor(a),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/recover',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: auth.recover(a),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/recover/complete',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: auth.completeRecovery(a),
    },
    {
      method: 'POST',
      path: '/api/v1/auth/logout',
      kind: 'api',
      body: 'json',
      guard: 'session',
      handler: sessions.logout(se),
    },

    // the signed-in user
    {
      method: 'GET',
      path: '/api/v1/session',
      kind: 'api',
      body: 'none',
      guard: 'session',
      passive: true,
      handler: sessions.getSession(se),
    },
    {
      method: 'GET',
      path: '/api/v1/me/keys',
      kind: 'api',
      body: 'none',
      guard: 'session',
      handler: sessions.getMyKeys(se),
    },
    {
      method: 'GET',
      path: '/api/v1/sessions',
      kind: 'api',
      body: 'none',
      guard: 'session',
      handler: sessions.listSessions(se),
    },
    {
      method: 'DELETE',
      path: '/api/v1/sessions/:sessionId',
      kind: 'api',
      body: 'none',
      guard: 'session',
      handler: sessions.endSession(se),
    },
    {
      method: 'POST',
      path: '/api/v1/me/password',
      kind: 'api',
      body: 'json',
      guard: 'session',
      handler: auth.changePassword(a),
    },
    // session, not member: a user the office requires to enrol must be able to.
    {
      method: 'POST',
      path: '/api/v1/me/two-factor/begin',
      kind: 'api',
      body: 'json',
      guard: 'session',
      handler: auth.beginTwoFactor(a),
    },
    {
      method: 'POST',
      path: '/api/v1/me/two-factor/confirm',
      kind: 'api',
      body: 'json',
      guard: 'session',
      handler: auth.confirmTwoFactor(a),
    },
    {
      method: 'POST',
      path: '/api/v1/me/two-factor/disable',
      kind: 'api',
      body: 'json',
      guard: 'member',
      handler: auth.disableTwoFactor(a),
    },

    // invitations, from the invitee's side
    {
      method: 'POST',
      path: '/api/v1/invitations/lookup',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: invitations.lookupInvitation(inv),
    },
    {
      method: 'POST',
      path: '/api/v1/invitations/accept',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: invitations.acceptInvitation(inv),
    },

    // colleagues
    {
      method: 'GET',
      path: '/api/v1/directory',
      kind: 'api',
      body: 'none',
      guard: 'staff',
      handler: users.getDirectory(s.users),
    },

    // administration
    {
      method: 'GET',
      path: '/api/v1/admin/users',
      kind: 'api',
      body: 'none',
      guard: 'admin',
      handler: users.listUsers(s.users),
    },
    {
      method: 'GET',
      path: '/api/v1/admin/users/:userId',
      kind: 'api',
      body: 'none',
      guard: 'admin',
      handler: users.getUser(s.users),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/users/:userId/approve',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: users.approveUser(s.users),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/users/:userId/disable',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: users.disableUser(s.users),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/users/:userId/enable',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: users.enableUser(s.users),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/users/:userId/role',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: users.changeRole(s.users),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/users/:userId/reset',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: users.resetUser(s.users),
    },
    {
      method: 'GET',
      path: '/api/v1/admin/invitations',
      kind: 'api',
      body: 'none',
      guard: 'admin',
      handler: invitations.listInvitations(inv),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/invitations',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: invitations.createInvitation(inv),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/invitations/:invitationId/resend',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: invitations.resendInvitation(inv),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/invitations/:invitationId/withdraw',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: invitations.withdrawInvitation(inv),
    },
    {
      method: 'GET',
      path: '/api/v1/admin/settings',
      kind: 'api',
      body: 'none',
      guard: 'admin',
      handler: office.getSettings(s.office),
    },
    {
      method: 'PUT',
      path: '/api/v1/admin/settings',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: office.putSettings(s.office),
    },
    {
      method: 'PUT',
      path: '/api/v1/admin/logo',
      kind: 'api',
      body: 'multipart',
      guard: 'admin',
      handler: office.putLogo(s.office),
    },
    {
      method: 'DELETE',
      path: '/api/v1/admin/logo',
      kind: 'api',
      body: 'none',
      guard: 'admin',
      handler: office.deleteLogo(s.office),
    },

    // sending: resumable uploads of ciphertext (shared/wire/uploads.ts), for members who send.
    // Clients upload only through their personal drop (the portal's grant, below).
    {
      method: 'POST',
      path: '/api/v1/uploads',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: uploads.createUpload(s.uploads),
    },
    {
      method: 'GET',
      path: '/api/v1/uploads/:uploadId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: uploads.getUpload(s.uploads),
    },
    {
      method: 'PUT',
      path: '/api/v1/uploads/:uploadId/parts/:index',
      kind: 'api',
      body: 'octet-stream',
      guard: 'office',
      handler: uploads.putPart(s.uploads),
    },
    {
      method: 'POST',
      path: '/api/v1/uploads/:uploadId/complete',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: uploads.completeUpload(s.uploads),
    },
    {
      method: 'DELETE',
      path: '/api/v1/uploads/:uploadId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: uploads.cancelUpload(s.uploads),
    },

    // sending: shares, the sender's and the office's view (shared/wire/shares.ts). Approved staff
    // and admins only: they hold the office key, so any of them may take over a colleague's share.
    {
      method: 'POST',
      path: '/api/v1/recipients/lookup',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: shares.lookupRecipients(s.shares),
    },
    {
      method: 'POST',
      path: '/api/v1/shares',
      kind: 'api',
      body: 'json',
      jsonLimit: SHARE_JSON_LIMIT,
      guard: 'office',
      handler: shares.createShare(s.shares),
    },
    {
      method: 'GET',
      path: '/api/v1/shares',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: shares.listShares(s.shares, now),
    },
    {
      method: 'GET',
      path: '/api/v1/shares/:shareId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: shares.getShare(s.shares, now),
    },
    {
      method: 'POST',
      path: '/api/v1/shares/:shareId/revoke',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: shares.revokeShare(s.shares),
    },
    {
      method: 'POST',
      path: '/api/v1/shares/:shareId/extend',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: shares.extendShare(s.shares),
    },
    {
      method: 'POST',
      path: '/api/v1/shares/:shareId/recipients/:recipientId/unlock',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: shares.unlockRecipient(s.shares),
    },
    {
      method: 'GET',
      path: '/api/v1/shares/:shareId/files/:fileId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: shares.senderFile(s.shares),
    },

    // a guest's link. Public: holding the recipient id makes one a link holder, but Ks, the keys
    // and a download grant come only after a code from the bound mailbox; files need the grant.
    {
      method: 'GET',
      path: '/api/v1/links/:recipientId',
      kind: 'api',
      body: 'none',
      guard: 'public',
      handler: shares.getLink(s.receiving),
    },
    {
      method: 'POST',
      path: '/api/v1/links/:recipientId/code',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: shares.requestCode(s.receiving),
    },
    {
      method: 'POST',
      path: '/api/v1/links/:recipientId/verify',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: shares.verifyCode(s.receiving),
    },
    {
      method: 'GET',
      path: '/api/v1/links/:recipientId/files/:fileId',
      kind: 'api',
      body: 'none',
      guard: 'public',
      handler: shares.guestFile(s.receiving),
    },

    // shares received by the signed-in account (files need a grant as well as the session)
    {
      method: 'GET',
      path: '/api/v1/received',
      kind: 'api',
      body: 'none',
      guard: 'approved',
      handler: shares.listReceived(s.receiving, now),
    },
    {
      method: 'GET',
      path: '/api/v1/received/:shareId',
      kind: 'api',
      body: 'none',
      guard: 'approved',
      handler: shares.getReceived(s.receiving),
    },
    {
      method: 'POST',
      path: '/api/v1/received/:shareId/grant',
      kind: 'api',
      body: 'json',
      guard: 'approved',
      handler: shares.issueGrant(s.receiving),
    },
    {
      method: 'GET',
      path: '/api/v1/received/:shareId/files/:fileId',
      kind: 'api',
      body: 'none',
      guard: 'approved',
      handler: shares.receivedFile(s.receiving),
    },

    // drops, the office's side (shared/wire/drops.ts): approved staff and admins, who hold the
    // office key, so any of them may take over a colleague's drop (audited).
    {
      method: 'POST',
      path: '/api/v1/drops',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: drops.createDrop(s.drops),
    },
    {
      method: 'GET',
      path: '/api/v1/drops',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: drops.listDrops(s.drops, now),
    },
    {
      method: 'GET',
      path: '/api/v1/drops/:dropId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: drops.getDrop(s.drops, now),
    },
    {
      method: 'POST',
      path: '/api/v1/drops/:dropId/close',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: drops.closeDrop(s.drops),
    },
    {
      method: 'POST',
      path: '/api/v1/drops/:dropId/unlock',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: drops.unlockDrop(s.drops),
    },
    {
      method: 'DELETE',
      path: '/api/v1/drops/:dropId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: drops.deleteDrop(s.drops),
    },
    {
      method: 'DELETE',
      path: '/api/v1/drops/:dropId/uploads/:dropUploadId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: drops.deleteDropUpload(s.drops),
    },
    {
      method: 'POST',
      path: '/api/v1/drops/:dropId/uploads/:dropUploadId/reject',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: drops.rejectDropUpload(s.drops),
    },
    {
      method: 'GET',
      path: '/api/v1/drops/:dropId/uploads/:dropUploadId/files/:fileId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: drops.dropFile(s.drops),
    },

    // a drop's link. Public: holding the drop id makes one a link holder. A bound drop needs a
    // code from its mailbox, an open one only asks (never mails); either way the grant names
    // one upload session, which owns its uploads and submits once.
    {
      method: 'GET',
      path: '/api/v1/d/:dropId',
      kind: 'api',
      body: 'none',
      guard: 'public',
      handler: drops.getDropLink(s.dropLink, s.maxFileBytes),
    },
    {
      method: 'POST',
      path: '/api/v1/d/:dropId/code',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: drops.requestDropCode(s.dropLink),
    },
    {
      method: 'POST',
      path: '/api/v1/d/:dropId/verify',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: drops.verifyDropCode(s.dropLink),
    },
    {
      method: 'POST',
      path: '/api/v1/d/:dropId/start',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: drops.startDropSession(s.dropLink),
    },
    {
      method: 'POST',
      path: '/api/v1/d/:dropId/uploads',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: uploads.createUpload(s.dropUploads, dropSession),
    },
    {
      method: 'GET',
      path: '/api/v1/d/:dropId/uploads/:uploadId',
      kind: 'api',
      body: 'none',
      guard: 'public',
      handler: uploads.getUpload(s.dropUploads, dropSession),
    },
    {
      method: 'PUT',
      path: '/api/v1/d/:dropId/uploads/:uploadId/parts/:index',
      kind: 'api',
      body: 'octet-stream',
      guard: 'public',
      handler: uploads.putPart(s.dropUploads, dropSession),
    },
    {
      method: 'POST',
      path: '/api/v1/d/:dropId/uploads/:uploadId/complete',
      kind: 'api',
      body: 'json',
      guard: 'public',
      handler: uploads.completeUpload(s.dropUploads, dropSession),
    },
    {
      method: 'DELETE',
      path: '/api/v1/d/:dropId/uploads/:uploadId',
      kind: 'api',
      body: 'none',
      guard: 'public',
      handler: uploads.cancelUpload(s.dropUploads, dropSession),
    },
    {
      method: 'POST',
      path: '/api/v1/d/:dropId/submit',
      kind: 'api',
      body: 'json',
      jsonLimit: DROP_SUBMIT_JSON_LIMIT,
      guard: 'public',
      handler: drops.submitDropUpload(s.dropLink),
    },

    // the audit trail (shared/wire/audit.ts): read-only, admins only; the CSV is the same filtered view
    {
      method: 'GET',
      path: '/api/v1/admin/audit',
      kind: 'api',
      body: 'none',
      guard: 'admin',
      handler: audit.getAuditTrail(s.auditTrail),
    },
    {
      method: 'GET',
      path: '/api/v1/admin/audit/export',
      kind: 'api',
      body: 'none',
      guard: 'admin',
      handler: audit.exportAuditTrail(s.auditTrail, now),
    },

    // client accounts and the client portal (shared/wire/clients.ts). The office's side: approved
    // staff and admins invite, list and approve clients (a certificate, never the office keys, and
    // the client's personal drop). The portal: an approved client's own drop and uploads only,
    // every lookup scoped to the caller; uploads then go through /api/v1/d/:dropId with the grant.
    {
      method: 'POST',
      path: '/api/v1/clients/invitations',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: clients.inviteClient(s.clients),
    },
    {
      method: 'GET',
      path: '/api/v1/clients',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: clients.listClients(s.clients),
    },
    {
      method: 'GET',
      path: '/api/v1/clients/:userId',
      kind: 'api',
      body: 'none',
      guard: 'office',
      handler: clients.getClient(s.clients),
    },
    {
      method: 'POST',
      path: '/api/v1/clients/:userId/approve',
      kind: 'api',
      body: 'json',
      guard: 'office',
      handler: clients.approveClient(s.clients),
    },
    {
      method: 'GET',
      path: '/api/v1/portal',
      kind: 'api',
      body: 'none',
      guard: 'client',
      handler: clients.getPortal(s.clients, s.maxFileBytes, now),
    },
    {
      method: 'GET',
      path: '/api/v1/portal/uploads',
      kind: 'api',
      body: 'none',
      guard: 'client',
      handler: clients.listPortalUploads(s.clients),
    },
    {
      method: 'GET',
      path: '/api/v1/portal/uploads/:dropUploadId',
      kind: 'api',
      body: 'none',
      guard: 'client',
      handler: clients.getPortalUpload(s.clients),
    },
    {
      method: 'POST',
      path: '/api/v1/portal/drops/:dropId/start',
      kind: 'api',
      body: 'json',
      guard: 'client',
      handler: clients.startPortalDrop(s.clients),
    },

    // privacy rights (shared/wire/privacy.ts): admins export or erase everything about one person,
    // found by the e-mail address in the body (never in a URL). Preview changes nothing; export
    // and erase are audited; erase needs the preview's confirmation.
    {
      method: 'POST',
      path: '/api/v1/admin/privacy/preview',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: privacy.previewPerson(s.privacy),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/privacy/export',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: privacy.exportPerson(s.privacy),
    },
    {
      method: 'POST',
      path: '/api/v1/admin/privacy/erase',
      kind: 'api',
      body: 'json',
      guard: 'admin',
      handler: privacy.erasePerson(s.privacy),
    },

    // the signed-in user's pins (only stored: the MAC is the owner's)
    {
      method: 'GET',
      path: '/api/v1/me/pins',
      kind: 'api',
      body: 'none',
      guard: 'session',
      handler: pins.listPins(s.pins),
    },
    {
      method: 'PUT',
      path: '/api/v1/me/pins/:subject/:subjectId',
      kind: 'api',
      body: 'json',
      guard: 'session',
      handler: pins.putPin(s.pins),
    },

    // pages of the browser client (client/src/app.tsx; the links Coffer mails point at /invite).
    // Pages are public: what they show comes from the API, behind its own guards.
    ...PAGES.map((path): RouteSpec => ({
      method: 'GET',
      path,
      kind: 'page',
      body: 'none',
      guard: 'public',
      handler: sendPage(s.clientDir),
    })),
    // the download service worker (scope /download/): no-store, so updates apply at once
    {
      method: 'GET',
      path: '/sw.js',
      kind: 'page',
      body: 'none',
      guard: 'public',
      handler: sendServiceWorker(s.clientDir),
    },
    {
      method: 'GET',
      path: '/assets/*file',
      kind: 'static',
      body: 'none',
      guard: 'public',
      handler: sendAsset(s.clientDir),
    },
  ];
}
