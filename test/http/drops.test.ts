// Drops (shared/wire/drops.ts, server/drops): creating one with real crypto and every refusal;
// the link holder's page (which changes nothing), the e-mail code rules of a bound drop, an
// open drop that never mails and is rate limited; limits refused before a byte is stored; 410
// for closed and expired drops; 404 for every foreign id, in paths and in bodies; a colleague
// who gets only sealed bytes for another member's label; rejecting an upload made without D;
// deleting; and the sweeper destroying what expired, checked on the disk and the raw database.
import { describe, expect, it } from 'vitest';
import {
  ciphertextLengthOf,
  DecryptError,
  fromBase64Url,
  idFromWire,
  idToWire,
  newId,
  openDropLabel,
  openDropSecrets,
  randomBytes,
  verifyMemberCertificate,
  toBase64Url,
  type DropSecret,
} from '../../shared/crypto/index.js';
import {
  DropDetail,
  DropList,
  DropPublicInfo,
  ErrorBody,
  OfficeKeysResponse,
  UploadCreateResponse,
  UploadStatus,
  DropCreateResponse,
} from '../../shared/wire/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import type { Db } from '../../server/kernel/db/open.js';
import { makeFile, openSealedOfficeKeys, randomPlaintext, type PreparedFile } from '../helpers/browser.js';
import { tab, type Tab } from '../helpers/client.js';
import { makeClient } from '../helpers/clients.js';
import {
  buildSubmission,
  CLIENT_EMAIL,
  dropDetail,
  dropUploads,
  makeDrop,
  openDropPage,
  openDropUpload,
  openLabel,
  ownerHolder,
  proveAddress,
  startOpenDrop,
  submit,
  uploadToDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { approve, inviteAndAccept, type Member, type Office } from '../helpers/office.js';
import {
  binary,
  codeFromMail,
  DAY_MS,
  fetchFile,
  putPart,
  signInAgain,
  uploadContainer,
  uploadRequest,
  withStaff,
  type SendingOffice,
} from '../helpers/sharing.js';
import { filesIn, rawDatabase, sweeperOf, walBytes } from '../helpers/storage.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

async function office(env: Record<string, string> = {}): Promise<SendingOffice> {
  return withStaff(await suite.office(env));
}

const TABLES = [
  'drops',
  'drop_sessions',
  'drop_codes',
  'drop_uploads',
  'drop_files',
  'uploads',
  'upload_parts',
  'audit_log',
  'rate_limits',
] as const;
function counts(db: Db): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number]),
  );
}

/**
 * Whether the raw database holds any 32-byte window of `secret` (stride 16). A row longer than
 * a page spills into overflow pages, which can cut a value in two; a window still shows it.
 */
function holdsAnyOf(raw: Buffer, secret: Uint8Array): boolean {
  for (let at = 0; at + 32 <= secret.length; at += 16)
    if (raw.includes(Buffer.from(secret.subarray(at, at + 32)))) return true;
  return false;
}

function auditActions(db: Db): string[] {
  return db.prepare("SELECT action FROM audit_log WHERE action LIKE 'drop.%' ORDER BY seq").pluck().all() as string[];
}

/** The container of a drop file as a member downloads it. */
async function downloadAs(
  o: Office,
  member: Member,
  dropId: string,
  dropUploadId: string,
  fileId: string,
  range?: string,
) {
  return fetchFile(o.t.app, `/api/v1/drops/${dropId}/uploads/${dropUploadId}/files/${fileId}`, undefined, {
    who: member.tab,
    ...(range !== undefined ? { range } : {}),
  });
}

/** A member's browser opening an upload of a drop with the office key. */
function asOffice(o: Office) {
  return { holderId: o.office.keys.officeId, keys: o.office.keys.encryption, copy: 'office' as const };
}

function files(...sizes: number[]): PreparedFile[] {
  return sizes.map((size, i) =>
    makeFile(randomPlaintext(size), { name: `loonstrook-${i + 1}-geheim.pdf`, message: 'Zie bijlage, groet Jan' }),
  );
}

