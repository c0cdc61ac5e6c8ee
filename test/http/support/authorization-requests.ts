// What each route's request names, for the authorization matrix (test/http/authorization.test.ts):
// one builder per row of authorization-matrix.ts, and how a caller sends a route's request.
import { expect } from 'vitest';
import {
  ClientInviteResponse,
  Contact,
  DeviceList,
  InvitationCreateResponse,
  PrivacyPreview,
} from '../../../shared/wire/index.js';
import { idToWire, newId } from '../../../shared/crypto/index.js';
import { enrolDevice as enrolDeviceFor } from '../../helpers/devices.js';
import { type RouteSpec } from '../../../server/routes.js';
import { ASSET_NAME } from '../../helpers/app.js';
import { approval } from '../../helpers/browser.js';
import { buildShare, guestPlan, makeFile, randomPlaintext } from '../../helpers/browser-shares.js';
import {
  buildSubmission,
  dropCreateRequest,
  makeDrop,
  proveAddress,
  uploadToDrop,
  type MadeDrop,
} from '../../helpers/drops.js';
import { idOf, inviteAndAccept, type Member } from '../../helpers/office.js';
import { DAY_MS, sendShare, uploadContainer, type SentShare } from '../../helpers/sharing.js';
import { approvalRequest, inviteClient, makeClient } from '../../helpers/clients.js';
import { type Actor } from '../authorization-matrix.js';
import { type Side, type Caller, mail, t, o, side1, callers, table, OUTSIDE_UPLOADER } from './authorization-world.js';

// ---- what each route's request names

interface Request {
  readonly path: string;
  readonly body?: unknown;
}

type Builder = (caller: Caller, actor: Actor) => Promise<Request> | Request;

const empty =
  (path: string): Builder =>
  () => ({ path, body: {} });

export const fixed =
  (path: string): Builder =>
  () => ({ path });

export const RANDOM = () => idToWire(newId());

