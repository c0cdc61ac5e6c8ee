// THE route table: every endpoint Coffer serves, with the body it accepts and the guard in
// front of it. createApp mounts exactly these entries and nothing else, and the authorization
// tests walk the same list, so an endpoint cannot exist without being seen here.
// Guards (server/kernel/http/guards.ts): public · session · member · staff · approved · office · admin · client.
import * as audit from './audit/routes.js';
import type { AuditTrail } from './audit/trail.js';
import * as auth from './auth/routes.js';
import * as clients from './clients/routes.js';
import * as contacts from './contacts/routes.js';
import * as devices from './devices/routes.js';
import type { DevicesService } from './devices/service.js';
import type { ContactsService } from './contacts/service.js';
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
import * as trusted from './trusted/routes.js';
import type { TrustedDevices } from './kernel/trust/devices.js';
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
  /** Contacts, the office's address book, and the recipient field's suggestions. */
  readonly contacts: ContactsService;
  /** Enrolled devices (the command-line client) and their API tokens. */
  readonly devices: DevicesService;
  /** Reading the audit log (the admin's page and CSV export). */
  readonly auditTrail: AuditTrail;
  /** Privacy rights: export and erase a person (admins). */
  readonly privacy: PrivacyService;
  /** Browsers that remember a proved address (guests, drop uploaders). */
  readonly trust: TrustedDevices;
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
  '/app/contacts',
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
/** The largest pin index (protocol §14: 10,000 pins) in base64url, with room for the JSON around it. */
const PIN_INDEX_JSON_LIMIT = 1024 * 1024;
/** A drop submission carries up to 100 files' sealed metadata (up to 8 KiB each) and keys. */
const DROP_SUBMIT_JSON_LIMIT = 2 * 1024 * 1024;

/**
 * Bearer tokens of enrolled devices (docs/protocol.md "Devices") reach only the routes that name
 * one of their scopes: `send` shares, `pull` what arrived, `ANY` (either) for the account's own
 * keys and pins. Every other route refuses a bearer token with 403 token_scope.
 */
const SEND = { scopes: ['send'] } as const;
const PULL = { scopes: ['pull'] } as const;
const ANY = { scopes: ['send', 'pull'] } as const;

/**
 * One API entry of the table: method, path, guard, body type, handler (and, rarely, options).
 * API answers are JSON (or a download) and never cached; pages and assets are written out below.
 */
function api(
  method: RouteSpec['method'],
  path: string,
  guard: RouteSpec['guard'],
  body: RouteSpec['body'],
  handler: RouteSpec['handler'],
  options: Pick<RouteSpec, 'passive' | 'jsonLimit' | 'scopes'> = {},
): RouteSpec {
  return { method, path, kind: 'api', body, guard, ...options, handler };
}

