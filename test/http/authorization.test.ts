// The authorization matrix, run: every route of the app's own route table × eleven kinds of
// caller × an object that belongs to someone else, named in the path (and, where a route takes
// them, in the body), against the answers written in authorization-matrix.ts. A route the
// table lacks, or a row for a route the app does not serve, fails the first test, so no
// endpoint can be added without a row here.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GrantResponse,
  InvitationCreateResponse,
  PrivacyPreview,
  SessionList,
  UploadCreateResponse,
} from '../../shared/wire/index.js';
import { idToWire, newId, ready } from '../../shared/crypto/index.js';
import { createServices } from '../../server/compose.js';
import { PAGES, routeTable, type RouteSpec } from '../../server/routes.js';
import { ASSET_NAME, createTestApp, type TestApp } from '../helpers/app.js';
import { errorCodeOf } from '../helpers/expect.js';
import { approval, buildShare, guestPlan, makeFile, randomPlaintext, type GuestPlan } from '../helpers/browser.js';
import { tab, type Tab } from '../helpers/client.js';
import {
  buildSubmission,
  dropCreateRequest,
  dropUploads,
  makeDrop,
  proveAddress,
  uploadToDrop,
  type MadeDrop,
} from '../helpers/drops.js';
import { startMailServer, type MailServer } from '../helpers/mail-server.js';
import { approve, idOf, inviteAndAccept, setUpOffice, signIn, type Member, type Office } from '../helpers/office.js';
import { DAY_MS, guestVerifies, sendShare, uploadRequest, type SentShare } from '../helpers/sharing.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { approvalRequest, inviteClient, makeClient, personalDropOf, type ClientAccount } from '../helpers/clients.js';
import {
  ACTORS,
  expectedErrorCode,
  parseMatrix,
  type Actor,
  type Cell,
  type MatrixRow,
} from './authorization-matrix.js';

// ---- the world: two sides of one office, each with its own staff member, client, guest,
// share, uploads and drops

interface Side {
  readonly staff: Member;
  readonly client: ClientAccount;
  /** Sent by the side's staff member to its client and to its guest. */
  readonly share: SentShare;
  readonly guest: GuestPlan;
  /** The guest's grant after the code (the gOth caller holds side 1's). */
  readonly guestGrant: string;
  /** The client's download grant for the share (the client caller carries it). */
  readonly clientGrant: string;
  /** A member upload of the staff member, not completed. */
  readonly memberUploadId: string;
  /** The staff member's own drop (bound to an outside address) with one submitted upload. */
  readonly drop: MadeDrop;
  readonly dropUploadId: string;
  readonly dropFileId: string;
  /** The client's personal drop, a portal grant for it, an unfinished upload and a submitted one. */
  readonly personalDropId: string;
  readonly personalGrant: string;
  readonly personalUploadId: string;
  readonly personalDropUploadId: string;
  /** The id of the staff member's session (in their own session list). */
  readonly sessionId: string;
}

interface Caller {
  readonly tab: Tab;
  /** Sent as `Authorization: Bearer` on every request: a share grant, and on /api/v1/d/ a drop grant. */
  readonly grant?: string;
  readonly dropGrant?: string;
  /** Whose objects it aims at. */
  readonly target: Side;
  /** The caller's own side (for requests that name the caller's own object beside a foreign one). */
  readonly own?: Side;
  /** An office member: sees the office's objects, so the leak check does not apply. */
  readonly office: boolean;
}

let mail: MailServer;
let t: TestApp;
let o: Office;
let side1: Side;
let side2: Side;
let callers: Record<Actor, Caller>;
let table: readonly RouteSpec[];
let rows: MatrixRow[];

const OUTSIDE_UPLOADER = 'leverancier@example.nl';

