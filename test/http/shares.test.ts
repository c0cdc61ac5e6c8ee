// Shares, the sender's side and account recipients: creating a share with real crypto and
// every refusal (nothing written), the sender's and the office's view, revoke, extend,
// takeover, the sender's download, recipient lookup, pins, and shares received by an account.
import { describe, expect, it } from 'vitest';
import { idToWire, newId, toBase64Url } from '../../shared/crypto/index.js';
import {
  GrantResponse,
  PinList,
  ReceivedList,
  RecipientLookupResponse,
  ShareDetail,
  ShareForRecipient,
  ShareList,
  UploadStatus,
  UploadCreateResponse,
} from '../../shared/wire/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import {
  buildShare,
  decryptDownload,
  guestPlan,
  makeAccount,
  makeFile,
  openAsAccount,
  randomPlaintext,
  receivingAccount,
  type SharePlan,
} from '../helpers/browser.js';
import { expectError } from '../helpers/expect.js';
import { approve, inviteAndAccept, type Member } from '../helpers/office.js';
import {
  DAY_MS,
  fetchFile,
  guestFilePath,
  sendShare,
  signInAgain,
  uploadContainer,
  withStaff,
  type SendingOffice,
} from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

const TABLES = [
  'shares',
  'share_files',
  'share_recipients',
  'recipient_keys',
  'uploads',
  'audit_log',
  'audit_people',
] as const;
function counts(db: Db): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number]),
  );
}

async function office(): Promise<SendingOffice> {
  return withStaff(await suite.office());
}