describe('creating a drop', () => {
  it('stores opaque sealed bytes; the owner and the office list it; the owner opens the label and shows the link again', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, { email: CLIENT_EMAIL, label: 'Bakkerij de Vries' });
    expect(drop.res.body).toEqual({ dropId: drop.dropId, expiresAt: drop.request.expiresAt });

    const mine = DropList.parse((await s.staff.tab.get('/api/v1/drops')).body).drops;
    expect(mine.map((d) => d.dropId)).toEqual([drop.dropId]);
    expect(mine[0]).toMatchObject({
      ownerName: 'Bram Jansen',
      state: 'active',
      personal: false,
      singleUse: false,
      email: CLIENT_EMAIL,
      maxFiles: 10,
      uploadCount: 0,
      lastUploadAt: null,
      locked: false,
      label: drop.request.label,
    });
    // The admin made none, but sees the office's (takeover).
    expect(DropList.parse((await s.admin.tab.get('/api/v1/drops?scope=mine')).body).drops).toEqual([]);
    expect(
      DropList.parse((await s.admin.tab.get('/api/v1/drops?scope=office')).body).drops.map((d) => d.dropId),
    ).toEqual([drop.dropId]);
    expectError(await s.admin.tab.get('/api/v1/drops?scope=everyone'), 400, 'invalid_input');

    // What the owner's browser needs: its own copies open with its own key; the link is the same.
    const detail = await dropDetail(s.staff, drop.dropId);
    expect(detail.secrets).toEqual(drop.request.secrets);
    expect(detail.publicKey).toBe(drop.request.publicKey);
    // The signed record is stored as it came and served with the owner's certificate (protocol §13).
    expect(detail.record).toBe(drop.request.record);
    expect(detail.creator?.userId).toBe(idToWire(s.staff.account.userId));
    expect(detail.creator?.encryptionKeySignature).toBe(s.staff.account.wire.encryptionKeySignature);
    const certified = verifyMemberCertificate(
      s.office.keys.signing.publicKey,
      fromBase64Url(detail.creator!.certificate),
    );
    expect(toBase64Url(certified.identityPublicKey)).toBe(toBase64Url(s.staff.account.keys.identity.publicKey));
    expect(openLabel(detail, ownerHolder(s.staff.account))).toBe('Bakkerij de Vries');
    const reopened = openDropSecrets(
      fromBase64Url(detail.secrets!.owner),
      { dropId: drop.keys.dropId, holderId: s.staff.account.userId },
      s.staff.account.keys.encryption,
    );
    expect(toBase64Url(reopened.secret)).toBe(toBase64Url(drop.keys.secret));
    expect(drop.link.endsWith(toBase64Url(reopened.secret))).toBe(true);

    expect(auditActions(s.t.db)).toEqual(['drop.created']);
    // The owner opening their own drop is no takeover; a colleague opening it is.
    await dropDetail(s.admin, drop.dropId);
    expect(auditActions(s.t.db)).toEqual(['drop.created', 'drop.takeover']);
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const s = await office();
    const before = counts(s.t.db);
    const now = s.t.clock.now();
    const refusals: [Parameters<typeof makeDrop>[2], number, string, string[]?][] = [
      [{ expiresInMs: -1 }, 400, 'invalid_input', ['expiresAt']],
      [{ expiresInMs: 31 * DAY_MS }, 400, 'invalid_input', ['expiresAt']],
      [{ personal: true }, 400, 'invalid_input', ['email']],
      [{ personal: true, email: CLIENT_EMAIL, singleUse: true }, 400, 'invalid_input', ['singleUse']],
      [{ personal: true, email: CLIENT_EMAIL, expiresInMs: 366 * DAY_MS }, 400, 'invalid_input', ['expiresAt']],
      [{ maxFiles: 0 }, 400, 'invalid_input', ['maxFiles']],
      [{ maxFiles: 101 }, 400, 'invalid_input', ['maxFiles']],
      [{ maxTotalBytes: s.t.config.quotaMib * 1024 * 1024 + 1 }, 400, 'invalid_input', ['maxTotalBytes']],
      [{ title: 'two\nlines' }, 400, 'invalid_input', ['title']],
      [{ title: '   ' }, 400, 'invalid_input', ['title']],
      [{ instructions: 'x'.repeat(2001) }, 400, 'invalid_input', ['instructions']],
      [{ email: 'not an address' }, 400, 'invalid_input', ['email']],
      [
        { edit: (r) => ({ ...r, secrets: { ...r.secrets, office: r.secrets.office.slice(0, -4) } }) },
        400,
        'invalid_input',
        ['secrets.office'],
      ],
      [
        { edit: (r) => ({ ...r, label: { ...r.label, owner: toBase64Url(randomBytes(300)) } }) },
        400,
        'invalid_input',
        ['label.owner'],
      ],
      [{ edit: (r) => ({ ...r, publicKey: 'A'.repeat(42) + 'B' }) }, 400, 'invalid_input', ['publicKey']],
      [{ edit: (r) => ({ ...r, expiresAt: 'tomorrow' }) }, 400, 'invalid_input', ['expiresAt']],
    ];
    for (const [options, status, code, fields] of refusals) {
      const res = (await makeDrop(s, s.staff, { ...options, status })).res;
      expectError(res, status, code);
      if (fields) expect(ErrorBody.parse(res.body).error.fields, JSON.stringify(options)).toEqual(fields);
    }
    expectError(
      await s.staff.tab.raw('post', '/api/v1/drops').set('Content-Type', 'application/json').send('{"dropId":'),
      400,
      'malformed_json',
    );
    expect(counts(s.t.db)).toEqual(before);

    // A personal drop may run up to a year (the office's share maximum is 30 days); an id is used once.
    const personal = await makeDrop(s, s.staff, { personal: true, email: CLIENT_EMAIL, expiresInMs: 365 * DAY_MS });
    expect(Date.parse(DropCreateResponse.parse(personal.res.body).expiresAt)).toBe(now + 365 * DAY_MS);
    expectError(
      (await makeDrop(s, s.admin, { edit: (r) => ({ ...r, dropId: personal.dropId }), status: 409 })).res,
      409,
      'already_exists',
    );
    expect(s.t.logs.text()).not.toContain('unexpected error');
  });
});

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
    expect(codeMail.text).toContain('Goedendag');
    expect(codeMail.text).toContain('Hello');

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
    expect(receipt.text).toContain('68.4 KB');
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

  it('keeps the e-mail code rules of shares: 5 tries a code, once, 10 minutes, 3 an hour; 10 wrong in all lock it until the owner unlocks', async () => {
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
    for (let i = 0; i < 5; i++)
      expectError(await client.post(verifyPath, { code: wrong(first) }), 401, 'invalid_credentials');
    // The sixth try fails even with the right code.
    expectError(await client.post(verifyPath, { code: first }), 401, 'invalid_credentials');

    expect((await client.post(codePath, {})).status).toBe(200);
    const second = await mailed();
    expect((await client.post(verifyPath, { code: second })).status).toBe(200);
    // Single use.
    expectError(await client.post(verifyPath, { code: second }), 401, 'invalid_credentials');

    // Three codes an hour.
    expect((await client.post(codePath, {})).status).toBe(200);
    await mailed();
    const fourth = await client.post(codePath, {});
    expectError(fourth, 429, 'rate_limited');
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);

    // Ten minutes.
    s.t.clock.advance(61 * MINUTE_MS);
    expect((await client.post(codePath, {})).status).toBe(200);
    const late = await mailed();
    s.t.clock.advance(11 * MINUTE_MS);
    expectError(await client.post(verifyPath, { code: late }), 401, 'invalid_credentials');

    // Eight wrong so far; two more lock the drop, and the owner is told.
    expect((await client.post(codePath, {})).status).toBe(200);
    const last = await mailed();
    const ownerMails = suite.mail.to(s.staff.account.email).length;
    expectError(await client.post(verifyPath, { code: wrong(last) }), 401, 'invalid_credentials');
    expectError(await client.post(verifyPath, { code: wrong(last) }), 423, 'drop_locked');
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
    await proveAddress(s.t.app, suite.mail, drop.dropId, email, client);

    const actions = auditActions(s.t.db);
    expect(actions.filter((a) => a === 'drop.code_wrong')).toHaveLength(10);
    for (const action of ['drop.code_requested', 'drop.code_confirmed', 'drop.locked', 'drop.unlocked'])
      expect(actions).toContain(action);
    expectError(await client.post(verifyPath, { code: '12345' }), 400, 'invalid_input');
  });
});

