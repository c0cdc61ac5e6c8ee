// The client portal and the reason Coffer exists: client A reaches nothing of client B's (every
// id of B's answers A exactly as a random id does) and a client reaches no staff route; the
// client's portal uploads through the personal drop from its session.
import { describe, expect, it } from 'vitest';
import { fromBase64Url, idFromWire, idToWire, newId, openUploadNames } from '../../shared/crypto/index.js';
import {
  DropDetail,
  GrantResponse,
  InvitationLookupResponse,
  Portal,
  PortalUpload,
  PortalUploadList,
  RecipientLookupResponse,
  UploadCreateResponse,
} from '../../shared/wire/index.js';
import { makeAccount } from '../helpers/browser.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { CLIENT_PASSWORD, startPortalSession } from '../helpers/clients.js';
import {
  buildSubmission,
  dropDetail,
  dropUploads,
  makeDrop,
  openDropUpload,
  ownerHolder,
  submit,
  uploadToDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken } from '../helpers/mail-server.js';
import { type Member } from '../helpers/office.js';
import { fetchFile, sendShare, uploadContainer, uploadRequest } from '../helpers/sharing.js';
import { clientsSuite, A_EMAIL, B_EMAIL } from './support/clients.js';
import { exportOf } from './support/privacy.js';

const { office, twoClients } = clientsSuite();

/** The status and error code a request answers: what a caller can tell two answers apart by. */
function answerOf(res: { status: number; body: unknown }): { status: number; code: unknown } {
  return { status: res.status, code: (res.body as { error?: { code?: unknown } }).error?.code };
}

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
      dropId: s.a.drop.dropId,
      names: null,
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

  it('returns a names record only to the client who uploaded it, never to the office; a drop link cannot store one', async () => {
    const s = await twoClients();
    const files = [
      makeFile(randomPlaintext(5000), { name: 'jaaropgave-2025.pdf' }),
      makeFile(randomPlaintext(300), { name: 'loonstrook-maart.pdf' }),
    ];
    const aKeys = { userId: s.a.account.userId, keys: s.a.account.keys };
    const uploaded = await uploadToDrop(s.t.app, s.a.drop, await startPortalSession(s.a), files, {
      who: s.a.tab,
      namesFor: aKeys,
    });
    const bUploaded = await uploadToDrop(
      s.t.app,
      s.b.drop,
      await startPortalSession(s.b),
      [makeFile(randomPlaintext(10), { name: 'btw-aangifte.pdf' })],
      { who: s.b.tab, namesFor: { userId: s.b.account.userId, keys: s.b.account.keys } },
    );

    // A's history carries A's record, which opens with A's keys for this drop, upload and client.
    const mine = PortalUpload.parse((await s.a.tab.get(`/api/v1/portal/uploads/${uploaded.answer.dropUploadId}`)).body);
    expect(mine.names).toBe(uploaded.submission.body.clientNames);
    const binding = {
      dropId: idFromWire(s.a.drop.dropId),
      uploadId: idFromWire(uploaded.answer.dropUploadId),
      clientId: s.a.account.userId,
    };
    expect(openUploadNames(fromBase64Url(mine.names ?? ''), binding, s.a.account.keys)).toEqual([
      { name: 'jaaropgave-2025.pdf', size: 5000 },
      { name: 'loonstrook-maart.pdf', size: 300 },
    ]);
    const listed = PortalUploadList.parse((await s.a.tab.get('/api/v1/portal/uploads')).body).uploads;
    expect(listed.map((upload) => upload.names)).toEqual([mine.names]);
    // B's list holds only B's record; A's upload is 404 to B.
    const bList = PortalUploadList.parse((await s.b.tab.get('/api/v1/portal/uploads')).body).uploads;
    expect(bList.map((upload) => upload.names)).toEqual([bUploaded.submission.body.clientNames]);
    expectError(await s.b.tab.get(`/api/v1/portal/uploads/${uploaded.answer.dropUploadId}`), 404, 'not_found');
    // The office (advisor and admin) sees the upload, but nowhere the client's record.
    for (const member of [s.staff, s.admin]) {
      const text = JSON.stringify((await member.tab.get(`/api/v1/drops/${s.a.drop.dropId}`)).body);
      expect(text).toContain(uploaded.answer.dropUploadId);
      expect(text).not.toContain(mine.names);
      expect(JSON.stringify((await member.tab.get('/api/v1/drops?scope=office')).body)).not.toContain(mine.names);
    }

    // The privacy export says a record is stored, without it (only the client's browser can read it).
    const exported = await exportOf(s.admin.tab, A_EMAIL);
    expect(exported.document.dropUploads).toEqual([
      expect.objectContaining({ dropUploadId: uploaded.answer.dropUploadId, namesRecord: true }),
    ]);
    expect(exported.text).not.toContain(mine.names);

    // Through a drop link nobody is signed in to seal to: a submission with a record is refused, nothing stored.
    const linkDrop = await makeDrop(s, s.staff);
    const grant = GrantResponse.parse((await tab(s.t.app).post(`/api/v1/d/${linkDrop.dropId}/start`, {})).body).grant;
    const file = makeFile(randomPlaintext(100), { name: 'offerte.pdf' });
    const { uploadId } = await uploadContainer(tab(s.t.app), file.container, dropUploads(linkDrop.dropId, grant));
    const submission = buildSubmission(
      { dropId: linkDrop.keys.dropId, publicKey: linkDrop.keys.keyPair.publicKey, secret: linkDrop.keys.secret },
      [{ file, uploadId }],
      { namesFor: aKeys },
    );
    expectError(await submit(s.t.app, linkDrop.dropId, grant, submission.body), 400, 'invalid_input');
    expect((await dropDetail(s.staff, linkDrop.dropId)).uploads).toEqual([]);
    // A record beyond its bounds is refused at the door.
    const portalGrant = await startPortalSession(s.a);
    const { uploadId: bigId } = await uploadContainer(
      s.a.tab,
      file.container,
      dropUploads(s.a.drop.dropId, portalGrant),
    );
    const tooLong = buildSubmission(
      { dropId: s.a.drop.keys.dropId, publicKey: s.a.drop.keys.keyPair.publicKey, secret: s.a.drop.keys.secret },
      [{ file, uploadId: bigId }],
    );
    expectError(
      await submit(
        s.t.app,
        s.a.drop.dropId,
        portalGrant,
        { ...tooLong.body, clientNames: 'A'.repeat(90_000) },
        s.a.tab,
      ),
      400,
      'invalid_input',
    );
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