/** A fresh share of the target's staff member, for requests that end or change it. */
async function freshShare(target: Side, options: { accessCode?: boolean } = {}): Promise<SentShare> {
  return sendShare(o, target.staff, {
    guests: [guestPlan(`vers-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`, options)],
  });
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

/** An open client invitation another member sent (any approved member may resend or withdraw it). */
async function freshClientInvitation(advisor: Member): Promise<string> {
  const res = await advisor.tab.post('/api/v1/clients/invitations', {
    name: 'Uitgenodigde Klant',
    email: `uitgenodigd-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`,
  });
  expect(res.status).toBe(201);
  return ClientInviteResponse.parse(res.body).invitationId;
}

async function freshInvitation(): Promise<string> {
  const res = await o.admin.tab.post('/api/v1/admin/invitations', {
    email: `uitnodiging-${RANDOM().slice(0, 8).toLowerCase()}@kantoor.example`,
    role: 'staff',
  });
  expect(res.status).toBe(201);
  return InvitationCreateResponse.parse(res.body).invitationId;
}

/** A contact in the office's book (office-wide: every member may change any), for requests that change or delete it. */
async function freshContact(): Promise<string> {
  const res = await o.admin.tab.post('/api/v1/contacts', {
    name: 'Contact',
    email: `contact-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`,
    lang: 'nl',
    organisation: null,
  });
  expect(res.status).toBe(201);
  return Contact.parse(res.body).contactId;
}

/** An enrolled device of the side's staff member (made once per side) and its token's id. */
const devices = new Map<Side, Promise<{ deviceId: string; tokenId: string }>>();
function deviceOf(side: Side): Promise<{ deviceId: string; tokenId: string }> {
  let made = devices.get(side);
  if (made === undefined) {
    made = enrolDevice(side.staff);
    devices.set(side, made);
  }
  return made;
}

async function enrolDevice(member: Member): Promise<{ deviceId: string; tokenId: string }> {
  const { claimed } = await enrolDeviceFor(t.app, member, o.office.keys.officeId, t.clock.now(), {
    scopes: ['pull'],
    name: 'Scanner',
  });
  const listed = DeviceList.parse((await member.tab.get('/api/v1/devices')).body).devices[0];
  return { deviceId: claimed.deviceId, tokenId: listed?.tokens[0]?.tokenId ?? '' };
}

/** A running batch of the target's staff member: one item to an outside guest, pending. */
async function freshBatch(target: Side): Promise<{ batchId: string; email: string }> {
  const batchId = RANDOM();
  const email = `lid-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`;
  const res = await target.staff.tab.post('/api/v1/batches', batchRequest(batchId, email));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { batchId, email };
}

function batchRequest(batchId: string, email: string) {
  return {
    batchId,
    // As long as the shares sendShare makes (7 days): a batch's share may not outlive it.
    expiresAt: new Date(t.clock.now() + 7 * DAY_MS).toISOString(),
    sealedPlan: 'A'.repeat(400),
    items: [{ itemNo: 0, email, delivery: 'export' }],
  };
}

/** A batch of the target's staff member whose one item has its share (created, not delivered): redo would succeed for its owner. */
async function batchWithMadeItem(target: Side): Promise<string> {
  const { batchId, email } = await freshBatch(target);
  await sendShare(o, target.staff, {
    guests: [guestPlan(email)],
    editRequest: (request) => ({ ...request, batch: { batchId, itemNo: 0 } }),
  });
  return batchId;
}

/**
 * A share of the caller's own completed upload, to exactly the planned recipient of another
 * member's batch item: only whose batch it is stands in the way.
 */
async function shareForForeignBatch(caller: Caller, actor: Actor): Promise<Request> {
  const { batchId, email } = await freshBatch(caller.target);
  const sender = actor === 'admin' ? o.admin : caller.office ? caller.own?.staff : undefined;
  const file = makeFile(randomPlaintext(500));
  const uploadId = sender === undefined ? RANDOM() : (await uploadContainer(sender.tab, file.container)).uploadId;
  const built = buildShare({
    shareId: newId(),
    sender: (sender ?? side1.staff).account,
    office: o.office,
    files: [{ file, uploadId }],
    accounts: [],
    guests: [guestPlan(email)],
    expiresAt: t.clock.now() + DAY_MS,
  });
  return { path: '/api/v1/shares', body: { ...built.request, batch: { batchId, itemNo: 0 } } };
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

export const BUILDERS: Record<string, Builder> = {
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
  // The POST row runs first (rows run in the matrix's order) and makes the half the GET answers.
  'POST /api/v1/session/keep-half': empty('/api/v1/session/keep-half'),
  'GET /api/v1/session/keep-half': fixed('/api/v1/session/keep-half'),
  'GET /api/v1/sessions': fixed('/api/v1/sessions'),
  'DELETE /api/v1/sessions/:sessionId': (c) => ({ path: `/api/v1/sessions/${c.target.sessionId}` }),
  'POST /api/v1/me/password': empty('/api/v1/me/password'),
  'PUT /api/v1/me/language': empty('/api/v1/me/language'),
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
  "POST /api/v1/shares (own upload, another member's batch item)": (c, actor) => shareForForeignBatch(c, actor),
  'POST /api/v1/batches': () => ({
    path: '/api/v1/batches',
    body: batchRequest(RANDOM(), `nieuw-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`),
  }),
  'GET /api/v1/batches': fixed('/api/v1/batches'),
  'GET /api/v1/batches/:batchId': async (c) => ({ path: `/api/v1/batches/${await batchWithMadeItem(c.target)}` }),
  'POST /api/v1/batches/:batchId/exported': async (c) => ({
    path: `/api/v1/batches/${await batchWithMadeItem(c.target)}/exported`,
    body: { itemNos: [0] },
  }),
  'POST /api/v1/batches/:batchId/items/:itemNo/redo': async (c) => ({
    path: `/api/v1/batches/${await batchWithMadeItem(c.target)}/items/0/redo`,
    body: {},
  }),
  'POST /api/v1/batches/:batchId/cancel': async (c) => ({
    path: `/api/v1/batches/${(await freshBatch(c.target)).batchId}/cancel`,
    body: {},
  }),
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
  'POST /api/v1/shares/:shareId/recipients/:recipientId/mail-link': async (c) => {
    const share = await freshShare(c.target, { accessCode: true });
    const recipientId = idToWire(share.guests[0]!.recipientId);
    // The shape of a guest link's fragment; the server cannot tell its values from real ones.
    return {
      path: `/api/v1/shares/${share.shareId}/recipients/${recipientId}/mail-link`,
      body: { fragment: [RANDOM(), RANDOM(), RANDOM()].map((v) => v.padEnd(43, 'A').slice(0, 43)).join('.') },
    };
  },
  'GET /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices': (c) => ({
    path: `/api/v1/shares/${c.target.share.shareId}/recipients/${idToWire(c.target.guest.recipientId)}/trusted-devices`,
  }),
  'POST /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices/revoke': (c) => ({
    path: `/api/v1/shares/${c.target.share.shareId}/recipients/${idToWire(c.target.guest.recipientId)}/trusted-devices/revoke`,
    body: {},
  }),
  'GET /api/v1/shares/:shareId/files/:fileId': (c) => ({
    path: `/api/v1/shares/${c.target.share.shareId}/files/${shareFile(c.target)}`,
  }),
  'GET /api/v1/links/:linkId': (c) => ({ path: `/api/v1/links/${idToWire(c.target.guest.linkId)}` }),
  'POST /api/v1/links/:linkId/code': async (c) => ({
    path: `/api/v1/links/${idToWire((await freshShare(c.target)).guests[0]!.linkId)}/code`,
    body: {},
  }),
  'POST /api/v1/links/:linkId/verify': async (c) => ({
    path: `/api/v1/links/${idToWire((await freshShare(c.target)).guests[0]!.linkId)}/verify`,
    body: { code: '000000' },
  }),
  'POST /api/v1/links/:linkId/trusted': (c) => ({
    path: `/api/v1/links/${idToWire(c.target.guest.linkId)}/trusted`,
    body: {},
  }),
  'DELETE /api/v1/trusted-device': fixed('/api/v1/trusted-device'),
  'GET /api/v1/links/:linkId/files/:fileId': (c) => ({
    path: `/api/v1/links/${idToWire(c.target.guest.linkId)}/files/${shareFile(c.target)}`,
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
  'POST /api/v1/d/:dropId/trusted': (c) => ({ path: `/api/v1/d/${c.target.personalDropId}/trusted`, body: {} }),
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
  'POST /api/v1/clients/invitations/:invitationId/resend': async (c) => ({
    path: `/api/v1/clients/invitations/${c.office ? await freshClientInvitation(c.target.staff) : RANDOM()}/resend`,
    body: {},
  }),
  'POST /api/v1/clients/invitations/:invitationId/withdraw': async (c) => ({
    path: `/api/v1/clients/invitations/${c.office ? await freshClientInvitation(c.target.staff) : RANDOM()}/withdraw`,
    body: {},
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
  'POST /api/v1/clients/:userId/keys-checked': async (c, actor) => {
    if (!c.office) return { path: `/api/v1/clients/${idOf(c.target.client)}/keys-checked`, body: {} };
    // A client the other side's advisor approved without a check, compared by phone by the caller.
    const waiting = await waitingClient(c.target.staff);
    const advisor = c.target.staff;
    const approved = await advisor.tab.post(
      `/api/v1/clients/${idOf(waiting)}/approve`,
      approvalRequest(o, advisor, waiting, 1, 'unverified').body,
    );
    expect(approved.status, `${actor}: ${JSON.stringify(approved.body)}`).toBe(200);
    return { path: `/api/v1/clients/${idOf(waiting)}/keys-checked`, body: {} };
  },
  // Any member sets a client's advisor (here to the one they have: the side's staff member).
  'POST /api/v1/clients/:userId/advisor': (c) => ({
    path: `/api/v1/clients/${idOf(c.target.client)}/advisor`,
    body: { advisorId: idOf(c.target.staff) },
  }),
  'PUT /api/v1/clients/:userId/reference': (c) => ({
    path: `/api/v1/clients/${idOf(c.target.client)}/reference`,
    body: { reference: `K-${idOf(c.target.client).slice(0, 8)}` },
  }),
  'POST /api/v1/clients/:userId/drop': async (c, actor) => {
    if (!c.office) return { path: `/api/v1/clients/${idOf(c.target.client)}/drop`, body: {} };
    // A client of its own, so the side's client keeps the personal drop the other rows use.
    const renewer = { account: (actor === 'admin' ? o.admin : (c.own ?? side1).staff).account, tab: c.tab };
    const client = await makeClient(
      o,
      c.target.staff,
      `vernieuw-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`,
      'Klant',
    );
    return {
      path: `/api/v1/clients/${idOf(client)}/drop`,
      body: { drop: approvalRequest(o, renewer, client, 2).body.drop },
    };
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
  'GET /api/v1/contacts': fixed('/api/v1/contacts?q=a'),
  'POST /api/v1/contacts': () => ({
    path: '/api/v1/contacts',
    body: {
      name: 'Nieuw',
      email: `c-${RANDOM().slice(0, 8).toLowerCase()}@example.nl`,
      lang: 'en',
      organisation: 'Smit',
    },
  }),
  'PUT /api/v1/contacts/:contactId': async () => ({
    path: `/api/v1/contacts/${await freshContact()}`,
    body: { name: 'Anders', lang: 'en', organisation: null },
  }),
  'DELETE /api/v1/contacts/:contactId': async () => ({ path: `/api/v1/contacts/${await freshContact()}` }),
  // The server only stores the sealed code: any 213 bytes pass its check.
  'PUT /api/v1/contacts/:contactId/code': async () => ({
    path: `/api/v1/contacts/${await freshContact()}/code`,
    body: { sealed: 'A'.repeat(284) },
  }),
  'DELETE /api/v1/contacts/:contactId/code': async () => ({ path: `/api/v1/contacts/${await freshContact()}/code` }),
  'GET /api/v1/recipients/suggestions': fixed('/api/v1/recipients/suggestions?q=a'),
  // Nothing in the body: the device's enrolment is refused for it, whoever sends it.
  'POST /api/v1/devices/enrolments': empty('/api/v1/devices/enrolments'),
  'GET /api/v1/devices/enrolments': fixed('/api/v1/devices/enrolments'),
  // Pending enrolments belong to nobody yet: the empty body is what is refused.
  'POST /api/v1/devices/enrolments/:enrolmentId/approve': () => ({
    path: `/api/v1/devices/enrolments/${RANDOM()}/approve`,
    body: {},
  }),
  'POST /api/v1/devices/enrolments/:enrolmentId/claim': () => ({
    path: `/api/v1/devices/enrolments/${RANDOM()}/claim`,
    body: { time: t.clock.now(), signature: 'A'.repeat(86) },
  }),
  'GET /api/v1/devices': fixed('/api/v1/devices'),
  'PUT /api/v1/devices/:deviceId': async (c) => ({
    path: `/api/v1/devices/${(await deviceOf(c.target)).deviceId}`,
    body: { name: 'Mine now' },
  }),
  'DELETE /api/v1/devices/:deviceId': async (c) => ({
    path: `/api/v1/devices/${(await deviceOf(c.target)).deviceId}`,
  }),
  'POST /api/v1/devices/:deviceId/tokens': async (c) => ({
    path: `/api/v1/devices/${(await deviceOf(c.target)).deviceId}/tokens`,
    body: { label: 'Job', scopes: ['pull'] },
  }),
  'DELETE /api/v1/devices/:deviceId/tokens/:tokenId': async (c) => {
    const device = await deviceOf(c.target);
    return { path: `/api/v1/devices/${device.deviceId}/tokens/${device.tokenId}` };
  },
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
  // No id in the path: the caller's own index (none in this world), never another's.
  'GET /api/v1/me/pin-index': fixed('/api/v1/me/pin-index'),
  'PUT /api/v1/me/pin-index': () => ({ path: '/api/v1/me/pin-index', body: {} }),
  'GET /sw.js': fixed('/sw.js'),
  'GET /assets/*file': fixed(`/assets/${ASSET_NAME}`),
};

// ---- sending a route's request

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export function specOf(route: string): RouteSpec {
  const spec = table.find((candidate) => `${candidate.method} ${candidate.path}` === route);
  if (spec === undefined) throw new Error(`no route ${route}`);
  return spec;
}

export async function send(caller: Caller, spec: RouteSpec, request: Request) {
  const req = caller.tab.raw(spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete', request.path);
  const grant = request.path.startsWith('/api/v1/d/') ? caller.dropGrant : caller.grant;
  if (grant !== undefined) req.set('Authorization', `Bearer ${grant}`);
  if (spec.body === 'json') return req.set('Content-Type', 'application/json').send(JSON.stringify(request.body ?? {}));
  if (spec.body === 'octet-stream')
    return req.set('Content-Type', 'application/octet-stream').send(Buffer.alloc(10, 7));
  if (spec.body === 'multipart') return req.attach('logo', PNG, { filename: 'logo.png', contentType: 'image/png' });
  return req;
}
