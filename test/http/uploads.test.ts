// The resumable upload protocol (shared/wire/uploads.ts): parts in any order and twice, the
// server's container hash, every refusal (sizes, indices, missing parts, unknown and foreign
// ids), quota and file-size limits, a part cut off mid-way, and resuming on a new app over the
// same data folder (a restart).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciphertextLengthOf, fromBase64Url, toBase64Url } from '../../shared/crypto/index.js';
import {
  UPLOAD_PART_BYTES,
  UploadCreateResponse,
  UploadStatus,
  ErrorBody,
  UploadCompleteResponse,
} from '../../shared/wire/index.js';
import { createApp } from '../../server/app.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { signIn } from '../helpers/office.js';
import { partOf, putPart, uploadContainer, withStaff } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

/** A container of three parts (the last short), from 17 MiB of plaintext. */
const big = () => makeFile(randomPlaintext(17 * 1024 * 1024));

function uploadFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'uploads');
  return existsSync(dir) ? readdirSync(dir) : [];
}
function blobFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'blobs');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('uploads', () => {
  it('takes parts out of order and one twice, reports what arrived, and completes with the container hash', async () => {
    const o = await suite.office();
    const file = big();
    const who = o.admin.tab;
    const created = await who.post('/api/v1/uploads', { size: file.container.length });
    expect(created.status).toBe(201);
    const upload = UploadCreateResponse.parse(created.body);
    expect(upload.partSize).toBe(UPLOAD_PART_BYTES);
    expect(upload.partCount).toBe(3);
    expect(Date.parse(upload.expiresAt)).toBe(o.t.clock.now() + 24 * 60 * 60 * 1000);

    // The temp file exists at the declared size, owner-only.
    const files = uploadFiles(o.t.config.dataDir);
    expect(files).toHaveLength(1);
    const temp = statSync(join(o.t.config.dataDir, 'uploads', files[0] as string));
    expect(temp.size).toBe(file.container.length);
    expect(temp.mode & 0o777).toBe(0o600);
    expect(statSync(join(o.t.config.dataDir, 'uploads')).mode & 0o777).toBe(0o700);

    expect((await putPart(who, upload.uploadId, 2, partOf(file.container, 2))).status).toBe(204);
    expect((await putPart(who, upload.uploadId, 0, partOf(file.container, 0))).status).toBe(204);
    // Sent again (a retry after a lost answer): harmless.
    expect((await putPart(who, upload.uploadId, 0, partOf(file.container, 0))).status).toBe(204);
    let status = UploadStatus.parse((await who.get(`/api/v1/uploads/${upload.uploadId}`)).body);
    expect(status).toMatchObject({ received: [0, 2], completed: false, size: file.container.length, partCount: 3 });

    expectError(await who.post(`/api/v1/uploads/${upload.uploadId}/complete`, {}), 409, 'upload_incomplete');
    expect((await putPart(who, upload.uploadId, 1, partOf(file.container, 1))).status).toBe(204);
    const done = await who.post(`/api/v1/uploads/${upload.uploadId}/complete`, {});
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ uploadId: upload.uploadId, ciphertextHash: toBase64Url(file.ciphertextHash) });
    // Completing again answers the same.
    expect((await who.post(`/api/v1/uploads/${upload.uploadId}/complete`, {})).body).toEqual(done.body);

    status = UploadStatus.parse((await who.get(`/api/v1/uploads/${upload.uploadId}`)).body);
    expect(status).toMatchObject({ received: [0, 1, 2], completed: true });
    // The blob holds exactly the container, and the temp file is gone.
    expect(uploadFiles(o.t.config.dataDir)).toEqual([]);
    const blobs = blobFiles(o.t.config.dataDir);
    expect(blobs).toHaveLength(1);
    const blob = statSync(join(o.t.config.dataDir, 'blobs', blobs[0] as string));
    expect(blob.size).toBe(file.container.length);
    expect(blob.mode & 0o777).toBe(0o600);
    // A part after completion is refused.
    expectError(await putPart(who, upload.uploadId, 0, partOf(file.container, 0)), 409, 'upload_incomplete');
  });

  it('refuses a body longer than the part (413) or shorter (400), and records nothing', async () => {
    const o = await suite.office();
    const file = makeFile(randomPlaintext(5000));
    const who = o.admin.tab;
    const { uploadId } = UploadCreateResponse.parse(
      (await who.post('/api/v1/uploads', { size: file.container.length })).body,
    );
    const longer = new Uint8Array(file.container.length + 1);
    longer.set(file.container);
    expectError(await putPart(who, uploadId, 0, longer), 413, 'payload_too_large');
    expectError(await putPart(who, uploadId, 0, file.container.subarray(1)), 400, 'bad_request');
    expect(UploadStatus.parse((await who.get(`/api/v1/uploads/${uploadId}`)).body).received).toEqual([]);
    // A full part of a multi-part upload must be exactly 8 MiB as well.
    const large = big();
    const second = UploadCreateResponse.parse(
      (await who.post('/api/v1/uploads', { size: large.container.length })).body,
    );
    expectError(
      await putPart(who, second.uploadId, 0, large.container.subarray(0, UPLOAD_PART_BYTES + 1)),
      413,
      'payload_too_large',
    );
    expectError(await putPart(who, second.uploadId, 2, large.container.subarray(0, 10)), 400, 'bad_request');
    expect(UploadStatus.parse((await who.get(`/api/v1/uploads/${second.uploadId}`)).body).received).toEqual([]);
  });

  it('counts a body without Content-Length as it comes, and stops reading past the part', async () => {
    const o = await suite.office();
    const file = makeFile(randomPlaintext(5000));
    const { uploadId } = UploadCreateResponse.parse(
      (await o.admin.tab.post('/api/v1/uploads', { size: file.container.length })).body,
    );
    const server = o.t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const send = (chunks: Uint8Array[]) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method: 'PUT',
              path: `/api/v1/uploads/${uploadId}/parts/0`,
              headers: {
                Origin: TEST_ORIGIN,
                Cookie: `__Host-coffer-session=${o.admin.tab.token}`,
                'Content-Type': 'application/octet-stream',
                'Transfer-Encoding': 'chunked',
              },
            },
            (res) => {
              let body = '';
              res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
          for (const chunk of chunks) req.write(chunk);
          req.end();
        });
      const tooLong = await send([file.container, new Uint8Array(100)]);
      expect(tooLong.status).toBe(413);
      expect(ErrorBody.parse(JSON.parse(tooLong.body)).error.code).toBe('payload_too_large');
      const tooShort = await send([file.container.subarray(0, 100)]);
      expect(tooShort.status).toBe(400);
      expect(UploadStatus.parse((await o.admin.tab.get(`/api/v1/uploads/${uploadId}`)).body).received).toEqual([]);
      // A client that goes away halfway: nothing recorded, nothing logged as a fault.
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: `/api/v1/uploads/${uploadId}/parts/0`,
          headers: {
            Origin: TEST_ORIGIN,
            Cookie: `__Host-coffer-session=${o.admin.tab.token}`,
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(file.container.length),
          },
        });
        req.on('error', () => resolve());
        req.write(file.container.subarray(0, 1000));
        setTimeout(() => {
          req.destroy();
          setTimeout(resolve, 200);
        }, 100);
      });
      expect(UploadStatus.parse((await o.admin.tab.get(`/api/v1/uploads/${uploadId}`)).body).received).toEqual([]);
      expect(o.t.logs.text()).not.toContain('unexpected error');
      const right = await send([file.container.subarray(0, 1000), file.container.subarray(1000)]);
      expect(right.status).toBe(204);
      expect(UploadStatus.parse((await o.admin.tab.get(`/api/v1/uploads/${uploadId}`)).body).received).toEqual([0]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses an index out of range or not a number with 400, and sizes that are no container with 400', async () => {
    const o = await suite.office();
    const file = makeFile(randomPlaintext(5000));
    const who = o.admin.tab;
    const { uploadId } = UploadCreateResponse.parse(
      (await who.post('/api/v1/uploads', { size: file.container.length })).body,
    );
    expectError(await putPart(who, uploadId, 1, file.container), 400, 'invalid_input');
    expectError(
      await who
        .raw('put', `/api/v1/uploads/${uploadId}/parts/-1`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from(file.container)),
      400,
      'invalid_input',
    );
    expectError(
      await who
        .raw('put', `/api/v1/uploads/${uploadId}/parts/x`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from(file.container)),
      400,
      'invalid_input',
    );
    // Only application/octet-stream, without parameters.
    expectError(
      await who.raw('put', `/api/v1/uploads/${uploadId}/parts/0`).set('Content-Type', 'application/json').send('{}'),
      415,
      'unsupported_media_type',
    );
    // 29 + 17 is the smallest container (an empty file); 29 + 16 is none, nor is a 64 KiB chunk with an empty final chunk.
    expectError(await who.post('/api/v1/uploads', { size: 45 }), 400, 'invalid_input');
    expectError(await who.post('/api/v1/uploads', { size: 29 + 65_553 + 17 }), 400, 'invalid_input');
    expectError(await who.post('/api/v1/uploads', { size: 0 }), 400, 'invalid_input');
    expectError(await who.post('/api/v1/uploads', { size: 'big' }), 400, 'invalid_input');
    expect((await who.post('/api/v1/uploads', { size: 46 })).status).toBe(201);
  });

  it('refuses a file larger than MAX_FILE_MIB (413) and an upload over QUOTA_MIB (507)', async () => {
    const o = await suite.office({ MAX_FILE_MIB: '1', QUOTA_MIB: '3' });
    const who = o.admin.tab;
    expectError(
      await who.post('/api/v1/uploads', { size: ciphertextLengthOf(1024 * 1024 + 1) }),
      413,
      'quota_exceeded',
    );
    expect((await who.post('/api/v1/uploads', { size: ciphertextLengthOf(1024 * 1024) })).status).toBe(201);
    expect((await who.post('/api/v1/uploads', { size: ciphertextLengthOf(1024 * 1024) })).status).toBe(201);
    // Two uploads of just over 1 MiB each count; a third would pass 3 MiB.
    expectError(await who.post('/api/v1/uploads', { size: ciphertextLengthOf(1024 * 1024) }), 507, 'quota_exceeded');
    // The quota is per user.
    const s = await withStaff(o);
    expect((await s.staff.tab.post('/api/v1/uploads', { size: ciphertextLengthOf(1024 * 1024) })).status).toBe(201);
  });

  it('answers 404 for an unknown upload id and for another user’s on every route, and leaves theirs alone', async () => {
    const s = await withStaff(await suite.office());
    const file = makeFile(randomPlaintext(5000));
    const admin = s.admin.tab;
    const { uploadId } = UploadCreateResponse.parse(
      (await admin.post('/api/v1/uploads', { size: file.container.length })).body,
    );
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
    for (const [who, id] of [
      [s.staff.tab, uploadId],
      [admin, unknown],
    ] as const) {
      expectError(await who.get(`/api/v1/uploads/${id}`), 404, 'not_found');
      expectError(await putPart(who, id, 0, file.container), 404, 'not_found');
      expectError(await who.post(`/api/v1/uploads/${id}/complete`, {}), 404, 'not_found');
      expectError(await who.delete(`/api/v1/uploads/${id}`), 404, 'not_found');
    }
    // A path value that is not an id at all is 404 as well.
    expectError(await admin.get('/api/v1/uploads/not-an-id'), 404, 'not_found');
    // The owner's upload is untouched.
    expect((await putPart(admin, uploadId, 0, file.container)).status).toBe(204);
    expect(UploadStatus.parse((await admin.get(`/api/v1/uploads/${uploadId}`)).body).received).toEqual([0]);
  });

  it('cancels: the row and the file go at once', async () => {
    const o = await suite.office();
    const file = makeFile(randomPlaintext(5000));
    const who = o.admin.tab;
    const pending = UploadCreateResponse.parse(
      (await who.post('/api/v1/uploads', { size: file.container.length })).body,
    );
    expect((await who.delete(`/api/v1/uploads/${pending.uploadId}`)).status).toBe(204);
    expectError(await who.get(`/api/v1/uploads/${pending.uploadId}`), 404, 'not_found');
    expect(uploadFiles(o.t.config.dataDir)).toEqual([]);
    // A completed (unused) upload: its blob goes too.
    const done = await uploadContainer(who, file.container);
    expect(blobFiles(o.t.config.dataDir)).toHaveLength(1);
    expect((await who.delete(`/api/v1/uploads/${done.uploadId}`)).status).toBe(204);
    expect(blobFiles(o.t.config.dataDir)).toEqual([]);
  });

  it('survives a restart: a new app on the same data folder and database resumes from the status', async () => {
    const o = await suite.office();
    const file = big();
    const first = o.admin.tab;
    const { uploadId } = UploadCreateResponse.parse(
      (await first.post('/api/v1/uploads', { size: file.container.length })).body,
    );
    expect((await putPart(first, uploadId, 1, partOf(file.container, 1))).status).toBe(204);

    // "Restart": a new app over the same database file and data folder; the browser signs in again.
    const t = o.t;
    const restarted = createApp({
      config: t.config,
      db: t.db,
      mailer: t.mailer,
      clock: t.clock,
      log: t.logs.log,
      serverKey: t.serverKey,
      clientDir: t.clientDir,
    });
    const again = (await signIn({ ...o, t: { ...t, app: restarted } }, o.admin, tab(restarted))).tab;
    const status = UploadStatus.parse((await again.get(`/api/v1/uploads/${uploadId}`)).body);
    expect(status.received).toEqual([1]);
    for (let index = 0; index < status.partCount; index++) {
      if (status.received.includes(index)) continue;
      expect((await putPart(again, uploadId, index, partOf(file.container, index))).status).toBe(204);
    }
    const done = await again.post(`/api/v1/uploads/${uploadId}/complete`, {});
    expect(done.status).toBe(200);
    expect(fromBase64Url(UploadCompleteResponse.parse(done.body).ciphertextHash)).toEqual(file.ciphertextHash);
  });
});
