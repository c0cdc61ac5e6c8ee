// Client accounts and the client portal (shared/wire/clients.ts), through the real
// endpoints with real crypto, SQLite and SMTP: an advisor invites a client (the link carries the
// office fingerprint), the client accepts, an advisor's browser certifies them (role client,
// never the office keys) and makes their personal drop with its link sealed to them; the office
// sends to the client as to any account; the client's portal uploads through the personal drop
// from its session. And the reason Coffer exists: client A reaches nothing of client B's — every
// id of B's answers A exactly as a random id does — and a client reaches no staff route.
import { describe, expect, it } from 'vitest';
import {
  checkDropKey,
  fromBase64Url,
  idToWire,
  newId,
  officeFingerprint,
  openClientDropLink,
  verifyDropRecord,
  checkClientLinkAgainstRecord,
  toBase64Url,
} from '../../shared/crypto/index.js';
import {
  ClientList,
  DropDetail,
  GrantResponse,
  InvitationLookupResponse,
  Portal,
  PortalUpload,
  PortalUploadList,
  ReceivedList,
  RecipientLookupResponse,
  ShareForRecipient,
  SignedIn,
  ClientInviteResponse,
  UploadCreateResponse,
} from '../../shared/wire/index.js';
import { certify, decryptDownload, makeAccount, makeFile, openAsAccount, randomPlaintext } from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import {
  approveClient,
  CLIENT_PASSWORD,
  makeClient,
  startPortalSession,
  type ClientAccount,
} from '../helpers/clients.js';
import {
  dropCreateRequest,
  dropDetail,
  dropUploads,
  openDropUpload,
  ownerHolder,
  uploadToDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken } from '../helpers/mail-server.js';
import { signIn, type Member } from '../helpers/office.js';
import {
  fetchFile,
  sendShare,
  uploadContainer,
  uploadRequest,
  withStaff,
  type SendingOffice,
} from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

const A_EMAIL = 'klant.a@voorbeeld.nl';
const B_EMAIL = 'klant.b@voorbeeld.nl';

async function office(): Promise<SendingOffice> {
  return withStaff(await suite.office());
}

/** The office with two approved clients, A and B, each invited and approved by the staff member. */
async function twoClients(): Promise<SendingOffice & { a: ClientAccount; b: ClientAccount }> {
  const s = await office();
  const a = await makeClient(s, s.staff, A_EMAIL, 'Bakkerij de Vries');
  const b = await makeClient(s, s.staff, B_EMAIL, 'Garage Jansen');
  return { ...s, a, b };
}

function userRow(s: SendingOffice, email: string) {
  return s.t.db
    .prepare('SELECT role, approval, certificate, sealed_office_keys FROM users WHERE email = ?')
    .get(email) as {
    role: string;
    approval: string;
    certificate: Uint8Array | null;
    sealed_office_keys: Uint8Array | null;
  };
}

/** The status and error code a request answers: what a caller can tell two answers apart by. */
function answerOf(res: { status: number; body: unknown }): { status: number; code: unknown } {
  return { status: res.status, code: (res.body as { error?: { code?: unknown } }).error?.code };
}