describe('an open drop', () => {
  it('sends no mail at all, and is rate limited per client address and per drop', async () => {
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
    // A submission answers only once its mails (owner notice, receipt) were handed to the mail
    // server, so when the 201 is here nothing of it can still be on its way.
    expect((await submit(s.t.app, drop.dropId, grant, plain.body)).status).toBe(201);
    expect(suite.mail.messages.length).toBe(mailsBefore);

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
    expect(suite.mail.messages.length).toBe(mailsBefore);
  });
});

function grantOf(res: { status: number; body: unknown }): string {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { grant: string }).grant;
}

describe('limits', () => {
  it('refuses an over-size or over-count upload before any byte is stored', async () => {
    const s = await office({ MAX_FILE_MIB: '1' });
    const drop = await makeDrop(s, s.staff, { maxFiles: 2, maxTotalBytes: 10_000 });
    const grant = await startOpenDrop(s.t.app, drop.dropId);
    const target = dropUploads(drop.dropId, grant);
    const client = tab(s.t.app);
    const create = (plaintext: number) =>
      uploadRequest(client, 'post', '', target, { size: makeFile(randomPlaintext(plaintext)).container.length });
    const stored = () => ({
      uploads: filesIn(s, 'uploads').length,
      blobs: filesIn(s, 'blobs').length,
      rows: counts(s.t.db).uploads,
    });

    expect((await create(6_000)).status).toBe(201);
    const after = stored();
    expect(after).toEqual({ uploads: 1, blobs: 0, rows: 1 });
    // 6,000 + 5,000 plaintext bytes pass the 10,000 the drop takes.
    expectError(await create(5_000), 413, 'drop_too_large');
    expect(stored()).toEqual(after);
    const second = await create(4_000);
    expect(second.status).toBe(201);
    // A third file passes the two the drop takes.
    expectError(await create(1), 413, 'drop_too_many_files');
    expect(stored()).toEqual({ uploads: 2, blobs: 0, rows: 2 });
    // The office's own per-file limit (MAX_FILE_MIB) holds for drops too; a size that is no container is refused.
    expectError(
      await uploadRequest(client, 'post', '', target, { size: ciphertextLengthOf(1024 * 1024 + 1) }),
      413,
      'quota_exceeded',
    );
    expectError(await uploadRequest(client, 'post', '', target, { size: 5 }), 400, 'invalid_input');
    expect(stored()).toEqual({ uploads: 2, blobs: 0, rows: 2 });
    // Cancelling one frees its room.
    const { uploadId } = UploadCreateResponse.parse(second.body);
    expect((await uploadRequest(client, 'delete', `/${uploadId}`, target)).status).toBe(204);
    expect((await create(3_000)).status).toBe(201);
    expect(stored()).toEqual({ uploads: 2, blobs: 0, rows: 2 });
  });

  it('counts a member’s drops against their storage quota', async () => {
    const s = await office({ QUOTA_MIB: '1' });
    const drop = await makeDrop(s, s.staff, { maxTotalBytes: 1024 * 1024 });
    const size = makeFile(randomPlaintext(600 * 1024)).container.length;
    const first = await startOpenDrop(s.t.app, drop.dropId);
    expect((await uploadRequest(tab(s.t.app), 'post', '', dropUploads(drop.dropId, first), { size })).status).toBe(201);
    const second = await startOpenDrop(s.t.app, drop.dropId);
    expectError(
      await uploadRequest(tab(s.t.app), 'post', '', dropUploads(drop.dropId, second), { size }),
      507,
      'quota_exceeded',
    );
    expect(filesIn(s, 'uploads')).toHaveLength(1);
    // A small file fits; once the owner's own uploads take the rest, it no longer does.
    const small = { size: makeFile(randomPlaintext(10)).container.length };
    expect((await uploadRequest(tab(s.t.app), 'post', '', dropUploads(drop.dropId, second), small)).status).toBe(201);
    expect((await s.staff.tab.post('/api/v1/uploads', { size })).status).toBe(201);
    expectError(
      await uploadRequest(tab(s.t.app), 'post', '', dropUploads(drop.dropId, second), small),
      507,
      'quota_exceeded',
    );
  });
});