async function buildSide(n: 1 | 2): Promise<Side> {
  const staff = await inviteAndAccept(o, `staf${n}@kantoor.example`, 'staff', undefined, `Staf ${n}`);
  await approve(o, staff);
  const client = await makeClient(o, staff, `klant${n}@example.nl`, `Klant ${n}`);
  const guest = guestPlan(`gast${n}@example.nl`);
  const share = await sendShare(o, staff, { accounts: [client], guests: [guest] });
  const guestGrant = (await guestVerifies(t.app, mail, guest)).grant;
  const clientGrant = GrantResponse.parse(
    (await client.tab.post(`/api/v1/received/${share.shareId}/grant`, {})).body,
  ).grant;
  const created = await staff.tab.post('/api/v1/uploads', { size: 1000 });
  expect(created.status).toBe(201);
  const drop = await makeDrop(o, staff, { email: OUTSIDE_UPLOADER });
  const uploaderGrant = await proveAddress(t.app, mail, drop.dropId, OUTSIDE_UPLOADER);
  const submitted = await uploadToDrop(t.app, drop, uploaderGrant, [makeFile(randomPlaintext(3000))]);
  const personal = await personalDropOf(o, client);
  const unfinished = await uploadRequest(client.tab, 'post', '', dropUploads(personal.dropId, personal.grant), {
    size: 1000,
  });
  expect(unfinished.status).toBe(201);
  const sessions = await staff.tab.get('/api/v1/sessions');
  return {
    staff,
    client,
    share,
    guest,
    guestGrant,
    clientGrant,
    memberUploadId: UploadCreateResponse.parse(created.body).uploadId,
    drop,
    dropUploadId: submitted.answer.dropUploadId,
    dropFileId: submitted.submission.body.files[0]!.fileId,
    personalDropId: personal.dropId,
    personalGrant: personal.grant,
    personalUploadId: UploadCreateResponse.parse(unfinished.body).uploadId,
    personalDropUploadId: personal.submittedDropUploadId,
    sessionId: SessionList.parse(sessions.body).sessions.find((s) => s.current)?.sessionId ?? '',
  };
}

beforeAll(async () => {
  await ready();
  mail = await startMailServer();
  t = await createTestApp({ env: mail.env });
  o = await setUpOffice(t, mail);
  // The expired share comes first: the clock moves past its end before anyone else signs in.
  const expiringStaff = await inviteAndAccept(o, 'vertrekt@kantoor.example', 'staff', undefined, 'Staf 3');
  await approve(o, expiringStaff);
  const expiredGuest = guestPlan('gast3@example.nl');
  await sendShare(o, expiringStaff, { guests: [expiredGuest], expiresInMs: 30 * 60_000 });
  const expiredGrant = (await guestVerifies(t.app, mail, expiredGuest)).grant;
  t.clock.advance(31 * 60_000);
  o.admin.tab = (await signIn(o, o.admin, tab(t.app))).tab;

  side1 = await buildSide(1);
  side2 = await buildSide(2);
  const unapproved = await inviteAndAccept(o, 'wacht@kantoor.example', 'staff', undefined, 'Wacht Nog');
  const disabled = await inviteAndAccept(o, 'weg@kantoor.example', 'staff', undefined, 'Al Weg');
  await approve(o, disabled);
  expect((await o.admin.tab.post(`/api/v1/admin/users/${idOf(disabled)}/disable`, {})).status).toBe(204);

  callers = {
    anon: { tab: tab(t.app), target: side2, office: false },
    cliA: {
      tab: side1.client.tab,
      grant: side1.clientGrant,
      dropGrant: side1.personalGrant,
      target: side2,
      own: side1,
      office: false,
    },
    cliB: {
      tab: side2.client.tab,
      grant: side2.clientGrant,
      dropGrant: side2.personalGrant,
      target: side1,
      own: side2,
      office: false,
    },
    st1: { tab: side1.staff.tab, target: side2, own: side1, office: true },
    st2: { tab: side2.staff.tab, target: side1, own: side2, office: true },
    admin: { tab: o.admin.tab, target: side2, office: true },
    unappr: { tab: unapproved.tab, target: side2, office: false },
    disab: { tab: disabled.tab, target: side2, office: false },
    gPre: { tab: tab(t.app), target: side2, own: side1, office: false },
    gOth: { tab: tab(t.app), grant: side1.guestGrant, target: side2, own: side1, office: false },
    gExp: { tab: tab(t.app), grant: expiredGrant, target: side2, office: false },
  };
  table = routeTable(
    createServices({
      config: t.config,
      db: t.db,
      mailer: t.mailer,
      clock: t.clock,
      log: t.logs.log,
      serverKey: t.serverKey,
      clientDir: t.clientDir,
    }),
  );
  rows = parseMatrix();
}, 120_000);

afterAll(async () => {
  t.close();
  await mail.close();
  await removeTempDirs();
});

// ---- what each route's request names

interface Request {
  readonly path: string;
  readonly body?: unknown;
}

type Builder = (caller: Caller, actor: Actor) => Promise<Request> | Request;

const empty =
  (path: string): Builder =>
  () => ({ path, body: {} });