describe('creating a share', () => {
  it('stores a share for an account and a guest, mails the account without a secret, and lists it', async () => {
    const s = await office();
    const guest = guestPlan('klant@example.nl');
    const files = [
      makeFile(randomPlaintext(70_000), { name: 'paspoort-scan.pdf' }),
      makeFile(randomPlaintext(3), { name: 'loonstrook.pdf' }),
    ];
    const sent = await sendShare(s, s.admin, {
      files,
      accounts: [s.staff],
      guests: [guest],
      downloadLimit: 3,
      receiptMail: true,
    });
    expect(sent.res.body).toEqual({ shareId: sent.shareId, undelivered: [] });

    // The account recipient's notification: Dutch and English, a link to their page, nothing secret.
    const mail = await s.mail.latest('bram@kantoor.example');
    expect(mail.subject).toContain('Anna de Boer');
    expect(mail.text).toContain(`/app/received/${sent.shareId}`);
    expect(mail.text).toContain('Goedendag');
    expect(mail.text).toContain('Hello');
    for (const secret of [toBase64Url(guest.linkSecret), toBase64Url(guest.serverHalf), 'paspoort', 'loonstrook'])
      expect(mail.text).not.toContain(secret);

    const mine = ShareList.parse((await s.admin.tab.get('/api/v1/shares?scope=mine')).body);
    expect(mine.shares).toHaveLength(1);
    const summary = mine.shares[0];
    expect(summary).toMatchObject({
      shareId: sent.shareId,
      state: 'active',
      downloadLimit: 3,
      downloadsUsed: 0,
      fileCount: 2,
      senderName: 'Anna de Boer',
    });
    expect(
      summary?.recipients.map((r) => [r.kind, r.email, r.name ?? null, r.codeRequestedAt, r.locked, r.deliveryFailed]),
    ).toEqual([
      ['account', 'bram@kantoor.example', 'Bram Jansen', null, false, false],
      ['guest', 'klant@example.nl', null, null, false, false],
    ]);
    // The staff member sent nothing, but sees the office's shares (takeover).
    expect(ShareList.parse((await s.staff.tab.get('/api/v1/shares')).body).shares).toEqual([]);
    expect(
      ShareList.parse((await s.staff.tab.get('/api/v1/shares?scope=office')).body).shares.map((x) => x.shareId),
    ).toEqual([sent.shareId]);
    expectError(await s.admin.tab.get('/api/v1/shares?scope=everyone'), 400, 'invalid_input');

    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.manifest).toBe(sent.built.request.manifest);
    expect(detail.files.map((f) => [f.fileId, f.size, f.sealedMetadata, f.keys?.sender])).toEqual(
      sent.built.request.files.map((f, i) => [f.fileId, files[i]?.container.length, f.sealedMetadata, f.keys.sender]),
    );
    expect(detail.linkSecrets).toEqual([
      {
        recipientId: idToWire(guest.recipientId),
        ...(sent.built.request.recipients[1] as { linkSecret: { sender: string; office: string } }).linkSecret,
      },
    ]);
  });

  it('reports an account recipient whose notification could not be delivered', async () => {
    const s = await office();
    s.mail.refuse.add('bram@kantoor.example');
    try {
      const sent = await sendShare(s, s.admin, { accounts: [s.staff] });
      const recipientId = sent.accountRecipients.get(idToWire(s.staff.account.userId));
      expect(sent.res.body).toEqual({ shareId: sent.shareId, undelivered: [recipientId] });
      expect(
        ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).recipients[0]?.deliveryFailed,
      ).toBe(true);
    } finally {
      s.mail.refuse.delete('bram@kantoor.example');
    }
  });

  it('refuses a bad manifest, keys or expiry with 400 and writes nothing; the uploads stay usable', async () => {
    const s = await office();
    const files = [makeFile(randomPlaintext(1000)), makeFile(randomPlaintext(2000))];
    const uploads = [];
    for (const file of files)
      uploads.push({ file, uploadId: (await uploadContainer(s.admin.tab, file.container)).uploadId });
    const guest = guestPlan('klant@example.nl');
    const base: SharePlan = {
      shareId: newId(),
      sender: s.admin.account,
      office: s.office,
      files: uploads,
      accounts: [{ ...receivingAccount(s.staff.account), recipientId: newId() }],
      guests: [guest],
      expiresAt: s.t.clock.now() + 7 * DAY_MS,
    };
    const attempt = async (
      plan: SharePlan,
      status: number,
      code: string,
      edit?: (request: ReturnType<typeof buildShare>['request']) => unknown,
    ) => {
      const before = counts(s.t.db);
      const request = buildShare(plan).request;
      const res = await s.admin.tab.post('/api/v1/shares', edit ? edit(request) : request);
      expectError(res, status, code);
      expect(counts(s.t.db), code).toEqual(before);
    };
    const someoneElse = makeAccount({ email: 'x@example.nl', name: 'X', password: 'een ander wachtwoord van iemand' });

    // Signed by someone else's key (claiming to be the sender).
    await attempt({ ...base, signer: s.staff.account.keys }, 400, 'invalid_manifest');
    await attempt({ ...base, signer: someoneElse.keys }, 400, 'invalid_manifest');
    // A container hash that is not the server's.
    await attempt(
      { ...base, files: [{ ...uploads[0]!, signedHash: new Uint8Array(32).fill(9) }, uploads[1]!] },
      400,
      'invalid_manifest',
    );
    // A file missing from the manifest.
    await attempt({ ...base, editManifest: (m) => ({ ...m, files: m.files.slice(0, 1) }) }, 400, 'invalid_manifest');
    // A recipient missing from the manifest, or an extra one in it.
    await attempt(
      { ...base, editManifest: (m) => ({ ...m, recipients: m.recipients.filter((r) => r.kind === 'account') }) },
      400,
      'invalid_manifest',
    );
    await attempt(
      {
        ...base,
        editManifest: (m) => ({ ...m, recipients: [...m.recipients, { kind: 'guest', recipientId: newId() }] }),
      },
      400,
      'invalid_manifest',
    );
    // An account recipient with another key's fingerprint.
    await attempt(
      {
        ...base,
        editManifest: (m) => ({
          ...m,
          recipients: m.recipients.map((r) =>
            r.kind === 'account' ? { ...r, identityFingerprint: new Uint8Array(32) } : r,
          ),
        }),
      },
      400,
      'invalid_manifest',
    );
    // Another share's id, or version 2.
    await attempt({ ...base, editManifest: (m) => ({ ...m, shareId: newId() }) }, 400, 'invalid_manifest');
    await attempt({ ...base, editManifest: (m) => ({ ...m, version: 2 }) }, 400, 'invalid_manifest');
    // Sealed metadata that is not what the manifest hashed.
    await attempt(base, 400, 'invalid_manifest', (r) => ({
      ...r,
      files: [{ ...r.files[0]!, sealedMetadata: r.files[1]!.sealedMetadata }, r.files[1]],
    }));
    // Expiry beyond the office's maximum (30 days), or in the past.
    await attempt({ ...base, expiresAt: s.t.clock.now() + 31 * DAY_MS }, 400, 'invalid_input');
    await attempt({ ...base, expiresAt: s.t.clock.now() - 1000 }, 400, 'invalid_input');
    // A recipient without a key for every file.
    await attempt(base, 400, 'invalid_input', (r) => ({
      ...r,
      recipients: r.recipients.map((x) => ({ ...x, keys: x.keys.slice(0, 1) })),
    }));
    // The sender as their own recipient; a member not yet approved; an unknown user.
    await attempt(
      { ...base, accounts: [{ ...receivingAccount(s.admin.account), recipientId: newId() }] },
      400,
      'invalid_input',
    );
    const pending = await inviteAndAccept(s, 'cas@kantoor.example', 'staff', undefined, 'Cas de Vries');
    await attempt(
      { ...base, accounts: [{ ...receivingAccount(pending.account), recipientId: newId() }] },
      400,
      'invalid_input',
    );
    await attempt(
      { ...base, accounts: [{ ...receivingAccount(someoneElse), recipientId: newId() }] },
      400,
      'invalid_input',
    );
    // The same file twice, the same recipient twice.
    await attempt(base, 400, 'invalid_input', (r) => ({ ...r, files: [r.files[0], r.files[0], r.files[1]] }));
    await attempt(base, 400, 'invalid_input', (r) => ({ ...r, recipients: [...r.recipients, r.recipients[1]] }));
    await attempt({ ...base, guests: [guest, { ...guestPlan(guest.email) }] }, 400, 'invalid_input');
    // Malformed: not an id, a manifest that is no envelope.
    await attempt(base, 400, 'invalid_input', (r) => ({ ...r, shareId: 'not an id' }));
    await attempt(base, 400, 'invalid_manifest', (r) => ({ ...r, manifest: toBase64Url(new Uint8Array(100)) }));

    // Nothing was claimed: the uploads are still complete and unused, and the right request works.
    for (const { uploadId } of uploads)
      expect(UploadStatus.parse((await s.admin.tab.get(`/api/v1/uploads/${uploadId}`)).body).completed).toBe(true);
    expect((await s.admin.tab.post('/api/v1/shares', buildShare(base).request)).status).toBe(201);
    // …once: the uploads are taken now.
    expectError(
      await s.admin.tab.post(
        '/api/v1/shares',
        buildShare({ ...base, shareId: newId(), guests: [guestPlan('ander@example.nl')] }).request,
      ),
      404,
      'not_found',
    );
    // And the share id cannot be used again.
    const more = await uploadContainer(s.admin.tab, files[0]!.container);
    const again = buildShare({
      ...base,
      files: [{ file: files[0]!, uploadId: more.uploadId }],
      guests: [guestPlan('derde@example.nl')],
      accounts: [],
    }).request;
    expectError(await s.admin.tab.post('/api/v1/shares', again), 409, 'already_exists');
  });

  it('answers 404 for another user’s upload id inside a share body, and writes nothing', async () => {
    const s = await office();
    const theirs = makeFile(randomPlaintext(1000));
    const theirUpload = await uploadContainer(s.staff.tab, theirs.container);
    const before = counts(s.t.db);
    const request = buildShare({
      shareId: newId(),
      sender: s.admin.account,
      office: s.office,
      // The admin knows the id and even the hash: it is still not theirs.
      files: [{ file: theirs, uploadId: theirUpload.uploadId }],
      accounts: [],
      guests: [guestPlan('klant@example.nl')],
      expiresAt: s.t.clock.now() + DAY_MS,
    }).request;
    expectError(await s.admin.tab.post('/api/v1/shares', request), 404, 'not_found');
    expect(counts(s.t.db)).toEqual(before);
    // Also with a valid upload of the caller's beside it.
    const mine = makeFile(randomPlaintext(1000));
    const myUpload = await uploadContainer(s.admin.tab, mine.container);
    const mixed = buildShare({
      shareId: newId(),
      sender: s.admin.account,
      office: s.office,
      files: [
        { file: mine, uploadId: myUpload.uploadId },
        { file: theirs, uploadId: theirUpload.uploadId },
      ],
      accounts: [],
      guests: [guestPlan('klant@example.nl')],
      expiresAt: s.t.clock.now() + DAY_MS,
    }).request;
    const beforeMixed = counts(s.t.db);
    expectError(await s.admin.tab.post('/api/v1/shares', mixed), 404, 'not_found');
    expect(counts(s.t.db)).toEqual(beforeMixed);
    // Their upload is untouched.
    expect(UploadStatus.parse((await s.staff.tab.get(`/api/v1/uploads/${theirUpload.uploadId}`)).body).completed).toBe(
      true,
    );
  });

  it('refuses an incomplete upload with 409', async () => {
    const s = await office();
    const file = makeFile(randomPlaintext(1000));
    const created = await s.admin.tab.post('/api/v1/uploads', { size: file.container.length });
    const request = buildShare({
      shareId: newId(),
      sender: s.admin.account,
      office: s.office,
      files: [{ file, uploadId: UploadCreateResponse.parse(created.body).uploadId }],
      accounts: [],
      guests: [guestPlan('klant@example.nl')],
      expiresAt: s.t.clock.now() + DAY_MS,
    }).request;
    expectError(await s.admin.tab.post('/api/v1/shares', request), 409, 'upload_incomplete');
  });

  it('takes a body up to 2 MiB on this route only', async () => {
    const s = await office();
    const big = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });
    const res = await s.admin.tab.raw('post', '/api/v1/shares').set('Content-Type', 'application/json').send(big);
    expectError(res, 400, 'invalid_input');
    const tooBig = JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024 + 10) });
    expectError(
      await s.admin.tab.raw('post', '/api/v1/shares').set('Content-Type', 'application/json').send(tooBig),
      413,
      'payload_too_large',
    );
    // Other routes keep 64 KiB.
    expectError(
      await s.admin.tab.raw('post', '/api/v1/recipients/lookup').set('Content-Type', 'application/json').send(big),
      413,
      'payload_too_large',
    );
  });
});