export function routeTable(s: RouteServices): readonly RouteSpec[] {
  const lifetimes = s.sessions.lifetimes;
  const a = { auth: s.auth, lifetimes };
  const se = { sessions: s.sessions, users: s.usersRepo, office: s.officeRepo };
  const inv = { invitations: s.invitations, lifetimes };
  const now = () => s.clock.now();
  const dropSession = drops.sessionOf(s.dropLink);
  return [
    api('GET', '/healthz', 'public', 'none', getHealth(s.health)),

    // first-run setup
    api('POST', '/api/v1/setup/verify', 'public', 'json', verifySetupLink(s.setup)),
    api(
      'POST',
      '/api/v1/setup/complete',
      'public',
      'json',
      completeSetup({ completion: s.setupCompletion, lifetimes }),
    ),

    // the office
    api('GET', '/api/v1/office', 'public', 'none', office.getOffice(s.office)),
    api('GET', '/api/v1/office/logo', 'public', 'none', office.getLogo(s.office)),
    api('GET', '/api/v1/office/keys', 'office', 'none', office.getOfficeKeys(s.office), ANY),

    // signing in
    api('POST', '/api/v1/auth/prelogin', 'public', 'json', auth.prelogin(a)),
    { method: 'POST', path: '/api/v1/auth/login', kind: 'api', body: 'json', guard: 'public', handler: auth.login(a) },
    api('POST', '/api/v1/auth/second-factor', 'public', 'json', auth.secondFactor(a)),
    api('POST', '/api/v1/auth/recover', 'public', 'json', auth.recover(a)),
    api('POST', '/api/v1/auth/recover/complete', 'public', 'json', auth.completeRecovery(a)),
    api('POST', '/api/v1/auth/logout', 'session', 'json', sessions.logout(se)),

    // the signed-in user
    api('GET', '/api/v1/session', 'session', 'none', sessions.getSession(se), { passive: true }),
    api('GET', '/api/v1/me/keys', 'session', 'none', sessions.getMyKeys(se), ANY),
    api('POST', '/api/v1/session/keep-half', 'session', 'json', sessions.makeKeepHalf(se)),
    api('GET', '/api/v1/session/keep-half', 'session', 'none', sessions.getKeepHalf(se)),
    api('GET', '/api/v1/sessions', 'session', 'none', sessions.listSessions(se)),
    api('DELETE', '/api/v1/sessions/:sessionId', 'session', 'none', sessions.endSession(se)),
    api('POST', '/api/v1/me/password', 'session', 'json', auth.changePassword(a)),
    api('PUT', '/api/v1/me/language', 'session', 'json', users.setMyLanguage(s.users)),
    // session, not member: a user the office requires to enrol must be able to.
    api('POST', '/api/v1/me/two-factor/begin', 'session', 'json', auth.beginTwoFactor(a)),
    api('POST', '/api/v1/me/two-factor/confirm', 'session', 'json', auth.confirmTwoFactor(a)),
    api('POST', '/api/v1/me/two-factor/disable', 'member', 'json', auth.disableTwoFactor(a)),

    // invitations, from the invitee's side
    api('POST', '/api/v1/invitations/lookup', 'public', 'json', invitations.lookupInvitation(inv)),
    api('POST', '/api/v1/invitations/accept', 'public', 'json', invitations.acceptInvitation(inv)),

    // colleagues
    api('GET', '/api/v1/directory', 'staff', 'none', users.getDirectory(s.users), SEND),

    // administration
    api('GET', '/api/v1/admin/users', 'admin', 'none', users.listUsers(s.users)),
    api('GET', '/api/v1/admin/users/:userId', 'admin', 'none', users.getUser(s.users)),
    api('POST', '/api/v1/admin/users/:userId/approve', 'admin', 'json', users.approveUser(s.users)),
    api('POST', '/api/v1/admin/users/:userId/disable', 'admin', 'json', users.disableUser(s.users)),
    api('POST', '/api/v1/admin/users/:userId/enable', 'admin', 'json', users.enableUser(s.users)),
    api('POST', '/api/v1/admin/users/:userId/role', 'admin', 'json', users.changeRole(s.users)),
    api('POST', '/api/v1/admin/users/:userId/reset', 'admin', 'json', users.resetUser(s.users)),
    api('GET', '/api/v1/admin/invitations', 'admin', 'none', invitations.listInvitations(inv)),
    api('POST', '/api/v1/admin/invitations', 'admin', 'json', invitations.createInvitation(inv)),
    api('POST', '/api/v1/admin/invitations/:invitationId/resend', 'admin', 'json', invitations.resendInvitation(inv)),
    api(
      'POST',
      '/api/v1/admin/invitations/:invitationId/withdraw',
      'admin',
      'json',
      invitations.withdrawInvitation(inv),
    ),
    api('GET', '/api/v1/admin/settings', 'admin', 'none', office.getSettings(s.office)),
    api('PUT', '/api/v1/admin/settings', 'admin', 'json', office.putSettings(s.office)),
    api('PUT', '/api/v1/admin/logo', 'admin', 'multipart', office.putLogo(s.office)),
    api('DELETE', '/api/v1/admin/logo', 'admin', 'none', office.deleteLogo(s.office)),

    // sending: resumable uploads of ciphertext (shared/wire/uploads.ts), for members who send.
    // Clients upload only through their personal drop (the portal's grant, below).
    api('POST', '/api/v1/uploads', 'office', 'json', uploads.createUpload(s.uploads), SEND),
    api('GET', '/api/v1/uploads/:uploadId', 'office', 'none', uploads.getUpload(s.uploads), SEND),
    api('PUT', '/api/v1/uploads/:uploadId/parts/:index', 'office', 'octet-stream', uploads.putPart(s.uploads), SEND),
    api('POST', '/api/v1/uploads/:uploadId/complete', 'office', 'json', uploads.completeUpload(s.uploads), SEND),
    api('DELETE', '/api/v1/uploads/:uploadId', 'office', 'none', uploads.cancelUpload(s.uploads), SEND),

    // sending: shares, the sender's and the office's view (shared/wire/shares.ts). Approved staff
    // and admins only: they hold the office key, so any of them may take over a colleague's share.
    api('POST', '/api/v1/recipients/lookup', 'office', 'json', shares.lookupRecipients(s.shares), SEND),
    api('POST', '/api/v1/shares', 'office', 'json', shares.createShare(s.shares), {
      ...SEND,
      jsonLimit: SHARE_JSON_LIMIT,
    }),
    api('GET', '/api/v1/shares', 'office', 'none', shares.listShares(s.shares, now), SEND),
    api('GET', '/api/v1/shares/:shareId', 'office', 'none', shares.getShare(s.shares, now), SEND),
    api('POST', '/api/v1/shares/:shareId/revoke', 'office', 'json', shares.revokeShare(s.shares), SEND),
    api('POST', '/api/v1/shares/:shareId/extend', 'office', 'json', shares.extendShare(s.shares)),
    api(
      'POST',
      '/api/v1/shares/:shareId/recipients/:recipientId/unlock',
      'office',
      'json',
      shares.unlockRecipient(s.shares),
    ),
    api(
      'POST',
      '/api/v1/shares/:shareId/recipients/:recipientId/mail-link',
      'office',
      'json',
      shares.mailLink(s.shares),
      SEND,
    ),
    api(
      'GET',
      '/api/v1/shares/:shareId/recipients/:recipientId/trusted-devices',
      'office',
      'none',
      shares.listTrustedDevices(s.shares),
    ),
    api(
      'POST',
      '/api/v1/shares/:shareId/recipients/:recipientId/trusted-devices/revoke',
      'office',
      'json',
      shares.revokeTrustedDevices(s.shares),
    ),
    api('GET', '/api/v1/shares/:shareId/files/:fileId', 'office', 'none', shares.senderFile(s.shares), SEND),

    // a guest's link. Public: holding the recipient id makes one a link holder, but Ks, the keys
    // and a download grant come only after a code from the bound mailbox (or on a trusted device
    // of that address, its cookie from an earlier code); files need the grant.
    api('GET', '/api/v1/links/:linkId', 'public', 'none', shares.getLink(s.receiving)),
    api('POST', '/api/v1/links/:linkId/code', 'public', 'json', shares.requestCode(s.receiving)),
    api('POST', '/api/v1/links/:linkId/verify', 'public', 'json', shares.verifyCode(s.receiving, now)),
    api('POST', '/api/v1/links/:linkId/trusted', 'public', 'json', shares.openTrusted(s.receiving, now)),
    // a trusted device forgets itself (the cookie names it; public: it can only be the caller's own)
    api('DELETE', '/api/v1/trusted-device', 'public', 'none', trusted.forgetDevice(s.trust)),
    api('GET', '/api/v1/links/:linkId/files/:fileId', 'public', 'none', shares.guestFile(s.receiving)),

    // shares received by the signed-in account (files need a grant as well as the session)
    api('GET', '/api/v1/received', 'approved', 'none', shares.listReceived(s.receiving, now), PULL),
    api('GET', '/api/v1/received/:shareId', 'approved', 'none', shares.getReceived(s.receiving), PULL),
    api('POST', '/api/v1/received/:shareId/grant', 'approved', 'json', shares.issueGrant(s.receiving), PULL),
    api('GET', '/api/v1/received/:shareId/files/:fileId', 'approved', 'none', shares.receivedFile(s.receiving), PULL),

    // drops, the office's side (shared/wire/drops.ts): approved staff and admins, who hold the
    // office key, so any of them may take over a colleague's drop (audited).
    api('POST', '/api/v1/drops', 'office', 'json', drops.createDrop(s.drops)),
    api('GET', '/api/v1/drops', 'office', 'none', drops.listDrops(s.drops, now), PULL),
    api('GET', '/api/v1/drops/:dropId', 'office', 'none', drops.getDrop(s.drops, now), PULL),
    api('POST', '/api/v1/drops/:dropId/close', 'office', 'json', drops.closeDrop(s.drops)),
    api('POST', '/api/v1/drops/:dropId/unlock', 'office', 'json', drops.unlockDrop(s.drops)),
    api('DELETE', '/api/v1/drops/:dropId', 'office', 'none', drops.deleteDrop(s.drops)),
    api('DELETE', '/api/v1/drops/:dropId/uploads/:dropUploadId', 'office', 'none', drops.deleteDropUpload(s.drops)),
    api(
      'POST',
      '/api/v1/drops/:dropId/uploads/:dropUploadId/reject',
      'office',
      'json',
      drops.rejectDropUpload(s.drops),
    ),
    api(
      'GET',
      '/api/v1/drops/:dropId/uploads/:dropUploadId/files/:fileId',
      'office',
      'none',
      drops.dropFile(s.drops),
      PULL,
    ),

    // a drop's link. Public: holding the drop id makes one a link holder. A bound drop needs a
    // code from its mailbox, an open one only asks (never mails); either way the grant names
    // one upload session, which owns its uploads and submits once.
    api('GET', '/api/v1/d/:dropId', 'public', 'none', drops.getDropLink(s.dropLink, s.maxFileBytes)),
    api('POST', '/api/v1/d/:dropId/code', 'public', 'json', drops.requestDropCode(s.dropLink)),
    api('POST', '/api/v1/d/:dropId/verify', 'public', 'json', drops.verifyDropCode(s.dropLink, now)),
    api('POST', '/api/v1/d/:dropId/trusted', 'public', 'json', drops.openTrustedDrop(s.dropLink)),
    api('POST', '/api/v1/d/:dropId/start', 'public', 'json', drops.startDropSession(s.dropLink)),
    api('POST', '/api/v1/d/:dropId/uploads', 'public', 'json', uploads.createUpload(s.dropUploads, dropSession)),
    api('GET', '/api/v1/d/:dropId/uploads/:uploadId', 'public', 'none', uploads.getUpload(s.dropUploads, dropSession)),
    api(
      'PUT',
      '/api/v1/d/:dropId/uploads/:uploadId/parts/:index',
      'public',
      'octet-stream',
      uploads.putPart(s.dropUploads, dropSession),
    ),
    api(
      'POST',
      '/api/v1/d/:dropId/uploads/:uploadId/complete',
      'public',
      'json',
      uploads.completeUpload(s.dropUploads, dropSession),
    ),
    api(
      'DELETE',
      '/api/v1/d/:dropId/uploads/:uploadId',
      'public',
      'none',
      uploads.cancelUpload(s.dropUploads, dropSession),
    ),
    api('POST', '/api/v1/d/:dropId/submit', 'public', 'json', drops.submitDropUpload(s.dropLink), {
      jsonLimit: DROP_SUBMIT_JSON_LIMIT,
    }),

    // the audit trail (shared/wire/audit.ts): read-only, admins only; the CSV is the same filtered view
    api('GET', '/api/v1/admin/audit', 'admin', 'none', audit.getAuditTrail(s.auditTrail)),
    api('GET', '/api/v1/admin/audit/export', 'admin', 'none', audit.exportAuditTrail(s.auditTrail, now)),

    // client accounts and the client portal (shared/wire/clients.ts). The office's side: approved
    // staff and admins invite, list and approve clients (a certificate, never the office keys, and
    // the client's personal drop). The portal: an approved client's own drop and uploads only,
    // every lookup scoped to the caller; uploads then go through /api/v1/d/:dropId with the grant.
    api('POST', '/api/v1/clients/invitations', 'office', 'json', clients.inviteClient(s.clients)),
    api(
      'POST',
      '/api/v1/clients/invitations/:invitationId/resend',
      'office',
      'json',
      clients.resendClientInvitation(s.clients),
    ),
    api(
      'POST',
      '/api/v1/clients/invitations/:invitationId/withdraw',
      'office',
      'json',
      clients.withdrawClientInvitation(s.clients),
    ),
    api('GET', '/api/v1/clients', 'office', 'none', clients.listClients(s.clients, now), ANY),
    api('GET', '/api/v1/clients/:userId', 'office', 'none', clients.getClient(s.clients), ANY),
    api('POST', '/api/v1/clients/:userId/approve', 'office', 'json', clients.approveClient(s.clients)),
    api('POST', '/api/v1/clients/:userId/keys-checked', 'office', 'json', clients.clientKeysChecked(s.clients)),
    api('POST', '/api/v1/clients/:userId/advisor', 'office', 'json', clients.setClientAdvisor(s.clients)),
    api('POST', '/api/v1/clients/:userId/drop', 'office', 'json', clients.renewClientDrop(s.clients)),
    api('GET', '/api/v1/portal', 'client', 'none', clients.getPortal(s.clients, s.maxFileBytes, now)),
    api('GET', '/api/v1/portal/uploads', 'client', 'none', clients.listPortalUploads(s.clients)),
    api('GET', '/api/v1/portal/uploads/:dropUploadId', 'client', 'none', clients.getPortalUpload(s.clients)),
    api('POST', '/api/v1/portal/drops/:dropId/start', 'client', 'json', clients.startPortalDrop(s.clients)),

    // contacts, the office's address book (shared/wire/contacts.ts): approved staff and admins,
    // office-wide; a standing access code arrives sealed to the office key and is only stored.
    api('GET', '/api/v1/contacts', 'office', 'none', contacts.listContacts(s.contacts), SEND),
    api('POST', '/api/v1/contacts', 'office', 'json', contacts.createContact(s.contacts)),
    api('PUT', '/api/v1/contacts/:contactId', 'office', 'json', contacts.updateContact(s.contacts)),
    api('DELETE', '/api/v1/contacts/:contactId', 'office', 'none', contacts.deleteContact(s.contacts)),
    api('PUT', '/api/v1/contacts/:contactId/code', 'office', 'json', contacts.setContactCode(s.contacts)),
    api('DELETE', '/api/v1/contacts/:contactId/code', 'office', 'none', contacts.removeContactCode(s.contacts)),
    api('GET', '/api/v1/recipients/suggestions', 'office', 'none', contacts.suggestRecipients(s.contacts), SEND),

    // privacy rights (shared/wire/privacy.ts): admins export or erase everything about one person,
    // found by the e-mail address in the body (never in a URL). Preview changes nothing; export
    // and erase are audited; erase needs the preview's confirmation.
    api('POST', '/api/v1/devices/enrolments', 'public', 'json', devices.startEnrolment(s.devices)),
    api('GET', '/api/v1/devices/enrolments', 'office', 'none', devices.listPendingEnrolments(s.devices)),
    api(
      'POST',
      '/api/v1/devices/enrolments/:enrolmentId/approve',
      'office',
      'json',
      devices.approveEnrolment(s.devices),
    ),
    api('POST', '/api/v1/devices/enrolments/:enrolmentId/claim', 'public', 'json', devices.claimEnrolment(s.devices)),
    api('GET', '/api/v1/devices', 'office', 'none', devices.listDevices(s.devices)),
    api('PUT', '/api/v1/devices/:deviceId', 'office', 'json', devices.renameDevice(s.devices)),
    api('DELETE', '/api/v1/devices/:deviceId', 'office', 'none', devices.revokeDevice(s.devices)),
    api('POST', '/api/v1/devices/:deviceId/tokens', 'office', 'json', devices.createApiToken(s.devices), ANY),
    api(
      'DELETE',
      '/api/v1/devices/:deviceId/tokens/:tokenId',
      'office',
      'none',
      devices.revokeApiToken(s.devices),
      ANY,
    ),

    api('POST', '/api/v1/admin/privacy/preview', 'admin', 'json', privacy.previewPerson(s.privacy)),
    api('POST', '/api/v1/admin/privacy/export', 'admin', 'json', privacy.exportPerson(s.privacy)),
    api('POST', '/api/v1/admin/privacy/erase', 'admin', 'json', privacy.erasePerson(s.privacy)),

    // the signed-in user's pins (only stored: the MAC is the owner's)
    api('GET', '/api/v1/me/pins', 'session', 'none', pins.listPins(s.pins), ANY),
    api('PUT', '/api/v1/me/pins/:subject/:subjectId', 'session', 'json', pins.putPin(s.pins), ANY),
    // …and their pin index (compare-and-swap on its counter)
    api('GET', '/api/v1/me/pin-index', 'session', 'none', pins.getPinIndex(s.pins), ANY),
    api('PUT', '/api/v1/me/pin-index', 'session', 'json', pins.putPinIndex(s.pins), {
      ...ANY,
      jsonLimit: PIN_INDEX_JSON_LIMIT,
    }),

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