const fixed =
  (path: string): Builder =>
  () => ({ path });
const RANDOM = () => idToWire(newId());

/** A fresh share of the target's staff member, for requests that end or change it. */
async function freshShare(target: Side): Promise<SentShare> {
  return sendShare(o, target.staff, { guests: [guestPlan(`vers-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`)] });
}

async function freshDrop(target: Side): Promise<{ drop: MadeDrop; dropUploadId: string }> {
  const drop = await makeDrop(o, target.staff, { email: OUTSIDE_UPLOADER });
  const grant = await proveAddress(t.app, mail, drop.dropId, OUTSIDE_UPLOADER);
  const submitted = await uploadToDrop(t.app, drop, grant, [makeFile(randomPlaintext(2000))]);
  return { drop, dropUploadId: submitted.answer.dropUploadId };
}

/** A member waiting for approval, or an open invitation, for the admin's requests that change them. */
async function freshMember(): Promise<Member> {
  return inviteAndAccept(
    o,
    `nieuw-${RANDOM().slice(0, 8).toLowerCase()}@kantoor.example`,
    'staff',
    undefined,
    'Nieuw Lid',
  );
}

/** A client who accepted an invitation and waits for a member to approve them. */
async function waitingClient(advisor: Member): Promise<Member> {
  return inviteClient(o, advisor, `wacht-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`, 'Wachtende Klant');
}

async function freshInvitation(): Promise<string> {
  const res = await o.admin.tab.post('/api/v1/admin/invitations', {
    email: `uitnodiging-${RANDOM().slice(0, 8).toLowerCase()}@kantoor.example`,
    role: 'staff',
  });
  expect(res.status).toBe(201);
  return InvitationCreateResponse.parse(res.body).invitationId;
}

const shareFile = (side: Side) => idToWire(side.share.files[0]!.fileId);
const currentSettings = async () => (await o.admin.tab.get('/api/v1/admin/settings')).body as object;

/** A share request from the caller (or staff 1) that names the target's uploads as its files. */
function shareNamingForeignUploads(caller: Caller): Request {
  const sender = caller.own?.staff ?? side1.staff;
  const file = makeFile(randomPlaintext(500));
  const built = buildShare({
    shareId: newId(),
    sender: sender.account,
    office: o.office,
    files: [{ file, uploadId: caller.target.memberUploadId }],
    accounts: [],
    guests: [guestPlan('iemand@example.nl')],
    expiresAt: t.clock.now() + DAY_MS,
  });
  return { path: '/api/v1/shares', body: built.request };
}

/** A drop submission naming the target client's upload, to the caller's own personal drop when it has one. */
function submissionNamingForeignUpload(caller: Caller, ownDrop: boolean): Request {
  const drop = ownDrop && caller.own !== undefined ? caller.own : caller.target;
  const file = makeFile(randomPlaintext(500));
  const keys = drop.client.drop.keys;
  const body = buildSubmission({ dropId: keys.dropId, publicKey: keys.keyPair.publicKey, secret: keys.secret }, [
    { file, uploadId: caller.target.personalUploadId },
  ]).body;
  return { path: `/api/v1/d/${drop.personalDropId}/submit`, body };
}