describe("the sender's side", () => {
  it('downloads the sender’s own copy without counting, with the download headers', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin, { downloadLimit: 1 });
    const fileId = sent.built.request.files[0]!.fileId;
    for (let i = 0; i < 2; i++) {
      const res = await fetchFile(s.t.app, `/api/v1/shares/${sent.shareId}/files/${fileId}`, undefined, {
        who: s.admin.tab,
      });
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, Buffer.from(sent.files[0]!.container))).toBe(0);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileId}.coffer"`);
    }
    const ranged = await fetchFile(s.t.app, `/api/v1/shares/${sent.shareId}/files/${fileId}`, undefined, {
      who: s.admin.tab,
      range: 'bytes=0-28',
    });
    expect(ranged.status).toBe(206);
    expect((ranged.body as Buffer).length).toBe(29);
    expect(ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).downloadsUsed).toBe(0);
    expectError(await s.admin.tab.get(`/api/v1/shares/${sent.shareId}/files/${idToWire(newId())}`), 404, 'not_found');
    expectError(await s.admin.tab.get(`/api/v1/shares/${idToWire(newId())}/files/${fileId}`), 404, 'not_found');
  });

  it('revokes: 410 for the sender’s download and the link, history kept, 404 for an unknown id', async () => {
    const s = await office();
    const guest = guestPlan('klant@example.nl');
    const sent = await sendShare(s, s.admin, { guests: [guest] });
    const fileId = sent.built.request.files[0]!.fileId;
    expect((await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {})).status).toBe(204);
    expect(ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body)).toMatchObject({
      state: 'revoked',
    });
    expectError(await s.admin.tab.get(`/api/v1/shares/${sent.shareId}/files/${fileId}`), 410, 'share_revoked');
    expectError(await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {}), 410, 'share_revoked');
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
        expiresAt: new Date(s.t.clock.now() + DAY_MS).toISOString(),
      }),
      410,
      'share_revoked',
    );
    const link = await s.admin.tab.get(`/api/v1/links/${idToWire(guest.recipientId)}`);
    expectError(link, 410, 'share_revoked');
    expectError(await s.admin.tab.post(`/api/v1/links/${idToWire(guest.recipientId)}/code`, {}), 410, 'share_revoked');
    expectError(await fetchFile(s.t.app, guestFilePath(guest, fileId), undefined), 401, 'grant_invalid');
    // An unknown share or recipient is 404, not 410.
    expectError(await s.admin.tab.get(`/api/v1/shares/${idToWire(newId())}`), 404, 'not_found');
    expectError(await s.admin.tab.post(`/api/v1/shares/${idToWire(newId())}/revoke`, {}), 404, 'not_found');
    expectError(await s.admin.tab.get(`/api/v1/links/${idToWire(newId())}`), 404, 'not_found');
  });

  it('extends within the policy only', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin);
    const to = s.t.clock.now() + 20 * DAY_MS;
    expect(
      (await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, { expiresAt: new Date(to).toISOString() }))
        .status,
    ).toBe(204);
    expect(
      Date.parse(ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).expiresAt),
    ).toBe(to);
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
        expiresAt: new Date(s.t.clock.now() + 31 * DAY_MS).toISOString(),
      }),
      400,
      'invalid_input',
    );
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, { expiresAt: 'tomorrow' }),
      400,
      'invalid_input',
    );
    // An expired share cannot be brought back.
    s.t.clock.advance(21 * DAY_MS);
    await signInAgain(s, s.admin);
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
        expiresAt: new Date(s.t.clock.now() + DAY_MS).toISOString(),
      }),
      410,
      'share_expired',
    );
  });

  it('lets a colleague take over (view, download, extend, revoke), each written to the audit log as a takeover', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin);
    const fileId = sent.built.request.files[0]!.fileId;
    expect((await s.staff.tab.get(`/api/v1/shares/${sent.shareId}`)).status).toBe(200);
    expect(
      (await fetchFile(s.t.app, `/api/v1/shares/${sent.shareId}/files/${fileId}`, undefined, { who: s.staff.tab }))
        .status,
    ).toBe(200);
    expect(
      (
        await s.staff.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
          expiresAt: new Date(s.t.clock.now() + DAY_MS).toISOString(),
        })
      ).status,
    ).toBe(204);
    expect((await s.staff.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {})).status).toBe(204);
    const takeovers = s.t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'share.takeover' ORDER BY seq")
      .pluck()
      .all() as string[];
    expect(takeovers.map((d) => (JSON.parse(d) as { action: string }).action)).toEqual([
      'view',
      'download',
      'extend',
      'revoke',
    ]);
    const revoked = s.t.db.prepare("SELECT actor_ref, details FROM audit_log WHERE action = 'share.revoked'").get() as {
      actor_ref: Uint8Array;
      details: string;
    };
    expect(JSON.parse(revoked.details)).toEqual({ takeover: true });
    // The sender's own actions are not takeovers.
    const mine = await sendShare(s, s.admin);
    expect((await s.admin.tab.post(`/api/v1/shares/${mine.shareId}/revoke`, {})).status).toBe(204);
    expect(s.t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'share.takeover'").pluck().get()).toBe(4);
  });
});

