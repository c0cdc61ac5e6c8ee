// Shares, creating one: with real crypto, for accounts and guests, and every refusal (nothing
// written, the uploads still usable).
import { describe, expect, it } from 'vitest';
import { idToWire, newId, toBase64Url } from '../../shared/crypto/index.js';
import { ShareDetail, ShareList, UploadStatus, UploadCreateResponse } from '../../shared/wire/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import { makeAccount } from '../helpers/browser.js';
import {
  buildShare,
  guestPlan,
  makeFile,
  randomPlaintext,
  receivingAccount,
  type SharePlan,
} from '../helpers/browser-shares.js';
import { expectError } from '../helpers/expect.js';
import { inviteAndAccept } from '../helpers/office.js';
import { DAY_MS, sendShare, uploadContainer } from '../helpers/sharing.js';
import { staffSuite } from './support/staff-suite.js';

const { office } = staffSuite();

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

    // The account recipient's notification: in their language (Dutch), a link to their page, nothing secret.
    const mail = await s.mail.latest('bram@kantoor.example');
    expect(mail.subject).toContain('Anna de Boer');
    expect(mail.text).toContain(`/app/received/${sent.shareId}`);
    expect(mail.text).toContain('Goedendag');
    expect(mail.text).not.toContain('Hello');
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
        editManifest: (m) => ({
          ...m,
          recipients: [...m.recipients, { kind: 'guest', recipientId: newId(), linkCommitment: new Uint8Array(32) }],
        }),
      },
      400,
      'invalid_manifest',
    );
    // A new share in format 1 (guest entries without link commitments): only format 3 is accepted.
    await attempt(
      {
        ...base,
        editManifest: (m) => ({
          ...m,
          format: 1,
          recipients: m.recipients.map((r) => (r.kind === 'guest' ? { kind: 'guest', recipientId: r.recipientId } : r)),
        }),
      },
      400,
      'invalid_manifest',
    );
    // Nor format 2, whose link commitments are over the raw access code (a browser from before format 3).
    await attempt({ ...base, editManifest: (m) => ({ ...m, format: 2 }) }, 400, 'invalid_manifest');
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