const BUILDERS: Record<string, Builder> = {
  'GET /healthz': fixed('/healthz'),
  'POST /api/v1/setup/verify': () => ({ path: '/api/v1/setup/verify', body: { token: 'A'.repeat(43) } }),
  'POST /api/v1/setup/complete': empty('/api/v1/setup/complete'),
  'GET /api/v1/office': fixed('/api/v1/office'),
  'GET /api/v1/office/logo': fixed('/api/v1/office/logo'),
  'GET /api/v1/office/keys': fixed('/api/v1/office/keys'),
  'POST /api/v1/auth/prelogin': empty('/api/v1/auth/prelogin'),
  'POST /api/v1/auth/login': empty('/api/v1/auth/login'),
  'POST /api/v1/auth/second-factor': empty('/api/v1/auth/second-factor'),
  'POST /api/v1/auth/recover': empty('/api/v1/auth/recover'),
  'POST /api/v1/auth/recover/complete': empty('/api/v1/auth/recover/complete'),
  'POST /api/v1/auth/logout': empty('/api/v1/auth/logout'),
  'GET /api/v1/session': fixed('/api/v1/session'),
  'GET /api/v1/me/keys': fixed('/api/v1/me/keys'),
  'GET /api/v1/sessions': fixed('/api/v1/sessions'),
  'DELETE /api/v1/sessions/:sessionId': (c) => ({ path: `/api/v1/sessions/${c.target.sessionId}` }),
  'POST /api/v1/me/password': empty('/api/v1/me/password'),
  'POST /api/v1/me/two-factor/begin': empty('/api/v1/me/two-factor/begin'),
  'POST /api/v1/me/two-factor/confirm': empty('/api/v1/me/two-factor/confirm'),
  'POST /api/v1/me/two-factor/disable': empty('/api/v1/me/two-factor/disable'),
  'POST /api/v1/invitations/lookup': empty('/api/v1/invitations/lookup'),
  'POST /api/v1/invitations/accept': empty('/api/v1/invitations/accept'),
  'GET /api/v1/directory': fixed('/api/v1/directory'),
  'GET /api/v1/admin/users': fixed('/api/v1/admin/users'),
  'GET /api/v1/admin/users/:userId': (c) => ({ path: `/api/v1/admin/users/${idOf(c.target.staff)}` }),
  'POST /api/v1/admin/users/:userId/approve': async (_c, actor) => {
    if (actor !== 'admin') return { path: `/api/v1/admin/users/${RANDOM()}/approve`, body: {} };
    const member = await freshMember();
    return { path: `/api/v1/admin/users/${idOf(member)}/approve`, body: approval(o.office, member.account, 'staff') };
  },
  'POST /api/v1/admin/users/:userId/disable': async (c, actor) => ({
    path: `/api/v1/admin/users/${actor === 'admin' ? idOf(await freshMember()) : idOf(c.target.staff)}/disable`,
    body: {},
  }),
  'POST /api/v1/admin/users/:userId/enable': async (c, actor) => {
    if (actor !== 'admin') return { path: `/api/v1/admin/users/${idOf(c.target.staff)}/enable`, body: {} };
    const member = await freshMember();
    expect((await o.admin.tab.post(`/api/v1/admin/users/${idOf(member)}/disable`, {})).status).toBe(204);
    return { path: `/api/v1/admin/users/${idOf(member)}/enable`, body: {} };
  },
  'POST /api/v1/admin/users/:userId/role': async (c, actor) => ({
    path: `/api/v1/admin/users/${actor === 'admin' ? idOf(await freshMember()) : idOf(c.target.staff)}/role`,
    body: { role: 'admin' },
  }),
  'POST /api/v1/admin/users/:userId/reset': async (c, actor) => ({
    path: `/api/v1/admin/users/${actor === 'admin' ? idOf(await freshMember()) : idOf(c.target.staff)}/reset`,
    body: {},
  }),
  'GET /api/v1/admin/invitations': fixed('/api/v1/admin/invitations'),
  'POST /api/v1/admin/invitations': (_c) => ({
    path: '/api/v1/admin/invitations',
    body: { email: `m-${RANDOM().slice(0, 8).toLowerCase()}@kantoor.example`, role: 'staff' },
  }),
  'POST /api/v1/admin/invitations/:invitationId/resend': async (_c, actor) => ({
    path: `/api/v1/admin/invitations/${actor === 'admin' ? await freshInvitation() : RANDOM()}/resend`,
    body: {},
  }),
  'POST /api/v1/admin/invitations/:invitationId/withdraw': async (_c, actor) => ({
    path: `/api/v1/admin/invitations/${actor === 'admin' ? await freshInvitation() : RANDOM()}/withdraw`,
    body: {},
  }),
  'GET /api/v1/admin/settings': fixed('/api/v1/admin/settings'),
  'PUT /api/v1/admin/settings': async () => ({ path: '/api/v1/admin/settings', body: await currentSettings() }),
  'PUT /api/v1/admin/logo': fixed('/api/v1/admin/logo'),
  'DELETE /api/v1/admin/logo': async (_c, actor) => {
    if (actor === 'admin')
      expect((await send(callers.admin, specOf('PUT /api/v1/admin/logo'), { path: '/api/v1/admin/logo' })).status).toBe(
        204,
      );
    return { path: '/api/v1/admin/logo' };
  },
  'POST /api/v1/uploads': () => ({ path: '/api/v1/uploads', body: { size: 1000 } }),
  'GET /api/v1/uploads/:uploadId': (c) => ({ path: `/api/v1/uploads/${c.target.memberUploadId}` }),
  'PUT /api/v1/uploads/:uploadId/parts/:index': (c) => ({ path: `/api/v1/uploads/${c.target.memberUploadId}/parts/0` }),
  'POST /api/v1/uploads/:uploadId/complete': (c) => ({
    path: `/api/v1/uploads/${c.target.memberUploadId}/complete`,
    body: {},
  }),
  'DELETE /api/v1/uploads/:uploadId': (c) => ({ path: `/api/v1/uploads/${c.target.memberUploadId}` }),
  'POST /api/v1/recipients/lookup': (c) => ({
    path: '/api/v1/recipients/lookup',
    body: { emails: [c.target.client.account.email] },
  }),
  'POST /api/v1/shares': (c) => shareNamingForeignUploads(c),
  'GET /api/v1/shares': fixed('/api/v1/shares?scope=office'),
  'GET /api/v1/shares/:shareId': (c) => ({ path: `/api/v1/shares/${c.target.share.shareId}` }),
  'POST /api/v1/shares/:shareId/revoke': async (c) => ({
    path: `/api/v1/shares/${(await freshShare(c.target)).shareId}/revoke`,
    body: {},
  }),
  'POST /api/v1/shares/:shareId/extend': (c) => ({
    path: `/api/v1/shares/${c.target.share.shareId}/extend`,
    body: { expiresAt: new Date(t.clock.now() + 10 * DAY_MS).toISOString() },
  }),
  'POST /api/v1/shares/:shareId/recipients/:recipientId/unlock': async (c) => {
    const share = await freshShare(c.target);
    const recipientId = share.guests[0]!.recipientId;
    // Locked as ten wrong codes would leave it (set directly: the code rules have their own tests).
    t.db
      .prepare('UPDATE share_recipients SET wrong_codes = 10, locked_at = ? WHERE id = ?')
      .run(t.clock.now(), recipientId);
    return { path: `/api/v1/shares/${share.shareId}/recipients/${idToWire(recipientId)}/unlock`, body: {} };
  },
  'GET /api/v1/shares/:shareId/files/:fileId': (c) => ({
    path: `/api/v1/shares/${c.target.share.shareId}/files/${shareFile(c.target)}`,
  }),
  'GET /api/v1/links/:recipientId': (c) => ({ path: `/api/v1/links/${idToWire(c.target.guest.recipientId)}` }),
  'POST /api/v1/links/:recipientId/code': async (c) => ({
    path: `/api/v1/links/${idToWire((await freshShare(c.target)).guests[0]!.recipientId)}/code`,
    body: {},
  }),
  'POST /api/v1/links/:recipientId/verify': async (c) => ({
    path: `/api/v1/links/${idToWire((await freshShare(c.target)).guests[0]!.recipientId)}/verify`,
    body: { code: '000000' },
  }),
  'GET /api/v1/links/:recipientId/files/:fileId': (c) => ({
    path: `/api/v1/links/${idToWire(c.target.guest.recipientId)}/files/${shareFile(c.target)}`,
  }),
  'GET /api/v1/received': fixed('/api/v1/received'),
  'GET /api/v1/received/:shareId': (c) => ({ path: `/api/v1/received/${c.target.share.shareId}` }),
  'POST /api/v1/received/:shareId/grant': (c) => ({
    path: `/api/v1/received/${c.target.share.shareId}/grant`,
    body: {},
  }),
  'GET /api/v1/received/:shareId/files/:fileId': (c) => ({
    path: `/api/v1/received/${c.target.share.shareId}/files/${shareFile(c.target)}`,
  }),
  'POST /api/v1/drops': (c) => ({
    path: '/api/v1/drops',
    body: dropCreateRequest(o, c.own?.staff ?? side1.staff).request,
  }),
  'GET /api/v1/drops': fixed('/api/v1/drops?scope=office'),
  'GET /api/v1/drops/:dropId': (c) => ({ path: `/api/v1/drops/${c.target.drop.dropId}` }),
  'POST /api/v1/drops/:dropId/close': async (c) => ({
    path: `/api/v1/drops/${(await freshDrop(c.target)).drop.dropId}/close`,
    body: {},
  }),
  'POST /api/v1/drops/:dropId/unlock': async (c) => {
    const { drop } = await freshDrop(c.target);
    // Locked as ten wrong codes would leave it (set directly: the code rules have their own tests).
    t.db.prepare('UPDATE drops SET wrong_codes = 10, locked_at = ? WHERE id = ?').run(t.clock.now(), drop.keys.dropId);
    return { path: `/api/v1/drops/${drop.dropId}/unlock`, body: {} };
  },
  'DELETE /api/v1/drops/:dropId': async (c) => ({ path: `/api/v1/drops/${(await freshDrop(c.target)).drop.dropId}` }),
  'DELETE /api/v1/drops/:dropId/uploads/:dropUploadId': async (c) => {
    const fresh = await freshDrop(c.target);
    return { path: `/api/v1/drops/${fresh.drop.dropId}/uploads/${fresh.dropUploadId}` };
  },
  'POST /api/v1/drops/:dropId/uploads/:dropUploadId/reject': async (c) => {
    const fresh = await freshDrop(c.target);
    return { path: `/api/v1/drops/${fresh.drop.dropId}/uploads/${fresh.dropUploadId}/reject`, body: {} };
  },
  'GET /api/v1/drops/:dropId/uploads/:dropUploadId/files/:fileId': (c) => ({
    path: `/api/v1/drops/${c.target.drop.dropId}/uploads/${c.target.dropUploadId}/files/${c.target.dropFileId}`,
  }),
  'GET /api/v1/d/:dropId': (c) => ({ path: `/api/v1/d/${c.target.personalDropId}` }),
  'POST /api/v1/d/:dropId/code': (c) => ({ path: `/api/v1/d/${c.target.personalDropId}/code`, body: {} }),
  'POST /api/v1/d/:dropId/verify': (c) => ({
    path: `/api/v1/d/${c.target.personalDropId}/verify`,
    body: { code: '000000' },
  }),
  'POST /api/v1/d/:dropId/start': (c) => ({ path: `/api/v1/d/${c.target.personalDropId}/start`, body: {} }),
  'POST /api/v1/d/:dropId/uploads': (c) => ({
    path: `/api/v1/d/${c.target.personalDropId}/uploads`,
    body: { size: 1000 },
  }),
  'GET /api/v1/d/:dropId/uploads/:uploadId': (c) => ({
    path: `/api/v1/d/${c.target.personalDropId}/uploads/${c.target.personalUploadId}`,
  }),
  'PUT /api/v1/d/:dropId/uploads/:uploadId/parts/:index': (c) => ({
    path: `/api/v1/d/${c.target.personalDropId}/uploads/${c.target.personalUploadId}/parts/0`,
  }),
  'POST /api/v1/d/:dropId/uploads/:uploadId/complete': (c) => ({
    path: `/api/v1/d/${c.target.personalDropId}/uploads/${c.target.personalUploadId}/complete`,
    body: {},
  }),
  'DELETE /api/v1/d/:dropId/uploads/:uploadId': (c) => ({
    path: `/api/v1/d/${c.target.personalDropId}/uploads/${c.target.personalUploadId}`,
  }),
  'POST /api/v1/d/:dropId/submit': (c) => submissionNamingForeignUpload(c, false),
  'POST /api/v1/d/:dropId/submit (own drop, their uploads in body)': (c) => submissionNamingForeignUpload(c, true),
  'GET /api/v1/admin/audit': fixed('/api/v1/admin/audit?action=share.*'),
  'GET /api/v1/admin/audit/export': fixed('/api/v1/admin/audit/export'),
  'POST /api/v1/clients/invitations': () => ({
    path: '/api/v1/clients/invitations',
    body: { name: 'Nieuwe Klant', email: `k-${RANDOM().slice(0, 8).toLowerCase()}@example.nl` },
  }),
  'GET /api/v1/clients': fixed('/api/v1/clients'),
  'GET /api/v1/clients/:userId': (c) => ({ path: `/api/v1/clients/${idOf(c.target.client)}` }),
  'POST /api/v1/clients/:userId/approve': async (c, actor) => {
    if (!c.office) return { path: `/api/v1/clients/${idOf(c.target.client)}/approve`, body: {} };
    // A client waiting for approval, approved by the caller's browser.
    const approver = { account: (actor === 'admin' ? o.admin : (c.own ?? side1).staff).account, tab: c.tab };
    const waiting = await waitingClient(c.target.staff);
    return { path: `/api/v1/clients/${idOf(waiting)}/approve`, body: approvalRequest(o, approver, waiting, 1).body };
  },
  'GET /api/v1/portal': fixed('/api/v1/portal'),
  'GET /api/v1/portal/uploads': fixed('/api/v1/portal/uploads'),
  'GET /api/v1/portal/uploads/:dropUploadId': (c) => ({
    path: `/api/v1/portal/uploads/${c.target.personalDropUploadId}`,
  }),
  'POST /api/v1/portal/drops/:dropId/start': (c) => ({
    path: `/api/v1/portal/drops/${c.target.personalDropId}/start`,
    body: {},
  }),
  'POST /api/v1/admin/privacy/preview': (c) => ({
    path: '/api/v1/admin/privacy/preview',
    body: { email: c.target.client.account.email },
  }),
  'POST /api/v1/admin/privacy/export': (c) => ({
    path: '/api/v1/admin/privacy/export',
    body: { email: c.target.client.account.email },
  }),
  'POST /api/v1/admin/privacy/erase': async (c, actor) => {
    if (actor !== 'admin')
      return {
        path: '/api/v1/admin/privacy/erase',
        body: { email: c.target.client.account.email, confirmation: 'A'.repeat(43) },
      };
    // Someone who can go: a member invited for the purpose, previewed first as the page does.
    const member = await freshMember();
    const preview = await o.admin.tab.post('/api/v1/admin/privacy/preview', { email: member.account.email });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    return {
      path: '/api/v1/admin/privacy/erase',
      body: { email: member.account.email, confirmation: PrivacyPreview.parse(preview.body).confirmation },
    };
  },
  'GET /api/v1/me/pins': fixed('/api/v1/me/pins'),
  'PUT /api/v1/me/pins/:subject/:subjectId': (c) => ({
    path: `/api/v1/me/pins/user/${idOf(c.target.staff)}`,
    body: {},
  }),
  'GET /sw.js': fixed('/sw.js'),
  'GET /assets/*file': fixed(`/assets/${ASSET_NAME}`),
};