describe('client accounts', () => {
  it('an advisor invites a client: the mailed link carries the office fingerprint, the client accepts, waits, and is certified without office keys', async () => {
    const s = await office();
    const invited = await s.staff.tab.post('/api/v1/clients/invitations', {
      name: 'Bakkerij de Vries',
      email: A_EMAIL,
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(ClientInviteResponse.parse(invited.body).delivered).toBe(true);

    // The link: /invite#<token>.<fingerprint of the office signing key>, both in the fragment.
    const mail = await s.mail.latest(A_EMAIL);
    const token = inviteToken(mail);
    const fingerprint = toBase64Url(officeFingerprint(s.office.keys.signing.publicKey));
    expect(mail.text).toContain(`/invite#${token}.${fingerprint}`);

    // The client's page: the office key it is shown has the link's fingerprint.
    const clientTab = tab(s.t.app);
    const lookup = InvitationLookupResponse.parse((await clientTab.post('/api/v1/invitations/lookup', { token })).body);
    expect(lookup).toMatchObject({ kind: 'invitation', role: 'client', email: A_EMAIL, name: 'Bakkerij de Vries' });
    expect(toBase64Url(officeFingerprint(fromBase64Url(lookup.office.signingPublicKey)))).toBe(fingerprint);

    // Listed for the office while invited, then waiting once accepted.
    const listed = ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body).clients;
    expect(listed).toEqual([
      expect.objectContaining({ state: 'invited', name: 'Bakkerij de Vries', email: A_EMAIL, userId: null }),
    ]);
    const account = makeAccount({
      userId: lookup.userId,
      email: A_EMAIL,
      name: 'Bakkerij de Vries',
      password: CLIENT_PASSWORD,
    });
    const accepted = await clientTab.post('/api/v1/invitations/accept', {
      token,
      name: 'Bakkerij de Vries',
      keys: account.wire,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(SignedIn.parse(accepted.body).session.me).toMatchObject({
      role: 'client',
      approval: 'pending',
      mustEnrolTwoFactor: false,
    });
    const client: Member = { account, tab: clientTab };
    expect(ClientList.parse((await s.admin.tab.get('/api/v1/clients')).body).clients).toEqual([
      expect.objectContaining({ state: 'pending', userId: idToWire(account.userId), dropId: null }),
    ]);
    expectError(await clientTab.get('/api/v1/portal'), 403, 'approval_pending');
    expect(userRow(s, A_EMAIL)).toMatchObject({
      role: 'client',
      approval: 'pending',
      certificate: null,
      sealed_office_keys: null,
    });

    // The admin's page cannot approve a client: that would seal the office keys to them.
    expectError(
      await s.admin.tab.post(`/api/v1/admin/users/${idToWire(account.userId)}/approve`, {
        certificate: certify(s.office, account, 'client', 1),
        sealedOfficeKeys: toBase64Url(new Uint8Array(100)),
      }),
      409,
      'wrong_state',
    );

    // A certificate for another role is refused; then the advisor's browser approves.
    const { keys: _k, request } = dropCreateRequest(s, s.staff, {
      label: 'Bakkerij de Vries',
      expiresInMs: 365 * 24 * 3600_000,
    });
    const { email: _e, personal: _p, singleUse: _u, ...dropParts } = request;
    expectError(
      await s.staff.tab.post(`/api/v1/clients/${idToWire(account.userId)}/approve`, {
        certificate: certify(s.office, account, 'staff', 1),
        drop: { ...dropParts, clientLink: toBase64Url(new Uint8Array(194)) },
      }),
      400,
      'invalid_certificate',
    );
    expect(userRow(s, A_EMAIL).approval).toBe('pending');
    const drop = await approveClient(s, s.staff, client);

    // Certified, and no office keys in the row: the database would refuse them anyway.
    const row = userRow(s, A_EMAIL);
    expect(row).toMatchObject({ role: 'client', approval: 'approved', sealed_office_keys: null });
    expect(row.certificate).not.toBeNull();
    expect(() =>
      s.t.db.prepare('UPDATE users SET sealed_office_keys = ? WHERE email = ?').run(new Uint8Array(100), A_EMAIL),
    ).toThrow(/CHECK/);
    await s.t.mailQueue.idle(); // the approval notice goes out in the background
    expect((await s.mail.latest(A_EMAIL)).subject).toContain('klaar');
    expect(ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body).clients).toEqual([
      expect.objectContaining({ state: 'active', dropId: drop.dropId }),
    ]);

    // The portal: the personal drop, whose link only the client's own key opens, and it names the drop's key.
    const portal = Portal.parse((await clientTab.get('/api/v1/portal')).body);
    expect(portal.drop).toMatchObject({
      dropId: drop.dropId,
      title: 'Stukken voor de jaarrekening 2025',
      state: 'active',
    });
    const link = openClientDropLink(
      fromBase64Url(portal.drop!.clientLink!),
      { dropId: drop.keys.dropId, clientId: account.userId },
      account.keys.encryption,
    );
    checkDropKey(drop.keys.dropId, fromBase64Url(portal.drop!.publicKey), link.dropFingerprint);
    expect(toBase64Url(link.dropSecret)).toBe(toBase64Url(drop.keys.secret));
    // With the record the approver signed, and the approver as its creator (protocol §13, "Drop record").
    expect(portal.drop!.creator?.userId).toBe(idToWire(s.staff.account.userId));
    const record = verifyDropRecord(fromBase64Url(portal.drop!.record!), s.staff.account.keys.identity.publicKey, {
      dropId: drop.keys.dropId,
      creatorId: s.staff.account.userId,
      clientId: account.userId,
    });
    checkClientLinkAgainstRecord(record, link);
    // The office's drop list shows it as the approver's personal drop, bound to the client.
    const detail = await dropDetail(s.staff, drop.dropId);
    expect(detail).toMatchObject({
      personal: true,
      singleUse: false,
      email: A_EMAIL,
      ownerId: idToWire(s.staff.account.userId),
    });

    // Approving twice is refused.
    expectError(
      await s.staff.tab.post(`/api/v1/clients/${idToWire(account.userId)}/approve`, {
        certificate: certify(s.office, account, 'client', 2),
        drop: { ...dropParts, clientLink: toBase64Url(new Uint8Array(194)) },
      }),
      409,
      'wrong_state',
    );
  });

  it('does not ask a client for two-factor sign-in when the office requires it of members', async () => {
    const s = await office();
    const a = await makeClient(s, s.staff, A_EMAIL, 'Bakkerij de Vries');
    const settings = await s.admin.tab.put('/api/v1/admin/settings', {
      name: 'Administratiekantoor De Boer',
      requireTwoFactor: true,
      maxExpiryDays: 30,
      retentionDays: 90,
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const { tab: fresh, signedIn } = await signIn(s, a);
    expect(signedIn.session.me).toMatchObject({
      role: 'client',
      approval: 'approved',
      twoFactor: false,
      mustEnrolTwoFactor: false,
    });
    expect((await fresh.get('/api/v1/portal')).status).toBe(200);
    expect((await fresh.get('/api/v1/received')).status).toBe(200);
    // Members are held to it.
    expectError(await s.staff.tab.get('/api/v1/drops'), 403, 'two_factor_required');
  });

  it('refuses an invitation for an address that has an account or an open invitation, and a bad name', async () => {
    const s = await office();
    expectError(
      await s.staff.tab.post('/api/v1/clients/invitations', { name: 'Iemand', email: 'bram@kantoor.example' }),
      409,
      'already_exists',
    );
    expect((await s.staff.tab.post('/api/v1/clients/invitations', { name: 'Klant', email: A_EMAIL })).status).toBe(201);
    expectError(
      await s.staff.tab.post('/api/v1/clients/invitations', { name: 'Klant', email: A_EMAIL }),
      409,
      'already_exists',
    );
    expectError(
      await s.staff.tab.post('/api/v1/clients/invitations', { name: '', email: B_EMAIL }),
      400,
      'invalid_input',
    );
    // The admin's own invitation form still offers members only.
    expectError(
      await s.admin.tab.post('/api/v1/admin/invitations', { email: B_EMAIL, role: 'client' }),
      400,
      'invalid_input',
    );
  });

  it('gives a client re-approved after a reset a new personal drop and closes the old one', async () => {
    const s = await office();
    const a = await makeClient(s, s.staff, A_EMAIL, 'Bakkerij de Vries');
    const reset = await s.admin.tab.post(`/api/v1/admin/users/${idToWire(a.account.userId)}/reset`, {});
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const token = inviteToken(await s.mail.latest(A_EMAIL));
    const again = makeAccount({
      userId: a.account.userId,
      email: A_EMAIL,
      name: 'Bakkerij de Vries',
      password: CLIENT_PASSWORD,
    });
    const clientTab = tab(s.t.app);
    expect(
      (await clientTab.post('/api/v1/invitations/accept', { token, name: 'Bakkerij de Vries', keys: again.wire }))
        .status,
    ).toBe(200);
    const renewed = await approveClient(s, s.admin, { account: again, tab: clientTab });
    expect(renewed.dropId).not.toBe(a.drop.dropId);
    expect(Portal.parse((await clientTab.get('/api/v1/portal')).body).drop?.dropId).toBe(renewed.dropId);
    expect((await dropDetail(s.staff, a.drop.dropId)).state).toBe('closed');
    // …and the closing is in the audit log like any other.
    const closed = s.t.db.prepare("SELECT details FROM audit_log WHERE action = 'drop.closed'").all() as {
      details: string;
    }[];
    expect(closed.map((row) => JSON.parse(row.details) as unknown)).toEqual([{ reason: 'client_reapproved' }]);
  });
});

describe('sending to a client', () => {
  it('finds the approved client as an account; the client is mailed, opens and decrypts with their own key', async () => {
    const s = await twoClients();
    const lookup = RecipientLookupResponse.parse(
      (await s.staff.tab.post('/api/v1/recipients/lookup', { emails: [A_EMAIL] })).body,
    );
    expect(lookup.recipients[0]?.account).toMatchObject({
      userId: idToWire(s.a.account.userId),
      role: 'client',
      name: 'Bakkerij de Vries',
    });
    expect(lookup.recipients[0]?.account?.certificate).toBeDefined();

    const plaintext = randomPlaintext(150_000);
    const sent = await sendShare(s, s.staff, {
      files: [makeFile(plaintext, { name: 'aangifte-2025.pdf' })],
      accounts: [s.a],
    });
    const mail = await s.mail.latest(A_EMAIL);
    expect(mail.text).toContain(`/app/received/${sent.shareId}`);
    expect(mail.text).not.toContain('aangifte');

    const list = ReceivedList.parse((await s.a.tab.get('/api/v1/received')).body);
    expect(list.shares.map((share) => share.shareId)).toEqual([sent.shareId]);
    const share = ShareForRecipient.parse((await s.a.tab.get(`/api/v1/received/${sent.shareId}`)).body);
    // The client's browser checks the sender's certificate against the office key it pinned.
    const { keys, manifest } = openAsAccount(s.a.account, share, s.office.keys.signing.publicKey);
    const fileId = share.files[0]!.fileId;
    const { grant } = GrantResponse.parse((await s.a.tab.post(`/api/v1/received/${sent.shareId}/grant`, {})).body);
    const res = await fetchFile(s.t.app, `/api/v1/received/${sent.shareId}/files/${fileId}`, grant, { who: s.a.tab });
    expect(res.status).toBe(200);
    expect(
      Buffer.from(decryptDownload(keys.get(fileId)!, fileId, new Uint8Array(res.body as Buffer), manifest)),
    ).toEqual(Buffer.from(plaintext));
    expect(ReceivedList.parse((await s.b.tab.get('/api/v1/received')).body).shares).toEqual([]);
  });
});

describe('client A against client B', () => {
  it("answers A's requests for B's share, drop and uploads exactly as for random ids: 404", async () => {
    const s = await twoClients();
    const toB = await sendShare(s, s.staff, { accounts: [s.b] });
    const bFileId = toB.built.request.files[0]!.fileId;
    const { grant: bDownloadGrant } = GrantResponse.parse(
      (await s.b.tab.post(`/api/v1/received/${toB.shareId}/grant`, {})).body,
    );
    // B uploads once (a history item) and has a session with an upload in progress.
    const bFirst = await startPortalSession(s.b);
    const bSubmitted = await uploadToDrop(s.t.app, s.b.drop, bFirst, [makeFile(randomPlaintext(4000))], {
      who: s.b.tab,
    });
    const bGrant = await startPortalSession(s.b);
    const bPending = await uploadContainer(
      s.b.tab,
      makeFile(randomPlaintext(3000)).container,
      dropUploads(s.b.drop.dropId, bGrant),
    );
    // A has a grant of their own.
    const aGrant = await startPortalSession(s.a);

    const random = idToWire(newId());
    const pairs: [
      string,
      () => Promise<{ status: number; body: unknown }>,
      () => Promise<{ status: number; body: unknown }>,
    ][] = [
      [
        'received share',
        () => s.a.tab.get(`/api/v1/received/${toB.shareId}`),
        () => s.a.tab.get(`/api/v1/received/${random}`),
      ],
      [
        'share grant',
        () => s.a.tab.post(`/api/v1/received/${toB.shareId}/grant`, {}),
        () => s.a.tab.post(`/api/v1/received/${random}/grant`, {}),
      ],
      [
        "share file, with B's grant",
        () => fetchFile(s.t.app, `/api/v1/received/${toB.shareId}/files/${bFileId}`, bDownloadGrant, { who: s.a.tab }),
        () => fetchFile(s.t.app, `/api/v1/received/${random}/files/${bFileId}`, bDownloadGrant, { who: s.a.tab }),
      ],
      [
        'portal start of the drop',
        () => s.a.tab.post(`/api/v1/portal/drops/${s.b.drop.dropId}/start`, {}),
        () => s.a.tab.post(`/api/v1/portal/drops/${random}/start`, {}),
      ],
      [
        'history item',
        () => s.a.tab.get(`/api/v1/portal/uploads/${bSubmitted.answer.dropUploadId}`),
        () => s.a.tab.get(`/api/v1/portal/uploads/${random}`),
      ],
      [
        "B's upload in progress, on A's own drop with A's grant",
        () => uploadRequest(s.a.tab, 'get', `/${bPending.uploadId}`, dropUploads(s.a.drop.dropId, aGrant)),
        () => uploadRequest(s.a.tab, 'get', `/${random}`, dropUploads(s.a.drop.dropId, aGrant)),
      ],
      [
        "B's upload in progress, on B's drop with A's grant",
        () => uploadRequest(s.a.tab, 'get', `/${bPending.uploadId}`, dropUploads(s.b.drop.dropId, aGrant)),
        () => uploadRequest(s.a.tab, 'get', `/${random}`, dropUploads(random, aGrant)),
      ],
      [
        "a new upload on B's drop with A's grant",
        () => uploadRequest(s.a.tab, 'post', '', dropUploads(s.b.drop.dropId, aGrant), { size: 100 }),
        () => uploadRequest(s.a.tab, 'post', '', dropUploads(random, aGrant), { size: 100 }),
      ],
      [
        "cancelling B's upload with A's grant",
        () => uploadRequest(s.a.tab, 'delete', `/${bPending.uploadId}`, dropUploads(s.a.drop.dropId, aGrant)),
        () => uploadRequest(s.a.tab, 'delete', `/${random}`, dropUploads(s.a.drop.dropId, aGrant)),
      ],
      [
        "submitting to B's drop with A's grant",
        () =>
          s.a.tab.raw('post', `/api/v1/d/${s.b.drop.dropId}/submit`).set('Authorization', `Bearer ${aGrant}`).send({}),
        () => s.a.tab.raw('post', `/api/v1/d/${random}/submit`).set('Authorization', `Bearer ${aGrant}`).send({}),
      ],
    ];
    for (const [what, theirs, unknown] of pairs) {
      const [b, r] = [answerOf(await theirs()), answerOf(await unknown())];
      expect(b, what).toEqual({ status: 404, code: 'not_found' });
      expect(r, what).toEqual(b);
    }
    // B's things are untouched and still B's.
    expect(
      (await uploadRequest(s.b.tab, 'get', `/${bPending.uploadId}`, dropUploads(s.b.drop.dropId, bGrant))).status,
    ).toBe(200);
    expect(
      PortalUpload.parse((await s.b.tab.get(`/api/v1/portal/uploads/${bSubmitted.answer.dropUploadId}`)).body)
        .receiptCode,
    ).toBe(bSubmitted.receiptCode);
  });

  it('gives a client no staff route (403) and members no portal route (403)', async () => {
    const s = await twoClients();
    const someId = idToWire(newId());
    const staffRoutes: [string, string, unknown?][] = [
      ['get', '/api/v1/directory'],
      ['get', '/api/v1/office/keys'],
      ['post', '/api/v1/recipients/lookup', { emails: [B_EMAIL] }],
      ['get', '/api/v1/shares'],
      ['get', `/api/v1/shares/${someId}`],
      ['post', '/api/v1/shares', {}],
      ['get', '/api/v1/drops'],
      ['get', `/api/v1/drops/${s.b.drop.dropId}`],
      ['post', '/api/v1/drops', {}],
      ['post', '/api/v1/uploads', { size: 100 }],
      ['get', `/api/v1/uploads/${someId}`],
      ['get', '/api/v1/clients'],
      ['get', `/api/v1/clients/${idToWire(s.b.account.userId)}`],
      ['post', '/api/v1/clients/invitations', { name: 'X', email: 'x@voorbeeld.nl' }],
      ['get', '/api/v1/admin/users'],
      ['get', '/api/v1/admin/invitations'],
      ['get', '/api/v1/admin/settings'],
    ];
    for (const [method, path, body] of staffRoutes) {
      const res = method === 'get' ? await s.a.tab.get(path) : await s.a.tab.post(path, body ?? {});
      expect(answerOf(res), `${method} ${path}`).toEqual({ status: 403, code: 'forbidden' });
    }
    for (const member of [s.staff, s.admin]) {
      for (const path of ['/api/v1/portal', '/api/v1/portal/uploads'])
        expectError(await member.tab.get(path), 403, 'forbidden');
      expectError(await member.tab.post(`/api/v1/portal/drops/${s.a.drop.dropId}/start`, {}), 403, 'forbidden');
    }
    expectError(await tab(s.t.app).get('/api/v1/portal'), 401, 'signed_out');
  });

  it("answers the public link routes for a client's personal drop as for an unknown drop", async () => {
    const s = await twoClients();
    const random = idToWire(newId());
    const requests: [string, (dropId: string) => Promise<{ status: number; body: unknown }>][] = [
      ['info', (dropId) => tab(s.t.app).get(`/api/v1/d/${dropId}`)],
      ['code', (dropId) => tab(s.t.app).post(`/api/v1/d/${dropId}/code`, {})],
      ['verify', (dropId) => tab(s.t.app).post(`/api/v1/d/${dropId}/verify`, { code: '123456' })],
      ['start', (dropId) => tab(s.t.app).post(`/api/v1/d/${dropId}/start`, {})],
      // Even the client's own session gets nothing there: the portal is the way in.
      ['start, signed in as the client', (dropId) => s.a.tab.post(`/api/v1/d/${dropId}/start`, {})],
    ];
    for (const [what, send] of requests) {
      const [mine, unknown] = [answerOf(await send(s.a.drop.dropId)), answerOf(await send(random))];
      expect(mine, what).toEqual({ status: 404, code: 'not_found' });
      expect(unknown, what).toEqual(mine);
    }
    // No code was mailed to the client.
    expect(s.mail.to(A_EMAIL).filter((mail) => /code/i.test(mail.subject ?? ''))).toEqual([]);
  });
});

describe('the personal drop', () => {
  it('uploads and submits from the portal; the office opens it; the history lists only the caller’s own uploads', async () => {
    const s = await twoClients();
    const first = makeFile(randomPlaintext(70_000), { name: 'bankafschrift-januari.pdf' });
    const second = makeFile(randomPlaintext(1000), { name: 'loonstrook.pdf' });
    const grant = await startPortalSession(s.a);
    const uploaded = await uploadToDrop(s.t.app, s.a.drop, grant, [first, second], { who: s.a.tab });
    expect(uploaded.answer.receiptCode).toBe(uploaded.receiptCode);
    // A submission uses its grant up.
    expectError(
      await uploadRequest(s.a.tab, 'post', '', dropUploads(s.a.drop.dropId, grant), { size: 100 }),
      401,
      'grant_invalid',
    );
    s.t.clock.advance(60_000);
    const again = await uploadToDrop(
      s.t.app,
      s.a.drop,
      await startPortalSession(s.a),
      [makeFile(randomPlaintext(10))],
      { who: s.a.tab },
    );
    await uploadToDrop(s.t.app, s.b.drop, await startPortalSession(s.b), [makeFile(randomPlaintext(20))], {
      who: s.b.tab,
    });

    // The approver (owner copy) and a colleague (office copy, a takeover) open and decrypt it.
    const detail = await dropDetail(s.staff, s.a.drop.dropId);
    const view = detail.uploads.find((upload) => upload.dropUploadId === uploaded.answer.dropUploadId)!;
    const fetchWith = (member: Member) => async (fileId: string) =>
      new Uint8Array(
        (
          await fetchFile(
            s.t.app,
            `/api/v1/drops/${s.a.drop.dropId}/uploads/${view.dropUploadId}/files/${fileId}`,
            undefined,
            { who: member.tab },
          )
        ).body as Buffer,
      );
    const opened = await openDropUpload(detail, view, ownerHolder(s.staff.account), fetchWith(s.staff));
    expect(opened.receiptCode).toBe(uploaded.receiptCode);
    expect(opened.files.map((file) => file.name).sort()).toEqual(['bankafschrift-januari.pdf', 'loonstrook.pdf']);
    const byAdmin = DropDetail.parse((await s.admin.tab.get(`/api/v1/drops/${s.a.drop.dropId}`)).body);
    const viaOffice = await openDropUpload(
      byAdmin,
      view,
      { holderId: s.office.keys.officeId, keys: s.office.keys.encryption, copy: 'office' },
      fetchWith(s.admin),
    );
    expect(Buffer.from(viaOffice.files.find((file) => file.name === 'loonstrook.pdf')!.plaintext)).toEqual(
      Buffer.from(second.plaintext),
    );
    // The advisor was told, without a name.
    const told = await s.mail.latest('bram@kantoor.example');
    expect(told.text).not.toContain('bankafschrift');

    // History: A's two uploads, newest first, with files, sizes and receipt codes; nothing of B's.
    const history = PortalUploadList.parse((await s.a.tab.get('/api/v1/portal/uploads')).body).uploads;
    expect(history.map((item) => item.dropUploadId)).toEqual([again.answer.dropUploadId, uploaded.answer.dropUploadId]);
    expect(history[1]).toEqual({
      dropUploadId: uploaded.answer.dropUploadId,
      receivedAt: uploaded.answer.receivedAt,
      files: 2,
      bytes: 71_000,
      status: 'received',
      receiptCode: uploaded.receiptCode,
    });
    expect(PortalUploadList.parse((await s.b.tab.get('/api/v1/portal/uploads')).body).uploads).toHaveLength(1);
    // The office marks one rejected: the client sees that status.
    expect(
      (await s.staff.tab.post(`/api/v1/drops/${s.a.drop.dropId}/uploads/${again.answer.dropUploadId}/reject`, {}))
        .status,
    ).toBe(204);
    expect(
      PortalUpload.parse((await s.a.tab.get(`/api/v1/portal/uploads/${again.answer.dropUploadId}`)).body).status,
    ).toBe('rejected');
  });

  it('answers 410 to the client once their drop was closed', async () => {
    const s = await twoClients();
    expect((await s.staff.tab.post(`/api/v1/drops/${s.a.drop.dropId}/close`, {})).status).toBe(204);
    expectError(await s.a.tab.post(`/api/v1/portal/drops/${s.a.drop.dropId}/start`, {}), 410, 'drop_closed');
    expect(Portal.parse((await s.a.tab.get('/api/v1/portal')).body).drop?.state).toBe('closed');
  });

  it("ends a client's portal upload grant when the account is disabled or reset, not a day later", async () => {
    const s = await twoClients();
    const file = makeFile(randomPlaintext(1000));
    for (const [client, action] of [
      [s.a, 'disable'],
      [s.b, 'reset'],
    ] as const) {
      const grant = await startPortalSession(client);
      const before = await uploadRequest(tab(s.t.app), 'post', '', dropUploads(client.drop.dropId, grant), {
        size: file.container.length,
      });
      expect(before.status).toBe(201);
      const res = await s.admin.tab.post(`/api/v1/admin/users/${idToWire(client.account.userId)}/${action}`, {});
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      expectError(
        await uploadRequest(tab(s.t.app), 'post', '', dropUploads(client.drop.dropId, grant), {
          size: file.container.length,
        }),
        401,
        'grant_invalid',
      );
      expectError(
        await uploadRequest(
          tab(s.t.app),
          'get',
          `/${UploadCreateResponse.parse(before.body).uploadId}`,
          dropUploads(client.drop.dropId, grant),
        ),
        401,
        'grant_invalid',
      );
    }
  });

  it('lets an unapproved client reach nothing: no portal, no received shares', async () => {
    const s = await office();
    await s.staff.tab.post('/api/v1/clients/invitations', { name: 'Klant', email: A_EMAIL });
    const token = inviteToken(await s.mail.latest(A_EMAIL));
    const clientTab = tab(s.t.app);
    const lookup = InvitationLookupResponse.parse((await clientTab.post('/api/v1/invitations/lookup', { token })).body);
    const account = makeAccount({ userId: lookup.userId, email: A_EMAIL, name: 'Klant', password: CLIENT_PASSWORD });
    expect(
      (await clientTab.post('/api/v1/invitations/accept', { token, name: 'Klant', keys: account.wire })).status,
    ).toBe(200);
    expectError(await clientTab.get('/api/v1/portal'), 403, 'approval_pending');
    expectError(await clientTab.get('/api/v1/received'), 403, 'approval_pending');
    expectError(await clientTab.get('/api/v1/directory'), 403, 'forbidden');
    // Not approved, so not a recipient yet: the lookup shows no certificate, and a share to them is refused.
    const found = RecipientLookupResponse.parse(
      (await s.staff.tab.post('/api/v1/recipients/lookup', { emails: [A_EMAIL] })).body,
    ).recipients[0];
    expect(found?.account?.role).toBe('client');
    expect(found?.account?.certificate).toBeUndefined();
    await sendShare(s, s.staff, { accounts: [{ account, tab: clientTab }], status: 400 });
  });
});
