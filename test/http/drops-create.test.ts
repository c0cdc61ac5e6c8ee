// Drops (shared/wire/drops.ts, server/drops), creating one: with real crypto and every refusal,
// and the limits refused before a byte is stored (size, count, a member's storage quota).
import { describe, expect, it } from 'vitest';
import {
  ciphertextLengthOf,
  fromBase64Url,
  idToWire,
  openDropSecrets,
  randomBytes,
  verifyMemberCertificate,
  toBase64Url,
} from '../../shared/crypto/index.js';
import { DropList, ErrorBody, UploadCreateResponse, DropCreateResponse } from '../../shared/wire/index.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import {
  CLIENT_EMAIL,
  dropDetail,
  dropUploads,
  makeDrop,
  openLabel,
  ownerHolder,
  startOpenDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { DAY_MS, uploadRequest } from '../helpers/sharing.js';
import { filesIn } from '../helpers/storage.js';
import { counts, auditActions } from './support/drops.js';
import { staffSuite } from './support/staff-suite.js';

const { office } = staffSuite();

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
    // …and the certificate the owner held when it was stored, kept for after a reset of their keys.
    expect(detail.recordCertificate).toBe(detail.creator?.certificate);
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