describe('recipient lookup', () => {
  it('tells accounts (with keys and certificate) from addresses, and which were never used', async () => {
    const s = await office();
    const pending = await inviteAndAccept(s, 'cas@kantoor.example', 'staff', undefined, 'Cas de Vries');
    await sendShare(s, s.admin, { guests: [guestPlan('oud@example.nl')] });
    const res = await s.staff.tab.post('/api/v1/recipients/lookup', {
      emails: ['Anna@Kantoor.example', 'cas@kantoor.example', 'oud@example.nl', 'nieuw@example.nl'],
    });
    expect(res.status).toBe(200);
    const { recipients } = RecipientLookupResponse.parse(res.body);
    expect(
      recipients.map((r) => [r.email, r.account?.userId ?? null, r.account?.certificate !== undefined, r.seenBefore]),
    ).toEqual([
      ['anna@kantoor.example', idToWire(s.admin.account.userId), true, true],
      ['cas@kantoor.example', idToWire(pending.account.userId), false, true],
      ['oud@example.nl', null, false, true],
      ['nieuw@example.nl', null, false, false],
    ]);
    expect(recipients[0]?.account?.identityPublicKey).toBe(toBase64Url(s.admin.account.keys.identity.publicKey));
    expectError(await s.staff.tab.post('/api/v1/recipients/lookup', { emails: [] }), 400, 'invalid_input');
  });
});