describe('closed and expired drops', () => {
  it('answer 410 to link holders (a single-use drop closes after its submission); the office still sees and opens what arrived', async () => {
    const s = await office();
    const once = await makeDrop(s, s.staff, { singleUse: true });
    const early = await startOpenDrop(s.t.app, once.dropId);
    const pending = await uploadContainer(tab(s.t.app), files(50)[0]!.container, dropUploads(once.dropId, early));
    const grant = await startOpenDrop(s.t.app, once.dropId);
    const sent = files(300);
    const { answer } = await uploadToDrop(s.t.app, once, grant, sent);
    // Closed by its use: the other session's unsubmitted upload went at once.
    expectError(await tab(s.t.app).get(`/api/v1/d/${once.dropId}`), 410, 'drop_closed');
    expectError(await tab(s.t.app).post(`/api/v1/d/${once.dropId}/start`, {}), 410, 'drop_closed');
    expectError(
      await uploadRequest(tab(s.t.app), 'get', `/${pending.uploadId}`, dropUploads(once.dropId, early)),
      410,
      'drop_closed',
    );
    expect(s.t.db.prepare('SELECT count(*) FROM uploads').pluck().get()).toBe(0);
    expect(filesIn(s, 'blobs')).toHaveLength(1);
    const detail = await dropDetail(s.staff, once.dropId);
    expect(detail).toMatchObject({ state: 'closed', uploadCount: 1 });
    const opened = await openDropUpload(detail, detail.uploads[0]!, ownerHolder(s.staff.account), async (fileId) => {
      const res = await downloadAs(s, s.staff, once.dropId, answer.dropUploadId, fileId);
      return new Uint8Array(res.body as Buffer);
    });
    expect(Buffer.from(opened.files[0]!.plaintext).equals(Buffer.from(sent[0]!.plaintext))).toBe(true);
    expectError(await s.staff.tab.post(`/api/v1/drops/${once.dropId}/close`, {}), 410, 'drop_closed');

    // Closed by a member (a colleague: audited as a takeover): every link-holder route answers 410.
    const bound = await makeDrop(s, s.staff, { email: 'closed@klant.example' });
    const boundGrant = await proveAddress(s.t.app, suite.mail, bound.dropId, 'closed@klant.example');
    expect((await s.admin.tab.post(`/api/v1/drops/${bound.dropId}/close`, {})).status).toBe(204);
    for (const res of [
      await tab(s.t.app).get(`/api/v1/d/${bound.dropId}`),
      await tab(s.t.app).post(`/api/v1/d/${bound.dropId}/code`, {}),
      await tab(s.t.app).post(`/api/v1/d/${bound.dropId}/verify`, { code: '123456' }),
      await uploadRequest(tab(s.t.app), 'post', '', dropUploads(bound.dropId, boundGrant), { size: 1000 }),
      await submit(s.t.app, bound.dropId, boundGrant, {
        dropUploadId: idToWire(newId()),
        manifest: 'AAAA',
        files: [],
        receiptMail: false,
      }),
    ]) {
      expectError(res, 410, 'drop_closed');
    }

    // Expired: 410 drop_expired; the office still has it.
    const expiring = await makeDrop(s, s.staff, { expiresInMs: HOUR_MS });
    const expiringGrant = await startOpenDrop(s.t.app, expiring.dropId);
    s.t.clock.advance(HOUR_MS);
    expectError(await tab(s.t.app).get(`/api/v1/d/${expiring.dropId}`), 410, 'drop_expired');
    expectError(await tab(s.t.app).post(`/api/v1/d/${expiring.dropId}/start`, {}), 410, 'drop_expired');
    expectError(
      await uploadRequest(tab(s.t.app), 'post', '', dropUploads(expiring.dropId, expiringGrant), { size: 1000 }),
      410,
      'drop_expired',
    );
    await signInAgain(s, s.staff);
    expect((await dropDetail(s.staff, expiring.dropId)).state).toBe('expired');
    expectError(await s.staff.tab.post(`/api/v1/drops/${expiring.dropId}/close`, {}), 410, 'drop_expired');

    // An unknown drop is 404, not 410.
    const unknown = idToWire(newId());
    expectError(await tab(s.t.app).get(`/api/v1/d/${unknown}`), 404, 'not_found');
    expectError(await tab(s.t.app).post(`/api/v1/d/${unknown}/start`, {}), 404, 'not_found');
    expectError(await tab(s.t.app).post(`/api/v1/d/${unknown}/code`, {}), 404, 'not_found');
    expectError(await tab(s.t.app).get('/api/v1/d/not-an-id'), 404, 'not_found');
    expectError(await s.staff.tab.get(`/api/v1/drops/${unknown}`), 404, 'not_found');
    expectError(await s.staff.tab.post(`/api/v1/drops/${unknown}/close`, {}), 404, 'not_found');

    const actions = auditActions(s.t.db);
    expect(actions.filter((a) => a === 'drop.closed')).toHaveLength(2);
    expect(actions).toContain('drop.takeover');
  });
});

