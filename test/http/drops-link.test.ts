// Drops from the link holder's side: the page (which changes nothing), the e-mail code rules of a
// bound drop, and an open drop that mails only its owner and is rate limited.
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../shared/crypto/index.js';
import { DropList, DropPublicInfo } from '../../shared/wire/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { tab } from '../helpers/client.js';
import {
  buildSubmission,
  dropDetail,
  dropUploads,
  makeDrop,
  openDropPage,
  openDropUpload,
  openLabel,
  proveAddress,
  submit,
  uploadToDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { codeFromMail, signInAgain, uploadContainer, uploadRequest } from '../helpers/sharing.js';
import { HOUR_MS, counts, auditActions, downloadAs, asOffice, files } from './support/drops.js';
import { staffSuite } from './support/staff-suite.js';

const { suite, office } = staffSuite();

const MINUTE_MS = 60 * 1000;

describe('a bound drop', () => {
  it('reads without changing anything; the client proves the address, uploads and gets a receipt; a colleague opens the files', async () => {
    const s = await office();
    const email = 'jan@bakkerij.example';
    const drop = await makeDrop(s, s.staff, { email, label: 'Bakkerij de Vries – 2025' });
    const client = tab(s.t.app);

    // Opening the link (twice, as a mail scanner might) changes nothing and sends nothing.
    const before = counts(s.t.db);
    const mailsBefore = suite.mail.messages.length;
    const row = () => s.t.db.prepare('SELECT * FROM drops').get();
    const rowBefore = row();
    const { info } = await openDropPage(s.t.app, drop.link, client);
    await openDropPage(s.t.app, drop.link, client);
    expect(info).toEqual({
      dropId: drop.dropId,
      title: drop.request.title,
      instructions: drop.request.instructions,
      publicKey: drop.request.publicKey,
      bound: true,
      maskedEmail: 'j***@bakkerij.example',
      locked: false,
      unlocked: false,
      trusted: false,
      trustedDeviceDays: 30,
      singleUse: false,
      maxFiles: 10,
      maxTotalBytes: 100 * 1024 * 1024,
      maxFileBytes: s.t.config.maxFileMib * 1024 * 1024,
      expiresAt: drop.request.expiresAt,
    });
    expect(counts(s.t.db)).toEqual(before);
    expect(row()).toEqual(rowBefore);
    expect(suite.mail.messages.length).toBe(mailsBefore);

    // Without proof: no upload. The code goes to the bound address only.
    expectError(await client.post(`/api/v1/d/${drop.dropId}/start`, {}), 409, 'wrong_state');
    expectError(
      await uploadRequest(client, 'post', '', { base: `/api/v1/d/${drop.dropId}/uploads` }, { size: 1000 }),
      401,
      'grant_invalid',
    );
    const grant = await proveAddress(s.t.app, suite.mail, drop.dropId, email, client);
    const codeMail = suite.mail.to(email).at(-1)!;
    expect(suite.mail.messages.length).toBe(mailsBefore + 1);
    // No language sent with the request: the office's (Dutch).
    expect(codeMail.text).toContain('Goedendag');
    expect(codeMail.text).not.toContain('Hello');

    const sent = files(70_000, 12);
    const { answer, receiptCode } = await uploadToDrop(s.t.app, drop, grant, sent, { receiptMail: true, who: client });
    expect(answer).toMatchObject({ receiptCode, receiptMailed: true });
    // The grant is used up: one session, one submission.
    expectError(
      await uploadRequest(client, 'post', '', dropUploads(drop.dropId, grant), { size: 1000 }),
      401,
      'grant_invalid',
    );

    // The receipt (to the proven address) and the owner's notice: no names, no label, no D.
    const receipt = await suite.mail.latest(email);
    expect(receipt.text).toContain(receiptCode);
    expect(receipt.text).toContain('68,4 KB');
    expect(receipt.text).not.toContain('68.4 KB');
    const notice = await suite.mail.latest(s.staff.account.email);
    expect(notice.text).toContain(`/app/drops/${drop.dropId}`);
    expect(notice.text).toContain('2 bestanden');
    for (const mail of [codeMail, receipt, notice]) {
      for (const secret of [
        'loonstrook',
        'geheim',
        'Bakkerij de Vries',
        'Zie bijlage',
        toBase64Url(drop.keys.secret),
        drop.link.split('#')[1]!,
      ]) {
        expect(mail.text, secret).not.toContain(secret);
        expect(mail.subject, secret).not.toContain(secret);
      }
    }

    // The colleague (admin) opens the office copies: the names, the contents and the same receipt code.
    const detail = await dropDetail(s.admin, drop.dropId);
    expect(detail).toMatchObject({
      uploadCount: 1,
      codeConfirmedAt: expect.any(String) as unknown,
      codeRequestedAt: expect.any(String) as unknown,
    });
    expect(openLabel(detail, asOffice(s))).toBe('Bakkerij de Vries – 2025');
    const upload = detail.uploads[0]!;
    expect(upload).toMatchObject({ dropUploadId: answer.dropUploadId, rejectedAt: null, receiptMailed: true });
    expect(upload.files.map((f) => f.size)).toEqual(sent.map((f) => f.container.length));
    const opened = await openDropUpload(detail, upload, asOffice(s), async (fileId) => {
      const res = await downloadAs(s, s.admin, drop.dropId, upload.dropUploadId, fileId);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileId}.coffer"`);
      return new Uint8Array(res.body as Buffer);
    });
    expect(opened.receiptCode).toBe(receiptCode);
    expect(opened.files.map((f) => f.name)).toEqual(['loonstrook-1-geheim.pdf', 'loonstrook-2-geheim.pdf']);
    expect(Buffer.from(opened.files[0]!.plaintext).equals(Buffer.from(sent[0]!.plaintext))).toBe(true);

    // Range: every request that serves bytes is in the audit log, a resume too (drop-download-audit.test.ts).
    const fileId = upload.files[0]!.fileId;
    const part = await downloadAs(s, s.admin, drop.dropId, upload.dropUploadId, fileId, 'bytes=10-19');
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${sent[0]!.container.length}`);
    expect(Buffer.from(part.body as Buffer).equals(Buffer.from(sent[0]!.container.subarray(10, 20)))).toBe(true);
    const beyond = await downloadAs(
      s,
      s.admin,
      drop.dropId,
      upload.dropUploadId,
      fileId,
      `bytes=${sent[0]!.container.length}-`,
    );
    expectError(beyond, 416, 'bad_request');
    expect(beyond.headers['content-range']).toBe(`bytes */${sent[0]!.container.length}`);

    const actions = auditActions(s.t.db);
    for (const action of [
      'drop.created',
      'drop.code_requested',
      'drop.code_confirmed',
      'drop.uploaded',
      'drop.takeover',
      'drop.downloaded',
    ])
      expect(actions).toContain(action);
    expect(actions.filter((a) => a === 'drop.downloaded')).toHaveLength(3);
    expect(verifyChain(s.t.db).ok).toBe(true);
    // The audit log and the request log hold no id of the link, no name, no label, no code, no grant.
    const audit = JSON.stringify(s.t.db.prepare('SELECT * FROM audit_log').all(), (_k, v: unknown) =>
      v instanceof Uint8Array ? toBase64Url(v) : v,
    );
    const logs = s.t.logs.text();
    const code = /^\s+(\d{6})\s*$/m.exec(codeMail.text ?? '')![1]!;
    for (const secret of [
      drop.dropId,
      toBase64Url(drop.keys.secret),
      'loonstrook',
      'Bakkerij',
      email,
      grant,
      code,
      upload.files[0]!.fileId,
    ]) {
      expect(audit, `audit: ${secret}`).not.toContain(secret);
      expect(logs, `log: ${secret}`).not.toContain(secret);
    }
    expect(logs).toContain('"route":"/api/v1/d/:dropId/uploads/:uploadId/parts/:index"');
  });

  it('keeps the e-mail code rules of shares: 5 tries a code, once, 10 minutes, 6 an hour; 10 wrong in all lock it until the owner unlocks', async () => {
    const s = await office();
    const email = 'piet@klant.example';
    const drop = await makeDrop(s, s.staff, { email });
    const client = tab(s.t.app);
    const codePath = `/api/v1/d/${drop.dropId}/code`;
    const verifyPath = `/api/v1/d/${drop.dropId}/verify`;
    const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    // The code mail is accepted by the mail server before the request answers.
    const mailed = async () => codeFromMail(suite.mail, email, suite.mail.to(email).length);

    expect((await client.post(codePath, {})).status).toBe(200);
    const first = await mailed();
    for (let i = 0; i < 5; i++) {
      const res = expectError(await client.post(verifyPath, { code: wrong(first) }), 401, 'invalid_credentials');
      expect(res.error.triesLeft).toBe(4 - i);
    }
    // The sixth try fails even with the right code, and says to ask for a new one.
    expectError(await client.post(verifyPath, { code: first }), 401, 'code_spent');

    expect((await client.post(codePath, {})).status).toBe(200);
    const second = await mailed();
    expect((await client.post(verifyPath, { code: second })).status).toBe(200);
    // Single use.
    expectError(await client.post(verifyPath, { code: second }), 401, 'code_spent');

    // Six codes an hour.
    for (let i = 3; i <= 6; i++) {
      expect((await client.post(codePath, {})).status).toBe(200);
      await mailed();
    }
    const seventh = await client.post(codePath, {});
    expectError(seventh, 429, 'rate_limited');
    expect(Number(seventh.headers['retry-after'])).toBeGreaterThan(0);

    // Ten minutes.
    s.t.clock.advance(61 * MINUTE_MS);
    expect((await client.post(codePath, {})).status).toBe(200);
    const late = await mailed();
    s.t.clock.advance(11 * MINUTE_MS);
    expectError(await client.post(verifyPath, { code: late }), 401, 'code_spent');

    // Five wrong so far (tries of a spent code count nothing); five more lock the drop, and the owner is told.
    expect((await client.post(codePath, {})).status).toBe(200);
    const last = await mailed();
    const ownerMails = suite.mail.to(s.staff.account.email).length;
    for (let i = 0; i < 4; i++)
      expectError(await client.post(verifyPath, { code: wrong(last) }), 401, 'invalid_credentials');
    expectError(await client.post(verifyPath, { code: wrong(last) }), 423, 'drop_locked');
    await s.t.mailQueue.idle(); // alerts to the office go through the mail queue
    expect(suite.mail.to(s.staff.account.email)).toHaveLength(ownerMails + 1);
    expect((await suite.mail.latest(s.staff.account.email)).text).toContain('p***@klant.example');
    expectError(await client.post(verifyPath, { code: last }), 423, 'drop_locked');
    expectError(await client.post(codePath, {}), 423, 'drop_locked');
    expect(DropPublicInfo.parse((await client.get(`/api/v1/d/${drop.dropId}`)).body).locked).toBe(true);
    await signInAgain(s, s.staff);
    expect(DropList.parse((await s.staff.tab.get('/api/v1/drops')).body).drops[0]).toMatchObject({ locked: true });

    // The owner (or a colleague) unlocks; unlocking an unlocked drop is a state error.
    expect((await s.staff.tab.post(`/api/v1/drops/${drop.dropId}/unlock`, {})).status).toBe(204);
    expectError(await s.staff.tab.post(`/api/v1/drops/${drop.dropId}/unlock`, {}), 409, 'wrong_state');
    // The upload page says the office unlocked it, until a new code is asked for.
    expect(DropPublicInfo.parse((await client.get(`/api/v1/d/${drop.dropId}`)).body)).toMatchObject({
      locked: false,
      unlocked: true,
    });
    await proveAddress(s.t.app, suite.mail, drop.dropId, email, client);
    expect(DropPublicInfo.parse((await client.get(`/api/v1/d/${drop.dropId}`)).body).unlocked).toBe(false);

    const actions = auditActions(s.t.db);
    expect(actions.filter((a) => a === 'drop.code_wrong')).toHaveLength(10);
    for (const action of ['drop.code_requested', 'drop.code_confirmed', 'drop.locked', 'drop.unlocked'])
      expect(actions).toContain(action);
    expectError(await client.post(verifyPath, { code: '12345' }), 400, 'invalid_input');
  });
});

describe('an open drop', () => {
  it('mails nobody but its owner, and is rate limited per client address and per drop', async () => {
    const s = await office({ TRUST_PROXY: '1' });
    const drop = await makeDrop(s, s.staff);
    const mailsBefore = suite.mail.messages.length;
    const from = (ip: string) =>
      tab(s.t.app).raw('post', `/api/v1/d/${drop.dropId}/start`).set('X-Forwarded-For', ip).send({});

    // No code can be asked for; the whole flow, receipt included, mails nobody (the owner neither).
    expectError(await tab(s.t.app).post(`/api/v1/d/${drop.dropId}/code`, {}), 409, 'wrong_state');
    const info = DropPublicInfo.parse((await tab(s.t.app).get(`/api/v1/d/${drop.dropId}`)).body);
    expect(info).toMatchObject({ bound: false, locked: false });
    expect(info.maskedEmail).toBeUndefined();
    const grant = grantOf(await from('198.51.100.1'));
    const sent = files(100);
    const uploaded = await uploadContainer(tab(s.t.app), sent[0]!.container, dropUploads(drop.dropId, grant));
    const withReceipt = buildSubmission(
      { dropId: drop.keys.dropId, publicKey: drop.keys.keyPair.publicKey, secret: drop.keys.secret },
      [{ file: sent[0]!, uploadId: uploaded.uploadId }],
      { receiptMail: true },
    );
    expectError(await submit(s.t.app, drop.dropId, grant, withReceipt.body), 400, 'invalid_input');
    const plain = buildSubmission(
      { dropId: drop.keys.dropId, publicKey: drop.keys.keyPair.publicKey, secret: drop.keys.secret },
      [{ file: sent[0]!, uploadId: uploaded.uploadId }],
    );
    // Nobody but the owner is mailed: the arrival notice (counts and size, no name), once the queue is idle.
    expect((await submit(s.t.app, drop.dropId, grant, plain.body)).status).toBe(201);
    await s.t.mailQueue.idle();
    expect(
      suite.mail.messages.slice(mailsBefore).map((m) => m.to?.map((to) => ('address' in to ? to.address : ''))),
    ).toEqual([[s.staff.account.email]]);

    // Per address: 10 sessions an hour (one used above), then 429 with Retry-After.
    for (let i = 0; i < 9; i++) expect((await from('198.51.100.1')).status).toBe(200);
    const limited = await from('198.51.100.1');
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address still may, until the drop's own limit (60 an hour, refused ones counted) is reached.
    for (let i = 2; i <= 50; i++) expect((await from(`198.51.100.${i}`)).status, `address ${i}`).toBe(200);
    expectError(await from('198.51.100.51'), 429, 'rate_limited');
    // A different drop is not affected; an hour later the first takes sessions again.
    const other = await makeDrop(s, s.staff);
    expect(
      (
        await tab(s.t.app)
          .raw('post', `/api/v1/d/${other.dropId}/start`)
          .set('X-Forwarded-For', '198.51.100.52')
          .send({})
      ).status,
    ).toBe(200);
    s.t.clock.advance(HOUR_MS);
    expect((await from('198.51.100.1')).status).toBe(200);
    await s.t.mailQueue.idle();
    expect(suite.mail.messages.length).toBe(mailsBefore + 1);
  });
});

function grantOf(res: { status: number; body: unknown }): string {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { grant: string }).grant;
}