describe('pins', () => {
  it('stores each user’s own pins and hands them only to that user', async () => {
    const s = await office();
    const envelope = (fill: number) => toBase64Url(new Uint8Array(120).fill(fill));
    const subjectId = idToWire(s.staff.account.userId);
    expect((await s.admin.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: envelope(1) })).status).toBe(204);
    expect((await s.admin.tab.put(`/api/v1/me/pins/office/${subjectId}`, { envelope: envelope(2) })).status).toBe(204);
    expect((await s.admin.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: envelope(3) })).status).toBe(204);
    expect(PinList.parse((await s.admin.tab.get('/api/v1/me/pins')).body).pins).toEqual([
      { subject: 'office', subjectId, envelope: envelope(2) },
      { subject: 'user', subjectId, envelope: envelope(3) },
    ]);
    // Another user sees only their own (none), and writes only their own.
    expect(PinList.parse((await s.staff.tab.get('/api/v1/me/pins')).body).pins).toEqual([]);
    expect((await s.staff.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: envelope(4) })).status).toBe(204);
    expect(PinList.parse((await s.admin.tab.get('/api/v1/me/pins')).body).pins[1]?.envelope).toBe(envelope(3));
    expectError(
      await s.admin.tab.put(`/api/v1/me/pins/drop/${subjectId}`, { envelope: envelope(1) }),
      404,
      'not_found',
    );
    expectError(
      await s.admin.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: 'short' }),
      400,
      'invalid_input',
    );
  });
});