describe('everything about a drop', () => {
  it('is 404 for every foreign id, in paths and in bodies, and writes nothing', async () => {
    const s = await office();
    const a = await makeDrop(s, s.staff);
    const b = await makeDrop(s, s.staff);
    const grantA = await startOpenDrop(s.t.app, a.dropId);
    const grantB = await startOpenDrop(s.t.app, b.dropId);
    const [file] = files(200);
    const inA = await uploadContainer(tab(s.t.app), file!.container, dropUploads(a.dropId, grantA));
    const own = await uploadContainer(s.staff.tab, file!.container);

    // A grant names its drop and its session: on another drop it gives no right, refused before
    // any lookup with the 404 of a missing object.
    expectError(
      await uploadRequest(tab(s.t.app), 'get', `/${inA.uploadId}`, dropUploads(b.dropId, grantA)),
      404,
      'not_found',
    );
    // Another session's upload, a member's own upload: 404 like an unknown one, on every route.
    for (const uploadId of [inA.uploadId, own.uploadId, idToWire(newId())]) {
      const target = dropUploads(b.dropId, grantB);
      expectError(await uploadRequest(tab(s.t.app), 'get', `/${uploadId}`, target), 404, 'not_found');
      expectError(await putPart(tab(s.t.app), uploadId, 0, file!.container, target), 404, 'not_found');
      expectError(await uploadRequest(tab(s.t.app), 'post', `/${uploadId}/complete`, target, {}), 404, 'not_found');
      expectError(await uploadRequest(tab(s.t.app), 'delete', `/${uploadId}`, target), 404, 'not_found');
    }
    // A drop session's upload is not the owner's either.
    expectError(await s.staff.tab.get(`/api/v1/uploads/${inA.uploadId}`), 404, 'not_found');
    expectError(await s.staff.tab.delete(`/api/v1/uploads/${inA.uploadId}`), 404, 'not_found');

    // Inside a submission body: another session's upload or a member's own is 404, and nothing is written.
    const before = counts(s.t.db);
    const drop = { dropId: b.keys.dropId, publicKey: b.keys.keyPair.publicKey, secret: b.keys.secret };
    for (const uploadId of [inA.uploadId, own.uploadId]) {
      expectError(
        await submit(s.t.app, b.dropId, grantB, buildSubmission(drop, [{ file: file!, uploadId }]).body),
        404,
        'not_found',
      );
    }
    expect(counts(s.t.db)).toEqual(before);

    // The office's routes: an upload of drop A under drop B, a file of another upload: 404.
    const { answer } = await uploadToDrop(s.t.app, a, await startOpenDrop(s.t.app, a.dropId), files(10));
    const detailA = await dropDetail(s.staff, a.dropId);
    const fileId = detailA.uploads[0]!.files[0]!.fileId;
    expectError(await downloadAs(s, s.staff, b.dropId, answer.dropUploadId, fileId), 404, 'not_found');
    expectError(await downloadAs(s, s.staff, a.dropId, answer.dropUploadId, idToWire(newId())), 404, 'not_found');
    expectError(await downloadAs(s, s.staff, a.dropId, idToWire(newId()), fileId), 404, 'not_found');
    expectError(
      await s.staff.tab.post(`/api/v1/drops/${b.dropId}/uploads/${answer.dropUploadId}/reject`, {}),
      404,
      'not_found',
    );
    expectError(await s.staff.tab.delete(`/api/v1/drops/${b.dropId}/uploads/${answer.dropUploadId}`), 404, 'not_found');
    expect((await dropDetail(s.staff, a.dropId)).uploads).toHaveLength(1);
  });

  it('is closed to everyone outside the office: the same answer for a real drop as for none, and never its data', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, { email: CLIENT_EMAIL });
    const { answer } = await uploadToDrop(
      s.t.app,
      drop,
      await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL),
      files(10),
    );
    const fileId = (await dropDetail(s.staff, drop.dropId)).uploads[0]!.files[0]!.fileId;
    const client = await makeClient(s, s.staff, 'client@klant.example', 'Klant Jansen');
    const pending = await inviteAndAccept(s, 'nieuw@kantoor.example', 'staff', undefined, 'Nieuwe Collega');
    const stranger = tab(s.t.app);

    const probes = (dropId: string) => [
      (who: Tab) => who.get('/api/v1/drops?scope=office'),
      (who: Tab) => who.get(`/api/v1/drops/${dropId}`),
      (who: Tab) => who.post(`/api/v1/drops/${dropId}/close`, {}),
      (who: Tab) => who.post(`/api/v1/drops/${dropId}/unlock`, {}),
      (who: Tab) => who.delete(`/api/v1/drops/${dropId}/uploads/${answer.dropUploadId}`),
      (who: Tab) => who.post(`/api/v1/drops/${dropId}/uploads/${answer.dropUploadId}/reject`, {}),
      (who: Tab) => binary(who.raw('get', `/api/v1/drops/${dropId}/uploads/${answer.dropUploadId}/files/${fileId}`)),
      (who: Tab) => who.delete(`/api/v1/drops/${dropId}`),
    ];
    const unknown = idToWire(newId());
    for (const [who, status, code] of [
      [client.tab, 403, 'forbidden'],
      [pending.tab, 403, 'approval_pending'],
      [stranger, 401, 'signed_out'],
    ] as const) {
      const real = probes(drop.dropId);
      const none = probes(unknown);
      for (let i = 0; i < real.length; i++) {
        const [onReal, onNone] = [await real[i]!(who), await none[i]!(who)];
        expectError(onReal, status, code);
        expect(onReal.body).toEqual(onNone.body);
        expect(JSON.stringify(onReal.body)).not.toContain(drop.request.title);
      }
    }
    // Nothing was changed by any of them.
    const detail = await dropDetail(s.staff, drop.dropId);
    expect(detail).toMatchObject({ state: 'active', uploadCount: 1 });
    expect(detail.uploads[0]?.rejectedAt).toBeNull();
    // The client's own session opens no drop link rights either: the link routes ignore sessions.
    expectError(await client.tab.post(`/api/v1/d/${drop.dropId}/start`, {}), 409, 'wrong_state');
  });

  it('gives a colleague only sealed bytes of another member’s personal label: the office key opens the office copy, nothing else does', async () => {
    const s = await office();
    const personal = await makeDrop(s, s.staff, {
      personal: true,
      email: CLIENT_EMAIL,
      expiresInMs: 200 * DAY_MS,
      label: 'Familie Jansen – privé',
    });
    expect(personal.res.status).toBe(201);
    const colleague = await inviteAndAccept(s, 'carla@kantoor.example', 'staff', undefined, 'Carla de Wit');
    await approve(s, colleague);

    // The colleague sees the row (takeover), with both label copies sealed: no readable label anywhere.
    const listed = DropList.parse((await colleague.tab.get('/api/v1/drops?scope=office')).body).drops;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ personal: true, ownerName: 'Bram Jansen', label: personal.request.label });
    const detail = await dropDetail(colleague, personal.dropId);
    expect(JSON.stringify(detail)).not.toContain('Jansen – privé');
    const dropId = personal.keys.dropId;
    // Their own key opens neither copy.
    const ownKey = colleague.account.keys.encryption;
    expect(() =>
      openDropLabel(fromBase64Url(detail.label!.owner), { dropId, holderId: s.staff.account.userId }, ownKey),
    ).toThrow(DecryptError);
    expect(() =>
      openDropLabel(fromBase64Url(detail.label!.office), { dropId, holderId: s.office.keys.officeId }, ownKey),
    ).toThrow(DecryptError);
    // With the office key (sealed to them at approval), the office copy opens; the owner's still does not.
    const keys = OfficeKeysResponse.parse((await colleague.tab.get('/api/v1/office/keys')).body);
    const officeKeys = openSealedOfficeKeys(s.office, colleague.account, keys.sealedOfficeKeys);
    expect(openLabel(detail, { holderId: officeKeys.officeId, keys: officeKeys.encryption, copy: 'office' })).toBe(
      'Familie Jansen – privé',
    );
    expect(() =>
      openDropLabel(
        fromBase64Url(detail.label!.owner),
        { dropId, holderId: s.staff.account.userId },
        officeKeys.encryption,
      ),
    ).toThrow(DecryptError);
    // A member without the office key (pending approval) gets no drop at all.
    const pending = await inviteAndAccept(s, 'later@kantoor.example', 'staff', undefined, 'Nog Niet');
    expectError(await pending.tab.get(`/api/v1/drops/${personal.dropId}`), 403, 'approval_pending');
    expectError(await pending.tab.get('/api/v1/office/keys'), 403, 'approval_pending');
    expect(auditActions(s.t.db).filter((a) => a === 'drop.takeover')).toHaveLength(1);
  });

  it('keeps a disabled member’s drops working for the office', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, { email: CLIENT_EMAIL });
    expect((await s.admin.tab.post(`/api/v1/admin/users/${idToWire(s.staff.account.userId)}/disable`, {})).status).toBe(
      204,
    );
    const ownerMails = suite.mail.to(s.staff.account.email).length;
    const sent = files(500);
    const { answer } = await uploadToDrop(
      s.t.app,
      drop,
      await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL),
      sent,
    );
    // Nobody mails a disabled account; the office opens the upload with the office key.
    expect(suite.mail.to(s.staff.account.email)).toHaveLength(ownerMails);
    const detail = await dropDetail(s.admin, drop.dropId);
    const opened = await openDropUpload(detail, detail.uploads[0]!, asOffice(s), async (fileId) => {
      return new Uint8Array((await downloadAs(s, s.admin, drop.dropId, answer.dropUploadId, fileId)).body as Buffer);
    });
    expect(opened.files[0]!.name).toBe('loonstrook-1-geheim.pdf');
  });
});

