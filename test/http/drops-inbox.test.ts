// The office's inbox of a drop (rejecting an upload made without D, deleting, bad input on the
// link holder's routes) and the sweeper destroying what expired, checked on the disk and the raw
// database.
import { describe, expect, it } from 'vitest';
import { fromBase64Url, idFromWire, randomBytes, toBase64Url, type DropSecret } from '../../shared/crypto/index.js';
import { DropDetail, DropList, ErrorBody, UploadCreateResponse, UploadStatus } from '../../shared/wire/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { tab } from '../helpers/client.js';
import {
  buildSubmission,
  CLIENT_EMAIL,
  dropDetail,
  dropUploads,
  makeDrop,
  openDropUpload,
  ownerHolder,
  proveAddress,
  startOpenDrop,
  submit,
  uploadToDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { DAY_MS, putPart, signInAgain, uploadContainer, uploadRequest } from '../helpers/sharing.js';
import { filesIn, rawDatabase, sweeperOf, walBytes } from '../helpers/storage.js';
import { counts, auditActions, downloadAs, files } from './support/drops.js';
import { staffSuite } from './support/staff-suite.js';

const { suite, office } = staffSuite();

/**
 * Whether the raw database holds any 32-byte window of `secret` (stride 16). A row longer than
 * a page spills into overflow pages, which can cut a value in two; a window still shows it.
 */
function holdsAnyOf(raw: Buffer, secret: Uint8Array): boolean {
  for (let at = 0; at + 32 <= secret.length; at += 16)
    if (raw.includes(Buffer.from(secret.subarray(at, at + 32)))) return true;
  return false;
}

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

  it('lists the uploads of the caller’s drops (or the office’s) with their time, file count and rejection, and nothing of a drop outside the scope', async () => {
    const s = await office();
    const staffDrop = await makeDrop(s, s.staff);
    const adminDrop = await makeDrop(s, s.admin);
    const first = await uploadToDrop(
      s.t.app,
      staffDrop,
      await startOpenDrop(s.t.app, staffDrop.dropId),
      files(100, 200),
    );
    s.t.clock.advance(60_000);
    const second = await uploadToDrop(s.t.app, staffDrop, await startOpenDrop(s.t.app, staffDrop.dropId), files(300));
    s.t.clock.advance(60_000);
    const admins = await uploadToDrop(s.t.app, adminDrop, await startOpenDrop(s.t.app, adminDrop.dropId), files(50));
    const rejectedAt = s.t.clock.now();
    expect(
      (await s.staff.tab.post(`/api/v1/drops/${staffDrop.dropId}/uploads/${first.answer.dropUploadId}/reject`, {}))
        .status,
    ).toBe(204);

    const listed = async (who: typeof s.staff, scope: 'mine' | 'office') => {
      const res = await who.tab.get(`/api/v1/drops?scope=${scope}`);
      expect(res.status).toBe(200);
      return DropList.parse(res.body).uploads;
    };
    // Newest first; only ids, times, counts: no file id, name, size, hash or key.
    const mine = await listed(s.staff, 'mine');
    expect(mine).toEqual([
      {
        dropUploadId: second.answer.dropUploadId,
        dropId: staffDrop.dropId,
        receivedAt: second.answer.receivedAt,
        rejectedAt: null,
        fileCount: 1,
      },
      {
        dropUploadId: first.answer.dropUploadId,
        dropId: staffDrop.dropId,
        receivedAt: first.answer.receivedAt,
        rejectedAt: new Date(rejectedAt).toISOString(),
        fileCount: 2,
      },
    ]);
    expect(Object.keys(mine[0]!).sort()).toEqual(['dropId', 'dropUploadId', 'fileCount', 'receivedAt', 'rejectedAt']);
    // The admin's own drop only, until they ask for the whole office.
    expect((await listed(s.admin, 'mine')).map((u) => u.dropUploadId)).toEqual([admins.answer.dropUploadId]);
    expect((await listed(s.admin, 'office')).map((u) => u.dropUploadId)).toEqual([
      admins.answer.dropUploadId,
      second.answer.dropUploadId,
      first.answer.dropUploadId,
    ]);
    // Deleting an upload takes it off the list.
    expect(
      (await s.staff.tab.delete(`/api/v1/drops/${staffDrop.dropId}/uploads/${first.answer.dropUploadId}`)).status,
    ).toBe(204);
    expect((await listed(s.staff, 'mine')).map((u) => u.dropUploadId)).toEqual([second.answer.dropUploadId]);
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