describe('shares received by an account', () => {
  async function received(s: SendingOffice, member: Member, shareId: string) {
    const res = await member.tab.get(`/api/v1/received/${shareId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return ShareForRecipient.parse(res.body);
  }

  it('lists them, opens the keys sealed to the caller, and downloads with the session and a grant', async () => {
    const s = await office();
    const plaintext = randomPlaintext(200_000);
    const sent = await sendShare(s, s.admin, { files: [makeFile(plaintext)], accounts: [s.staff], downloadLimit: 2 });
    const list = ReceivedList.parse((await s.staff.tab.get('/api/v1/received')).body);
    expect(list.shares).toEqual([
      {
        shareId: sent.shareId,
        senderName: 'Anna de Boer',
        createdAt: expect.any(String) as unknown,
        expiresAt: expect.any(String) as unknown,
        state: 'active',
        fileCount: 1,
      },
    ]);
    const share = await received(s, s.staff, sent.shareId);
    expect(share.recipientId).toBe(sent.accountRecipients.get(idToWire(s.staff.account.userId)));
    expect(share.downloadsLeft).toBe(2);
    const { keys, manifest } = openAsAccount(s.staff.account, share, s.office.keys.signing.publicKey);
    const fileId = share.files[0]!.fileId;
    const path = `/api/v1/received/${sent.shareId}/files/${fileId}`;
    // The session alone is not enough.
    expectError(await fetchFile(s.t.app, path, undefined, { who: s.staff.tab }), 401, 'grant_invalid');
    const { grant } = GrantResponse.parse((await s.staff.tab.post(`/api/v1/received/${sent.shareId}/grant`, {})).body);
    // The grant alone is not enough either.
    expectError(await fetchFile(s.t.app, path, grant), 401, 'signed_out');
    const res = await fetchFile(s.t.app, path, grant, { who: s.staff.tab });
    expect(res.status).toBe(200);
    expect(
      Buffer.from(decryptDownload(keys.get(fileId)!, fileId, new Uint8Array(res.body as Buffer), manifest)),
    ).toEqual(Buffer.from(plaintext));
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.downloadsUsed).toBe(1);
    expect(detail.recipients[0]?.firstDownloadAt).not.toBeNull();
  });

  it('is 404 for anyone who is not a recipient, and the sender gets no recipient view', async () => {
    const s = await office();
    const other = await inviteAndAccept(s, 'dirk@kantoor.example', 'staff', undefined, 'Dirk Bakker');
    await approve(s, other);
    const sent = await sendShare(s, s.admin, { accounts: [s.staff] });
    const fileId = sent.built.request.files[0]!.fileId;
    const { grant } = GrantResponse.parse((await s.staff.tab.post(`/api/v1/received/${sent.shareId}/grant`, {})).body);
    for (const who of [other.tab, s.admin.tab]) {
      expectError(await who.get(`/api/v1/received/${sent.shareId}`), 404, 'not_found');
      expectError(await who.post(`/api/v1/received/${sent.shareId}/grant`, {}), 404, 'not_found');
      // Even with the recipient's own grant.
      expectError(
        await fetchFile(s.t.app, `/api/v1/received/${sent.shareId}/files/${fileId}`, grant, { who }),
        404,
        'not_found',
      );
    }
    expect(ReceivedList.parse((await other.tab.get('/api/v1/received')).body).shares).toEqual([]);
    expectError(await s.staff.tab.get(`/api/v1/received/${idToWire(newId())}`), 404, 'not_found');
  });

  it('answers 410 to the recipient once the share expired or was revoked', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin, { accounts: [s.staff], expiresInMs: DAY_MS });
    s.t.clock.advance(DAY_MS);
    await signInAgain(s, s.staff);
    await signInAgain(s, s.admin);
    expectError(await s.staff.tab.get(`/api/v1/received/${sent.shareId}`), 410, 'share_expired');
    expectError(await s.staff.tab.post(`/api/v1/received/${sent.shareId}/grant`, {}), 410, 'share_expired');
    expect(ReceivedList.parse((await s.staff.tab.get('/api/v1/received')).body).shares[0]?.state).toBe('expired');
    const revoked = await sendShare(s, s.admin, { accounts: [s.staff] });
    expect((await s.admin.tab.post(`/api/v1/shares/${revoked.shareId}/revoke`, {})).status).toBe(204);
    expectError(await s.staff.tab.get(`/api/v1/received/${revoked.shareId}`), 410, 'share_revoked');
  });
});