describe('the office’s inbox', () => {
  it('marks an upload made without D rejected and serves its files no more; deletes an upload and a drop with their blobs at once', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff);
    const grant = await startOpenDrop(s.t.app, drop.dropId);
    // A server (or anyone with only the drop id and key) can seal to the drop key, but cannot MAC without D.
    const [file] = files(100);
    const uploaded = await uploadContainer(tab(s.t.app), file!.container, dropUploads(drop.dropId, grant));
    const forged = buildSubmission(
      { dropId: drop.keys.dropId, publicKey: drop.keys.keyPair.publicKey, secret: randomBytes(32) as DropSecret },
      [{ file: file!, uploadId: uploaded.uploadId }],
    );
    const res = await submit(s.t.app, drop.dropId, grant, forged.body);
    expect(res.status).toBe(201);
    const genuine = await uploadToDrop(s.t.app, drop, await startOpenDrop(s.t.app, drop.dropId), files(100));

    const detail = await dropDetail(s.staff, drop.dropId);
    expect(detail.uploads).toHaveLength(2);
    const injected = detail.uploads.find((u) => u.dropUploadId === forged.body.dropUploadId)!;
    await expect(
      openDropUpload(detail, injected, ownerHolder(s.staff.account), () => Promise.resolve(new Uint8Array())),
    ).rejects.toThrow();
    expect(
      (await s.staff.tab.post(`/api/v1/drops/${drop.dropId}/uploads/${injected.dropUploadId}/reject`, {})).status,
    ).toBe(204);
    expectError(
      await s.staff.tab.post(`/api/v1/drops/${drop.dropId}/uploads/${injected.dropUploadId}/reject`, {}),
      409,
      'wrong_state',
    );
    expectError(
      await downloadAs(s, s.staff, drop.dropId, injected.dropUploadId, injected.files[0]!.fileId),
      409,
      'upload_rejected',
    );
    expect(
      (await dropDetail(s.staff, drop.dropId)).uploads.find((u) => u.dropUploadId === injected.dropUploadId)
        ?.rejectedAt,
    ).toEqual(expect.any(String));

    // Deleting the rejected upload: its blob and rows go at once; the genuine one stays.
    expect(filesIn(s, 'blobs')).toHaveLength(2);
    expect((await s.staff.tab.delete(`/api/v1/drops/${drop.dropId}/uploads/${injected.dropUploadId}`)).status).toBe(
      204,
    );
    expect(filesIn(s, 'blobs')).toHaveLength(1);
    expectError(
      await s.staff.tab.delete(`/api/v1/drops/${drop.dropId}/uploads/${injected.dropUploadId}`),
      404,
      'not_found',
    );
    expect((await dropDetail(s.staff, drop.dropId)).uploads.map((u) => u.dropUploadId)).toEqual([
      genuine.answer.dropUploadId,
    ]);

    // Deleting the drop (with an upload in progress): everything goes, the id is unknown afterwards.
    const inProgress = await startOpenDrop(s.t.app, drop.dropId);
    await uploadRequest(tab(s.t.app), 'post', '', dropUploads(drop.dropId, inProgress), {
      size: file!.container.length,
    });
    expect(filesIn(s, 'uploads')).toHaveLength(1);
    expect((await s.admin.tab.delete(`/api/v1/drops/${drop.dropId}`)).status).toBe(204);
    expect(filesIn(s, 'blobs')).toEqual([]);
    expect(filesIn(s, 'uploads')).toEqual([]);
    for (const table of ['drops', 'drop_sessions', 'drop_uploads', 'drop_files', 'uploads'])
      expect(s.t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    expectError(await tab(s.t.app).get(`/api/v1/d/${drop.dropId}`), 404, 'not_found');
    expectError(await s.staff.tab.get(`/api/v1/drops/${drop.dropId}`), 404, 'not_found');
    const actions = auditActions(s.t.db);
    for (const action of ['drop.upload_rejected', 'drop.upload_deleted', 'drop.deleted'])
      expect(actions).toContain(action);
  });

  it('answers bad input on the link holder’s routes with a clear 4xx, never a 500', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff);
    const grant = await startOpenDrop(s.t.app, drop.dropId);
    const target = dropUploads(drop.dropId, grant);
    const client = tab(s.t.app);
    const [file] = files(100);
    const uploaded = await uploadContainer(client, file!.container, target);
    const keys = { dropId: drop.keys.dropId, publicKey: drop.keys.keyPair.publicKey, secret: drop.keys.secret };
    const good = buildSubmission(keys, [{ file: file!, uploadId: uploaded.uploadId }]).body;
    const before = counts(s.t.db);

    // The grant: missing, malformed, forged, expired-looking.
    expectError(await submit(s.t.app, drop.dropId, '', good), 401, 'grant_invalid');
    expectError(await submit(s.t.app, drop.dropId, 'x.y.z', good), 401, 'grant_invalid');
    expectError(await submit(s.t.app, drop.dropId, `${grant.slice(0, -4)}AAAA`, good), 401, 'grant_invalid');
    // The body.
    for (const [body, field] of [
      [{ ...good, manifest: toBase64Url(randomBytes(200)) }, 'manifest'],
      [{ ...good, dropUploadId: 'short' }, 'dropUploadId'],
      [{ ...good, files: [] }, 'files'],
      [{ ...good, files: [good.files[0], good.files[0]] }, 'files'],
      [{ ...good, files: [{ ...good.files[0], sealedKey: toBase64Url(randomBytes(154)) }] }, 'files.0.sealedKey'],
      [
        { ...good, files: [{ ...good.files[0], sealedMetadata: toBase64Url(randomBytes(10)) }] },
        'files.0.sealedMetadata',
      ],
      [{ ...good, receiptMail: 'yes' }, 'receiptMail'],
    ] as const) {
      const res = await submit(s.t.app, drop.dropId, grant, body);
      expectError(res, 400, 'invalid_input');
      expect(ErrorBody.parse(res.body).error.fields, field).toContain(field);
    }
    expectError(
      await client
        .raw('post', `/api/v1/d/${drop.dropId}/submit`)
        .set('Authorization', `Bearer ${grant}`)
        .set('Content-Type', 'application/json')
        .send('{"files":'),
      400,
      'malformed_json',
    );
    expectError(
      await client
        .raw('post', `/api/v1/d/${drop.dropId}/submit`)
        .set('Authorization', `Bearer ${grant}`)
        .set('Content-Type', 'text/plain')
        .send('hi'),
      415,
      'unsupported_media_type',
    );
    expectError(await client.post(`/api/v1/d/${drop.dropId}/start`, { extra: 1 }), 400, 'invalid_input');
    // The upload routes, as for members.
    expectError(await putPart(client, uploaded.uploadId, 0, file!.container, target), 409, 'upload_incomplete');
    expectError(await uploadRequest(client, 'post', '', target, { size: -1 }), 400, 'invalid_input');
    const created = UploadCreateResponse.parse(
      (await uploadRequest(client, 'post', '', target, { size: file!.container.length })).body,
    );
    expectError(await putPart(client, created.uploadId, 7, file!.container, target), 400, 'invalid_input');
    expectError(
      await putPart(client, created.uploadId, 0, new Uint8Array(file!.container.length + 1), target),
      413,
      'payload_too_large',
    );
    expectError(
      await uploadRequest(client, 'post', `/${created.uploadId}/complete`, target, {}),
      409,
      'upload_incomplete',
    );
    expect(
      UploadStatus.parse((await uploadRequest(client, 'get', `/${created.uploadId}`, target)).body).received,
    ).toEqual([]);
    // An unfinished upload cannot be submitted.
    const unfinished = buildSubmission(keys, [{ file: file!, uploadId: created.uploadId }]).body;
    expectError(await submit(s.t.app, drop.dropId, grant, unfinished), 409, 'upload_incomplete');
    expect(counts(s.t.db)).toMatchObject({ drop_uploads: before.drop_uploads, drop_files: before.drop_files });

    // The good one still goes through, once; its id cannot be used again.
    expect((await submit(s.t.app, drop.dropId, grant, good)).status).toBe(201);
    const again = await startOpenDrop(s.t.app, drop.dropId);
    const second = await uploadContainer(client, file!.container, dropUploads(drop.dropId, again));
    expectError(
      await submit(s.t.app, drop.dropId, again, { ...good, files: [{ ...good.files[0]!, uploadId: second.uploadId }] }),
      409,
      'already_exists',
    );
    expect(s.t.logs.text()).not.toContain('unexpected error');
  });
});