// ---- running the table

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const TAKEOVERS = "SELECT count(*) AS n FROM audit_log WHERE action IN ('share.takeover', 'drop.takeover')";
const takeovers = () => (t.db.prepare(TAKEOVERS).get() as { n: number }).n;

function specOf(route: string): RouteSpec {
  const spec = table.find((candidate) => `${candidate.method} ${candidate.path}` === route);
  if (spec === undefined) throw new Error(`no route ${route}`);
  return spec;
}

async function send(caller: Caller, spec: RouteSpec, request: Request) {
  const req = caller.tab.raw(spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete', request.path);
  const grant = request.path.startsWith('/api/v1/d/') ? caller.dropGrant : caller.grant;
  if (grant !== undefined) req.set('Authorization', `Bearer ${grant}`);
  if (spec.body === 'json') return req.set('Content-Type', 'application/json').send(JSON.stringify(request.body ?? {}));
  if (spec.body === 'octet-stream')
    return req.set('Content-Type', 'application/octet-stream').send(Buffer.alloc(10, 7));
  if (spec.body === 'multipart') return req.attach('logo', PNG, { filename: 'logo.png', contentType: 'image/png' });
  return req;
}

/** Ids of the target side that only its own people (and the office) may learn. */
function privateIds(side: Side): string[] {
  return [
    side.share.shareId,
    idToWire(side.guest.recipientId),
    ...side.share.accountRecipients.values(),
    side.memberUploadId,
    side.drop.dropId,
    side.dropUploadId,
    side.personalDropId,
    side.personalUploadId,
    side.personalDropUploadId,
    idOf(side.client),
    side.sessionId,
  ];
}

function judge(cell: Cell, status: number, code: string | undefined, expected: string | undefined, tookOver: boolean) {
  switch (cell) {
    case 'ok':
      return status >= 200 && status < 300 && code === undefined;
    case 'tk':
      return status >= 200 && status < 300 && code === undefined && tookOver;
    default:
      return status === Number(cell) && code === expected;
  }
}

interface RequestLine {
  readonly method: string;
  readonly route: string;
  readonly status: number;
}

/**
 * The server's log lines for the requests answered since `mark` (request-log.ts writes one per
 * request, when the response has finished). A streamed file can reach the client just before
 * the server sees its response finish, so this waits for the line to be written.
 */
async function requestsLogged(mark: number): Promise<RequestLine[]> {
  return vi.waitFor(
    () => {
      const lines = t.logs.linesSince(mark).filter((line) => line.msg === 'request');
      if (lines.length === 0) throw new Error('the server has not logged the request yet');
      return lines as unknown as RequestLine[];
    },
    { timeout: 5_000, interval: 5 },
  );
}

async function check(row: MatrixRow, spec: RouteSpec, builder = BUILDERS[row.key]): Promise<string[]> {
  if (builder === undefined) throw new Error(`no request for ${row.key}`);
  const wrong: string[] = [];
  for (const actor of ACTORS) {
    const caller = callers[actor];
    const request = await builder(caller, actor);
    const before = takeovers();
    const mark = t.logs.count();
    const res = await send(caller, spec, request);
    const logged = await requestsLogged(mark);
    const code = errorCodeOf(res);
    const cell = row.cells[actor];
    const expected = expectedErrorCode(row, spec.guard, actor);
    if (!judge(cell, res.status, code, expected, takeovers() > before))
      wrong.push(
        `${actor}: expected ${cell} ${expected ?? ''}, got ${res.status} ${code ?? ''}`.replace(/ +/g, ' ').trim(),
      );
    const matched = logged.map((line) => `${line.method} ${line.route} ${line.status}`);
    if (matched.length !== 1 || matched[0] !== `${spec.method} ${spec.path} ${res.status}`)
      wrong.push(`${actor}: the server logged ${matched.join(', ')}, not ${spec.method} ${spec.path} ${res.status}`);
    if (!caller.office && !(spec.guard === 'public' && res.status < 300)) {
      const text = res.text ?? '';
      const named = `${request.path} ${JSON.stringify(request.body ?? '')}`;
      for (const id of privateIds(caller.target)) {
        if (!named.includes(id) && text.includes(id))
          wrong.push(`${actor}: the answer holds ${id}, an id of the other side`);
      }
    }
  }
  return wrong;
}

describe('the authorization matrix', () => {
  it('has one row for every route the app serves, and no row for a route it does not', () => {
    const served = new Set(
      table
        .filter((spec) => spec.kind !== 'page' || spec.path === '/sw.js')
        .map((spec) => `${spec.method} ${spec.path}`),
    );
    const pages = table.filter((spec) => spec.kind === 'page' && spec.path !== '/sw.js').map((spec) => spec.path);
    expect(pages).toEqual([...PAGES]);
    const listed = new Set(rows.filter((row) => row.key !== 'PAGES').map((row) => row.route));
    expect(
      [...served].filter((route) => !listed.has(route)),
      'routes without a row',
    ).toEqual([]);
    expect(
      [...listed].filter((route) => !served.has(route)),
      'rows for routes the app does not serve',
    ).toEqual([]);
    expect(rows.some((row) => row.key === 'PAGES')).toBe(true);
    expect(Object.keys(BUILDERS).sort()).toEqual(
      rows
        .filter((row) => row.key !== 'PAGES')
        .map((row) => row.key)
        .sort(),
    );
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
  });

  it('answers a path the route table does not know with 404, whoever asks', async () => {
    for (const actor of ACTORS) {
      const caller = callers[actor];
      for (const path of [
        '/api/v1/shares/x/y/z',
        '/api/v1/everything/clients',
        '/api/v1/users',
        '/api/v1/admin/dump',
        '/api/v2/shares',
      ]) {
        const mark = t.logs.count();
        const res = await send(
          caller,
          { method: 'GET', path, kind: 'api', body: 'none', guard: 'public', handler: () => {} },
          { path },
        );
        expect(res.status, `${actor} GET ${path}`).toBe(404);
        expect((res.body as { error: { code: string } }).error.code, `${actor} GET ${path}`).toBe('not_found');
        expect(
          (await requestsLogged(mark)).map((line) => line.route),
          `${actor} GET ${path}`,
        ).toEqual(['unmatched']);
      }
    }
  });

  it('answers every page to everyone (what a page shows comes from the API)', async () => {
    const row = rows.find((candidate) => candidate.key === 'PAGES')!;
    for (const page of PAGES) {
      const path = page.replace(/:[A-Za-z]+/g, () => RANDOM());
      const spec = specOf(`GET ${page}`);
      expect(await check(row, spec, fixed(path)), page).toEqual([]);
    }
  });

  // Signing out ends the callers' sessions: that row runs last.
  const order = (key: string) => (key === 'POST /api/v1/auth/logout' ? 1 : 0);
  for (const key of parseMatrix()
    .map((row) => row.key)
    .filter((key) => key !== 'PAGES')
    .sort((a, b) => order(a) - order(b))) {
    it(key, async () => {
      const row = rows.find((candidate) => candidate.key === key)!;
      expect(await check(row, specOf(row.route))).toEqual([]);
    });
  }
});