describe('the sweeper', () => {
  it('clears an expired drop, then after the retention removes its blobs, sealed keys and labels from the disk, the database file and its WAL', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, {
      email: CLIENT_EMAIL,
      expiresInMs: 2 * DAY_MS,
      label: 'Te vergeten klant',
    });
    const sent = files(800);
    const { submission } = await uploadToDrop(
      s.t.app,
      drop,
      await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL),
      sent,
    );
    // Left unsubmitted by a second session.
    const open = await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL);
    await uploadContainer(tab(s.t.app), files(30)[0]!.container, dropUploads(drop.dropId, open));
    expect(filesIn(s, 'blobs')).toHaveLength(2);

    const secrets: Record<string, Uint8Array> = {
      'secrets for the owner': fromBase64Url(drop.request.secrets.owner),
      'secrets for the office': fromBase64Url(drop.request.secrets.office),
      'label for the owner': fromBase64Url(drop.request.label.owner),
      'label for the office': fromBase64Url(drop.request.label.office),
      'file key sealed to the drop': fromBase64Url(submission.body.files[0]!.sealedKey),
      'sealed metadata': fromBase64Url(submission.body.files[0]!.sealedMetadata),
      manifest: fromBase64Url(submission.body.manifest),
    };
    const raw = rawDatabase(s);
    for (const [name, bytes] of Object.entries(secrets))
      expect(holdsAnyOf(raw, bytes), `${name} stored before`).toBe(true);

    // Expired: the unsubmitted upload, the sessions and codes go; what arrived stays with the keys that open it.
    s.t.clock.advance(2 * DAY_MS);
    const first = await sweeperOf(s).runOnce();
    expect(first).toMatchObject({ drops: 1, dropUploads: 0 });
    expect(filesIn(s, 'blobs')).toHaveLength(1);
    for (const table of ['drop_sessions', 'drop_codes', 'uploads'])
      expect(s.t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    expect(holdsAnyOf(rawDatabase(s), secrets['secrets for the office']!)).toBe(true);
    expectError(await tab(s.t.app).get(`/api/v1/d/${drop.dropId}`), 410, 'drop_expired');
    expect(await sweeperOf(s).runOnce()).toMatchObject({ drops: 0, dropUploads: 0 });

    // Retention (the admin's setting, here 30 days) ran out: the blob first, then every key and label.
    await signInAgain(s, s.admin);
    const settings = (await s.admin.tab.get('/api/v1/admin/settings')).body as Record<string, unknown>;
    expect(settings.retentionDays).toBe(90);
    expect((await s.admin.tab.put('/api/v1/admin/settings', { ...settings, retentionDays: 30 })).status).toBe(200);
    s.t.clock.advance(27 * DAY_MS);
    expect((await sweeperOf(s).runOnce()).dropUploads).toBe(0);
    s.t.clock.advance(DAY_MS);
    const second = await sweeperOf(s).runOnce();
    expect(second).toMatchObject({ dropUploads: 1, drops: 1 });
    expect(filesIn(s, 'blobs')).toEqual([]);
    const after = rawDatabase(s);
    for (const [name, bytes] of Object.entries(secrets))
      expect(holdsAnyOf(after, bytes), `${name} gone after`).toBe(false);
    expect(walBytes(s).length).toBe(0);

    // History stays: the office sees an expired drop without keys; the link holder still gets 410.
    await signInAgain(s, s.staff);
    const detail = DropDetail.parse((await s.staff.tab.get(`/api/v1/drops/${drop.dropId}`)).body);
    expect(detail).toMatchObject({ state: 'expired', uploadCount: 0, uploads: [], secrets: null, label: null });
    expectError(await tab(s.t.app).get(`/api/v1/d/${drop.dropId}`), 410, 'drop_expired');
    const actions = auditActions(s.t.db);
    for (const action of ['drop.expired', 'drop.swept', 'drop.upload_expired']) expect(actions).toContain(action);
    expect(verifyChain(s.t.db).ok).toBe(true);
    // Idempotent.
    expect(await sweeperOf(s).runOnce()).toMatchObject({ drops: 0, dropUploads: 0, uploads: 0, orphans: 0 });
    expect(idFromWire(detail.dropId)).toEqual(drop.keys.dropId);
  });

  it('never takes a drop’s blobs for orphans', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff);
    await uploadToDrop(s.t.app, drop, await startOpenDrop(s.t.app, drop.dropId), files(100, 200));
    expect(await sweeperOf(s).runOnce()).toMatchObject({ orphans: 0 });
    expect(filesIn(s, 'blobs')).toHaveLength(2);
  });
});
