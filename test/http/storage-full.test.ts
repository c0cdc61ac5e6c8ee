// A full disk is a state, not a crash (docs/operations.md, "Free space"): with free space under
// the margin, creating an upload and sending a part answer 507 `storage_full`, while signing in,
// cancelling an upload and `/healthz` keep working; `/healthz` says space is low; the admins get
// one mail per episode. The disk is faked with an injected `freeSpace` (no tmpfs in CI). And a
// write that fails anyway (ENOSPC, SQLITE_FULL) answers 507, a locked database 503, never 500.
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import { HealthResponse, LOW_SPACE_WARNING, UploadCreateResponse } from '../../shared/wire/index.js';
import { errorHandler } from '../../server/kernel/http/errors.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { expectError } from '../helpers/expect.js';
import { memoryLog } from '../helpers/log.js';
import { startMailServer, type MailServer } from '../helpers/mail-server.js';
import { setUpOffice, signIn } from '../helpers/office.js';
import { partOf, putPart } from '../helpers/sharing.js';
import { removeTempDirs } from '../helpers/tmp.js';

const MIB = 1024 * 1024;
// The admin's language is Dutch (the office's default).
const LOW_SUBJECT = /de server is bijna vol/;

let mail: MailServer;
const apps: TestApp[] = [];
beforeAll(async () => {
  await ready();
  mail = await startMailServer();
});
afterEach(() => {
  for (const t of apps.splice(0)) t.close();
});
afterAll(async () => {
  await mail.close();
  await removeTempDirs();
});

/** An office on a fake disk with `disk.free` bytes free (the margin is 1024 MiB, the default). */
async function officeOnFakeDisk() {
  const disk = { free: 100 * 1024 * MIB };
  const t = await createTestApp({ env: mail.env, freeSpace: () => Promise.resolve(disk.free) });
  apps.push(t);
  const o = await setUpOffice(t, mail, { adminEmail: `admin-${apps.length}-${Date.now()}@kantoor.example` });
  return { o, disk };
}

/** The low-space mails `address` got, once the mail queue has sent what it holds. */
async function lowSpaceMails(t: TestApp, address: string): Promise<number> {
  await t.mailQueue.idle();
  return mail.to(address).filter((m) => LOW_SUBJECT.test(m.subject ?? '')).length;
}

describe('a full disk', () => {
  it('refuses uploads with 507 while sign-in, cancelling and /healthz keep working, and mails the admins once', async () => {
    const { o, disk } = await officeOnFakeDisk();
    const who = o.admin.tab;
    const admin = o.admin.account.email;
    const file = makeFile(randomPlaintext(20 * 1024));

    // Room enough: an upload starts.
    const started = await who.post('/api/v1/uploads', { size: file.container.length });
    expect(started.status).toBe(201);
    const upload = UploadCreateResponse.parse(started.body);
    const health = HealthResponse.parse((await request(o.t.app).get('/healthz')).body);
    expect(health).toMatchObject({ status: 'ok', storage: { state: 'ok' } });

    // An upload that would eat into the margin is refused even with space above it.
    disk.free = 1100 * MIB;
    expectError(await who.post('/api/v1/uploads', { size: 200 * MIB }), 507, 'storage_full');

    // The disk fills (less than the margin left).
    disk.free = 500 * MIB;
    expectError(await who.post('/api/v1/uploads', { size: file.container.length }), 507, 'storage_full');
    expectError(await putPart(who, upload.uploadId, 0, partOf(file.container, 0)), 507, 'storage_full');

    // What frees space, or needs only a few database pages, still works.
    const again = await signIn(o, o.admin);
    expect(again.signedIn.status).toBe('signed-in');
    expect((await again.tab.delete(`/api/v1/uploads/${upload.uploadId}`)).status).toBe(204);

    const res = await request(o.t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(HealthResponse.parse(res.body)).toMatchObject({
      status: 'degraded',
      checks: { database: 'ok', dataDir: 'ok' },
      storage: { state: 'low', warning: LOW_SPACE_WARNING },
    });

    // One mail for the episode, however many uploads were refused.
    expect(await lowSpaceMails(o.t, admin)).toBe(1);
    expectError(await again.tab.post('/api/v1/uploads', { size: file.container.length }), 507, 'storage_full');
    await request(o.t.app).get('/healthz');
    expect(await lowSpaceMails(o.t, admin)).toBe(1);
    const message = mail.to(admin).find((m) => LOW_SUBJECT.test(m.subject ?? ''));
    expect(message?.text).toContain('docs/operations.md');

    // Space recovers: uploads go again, and the next shortage is mailed again.
    disk.free = 50 * 1024 * MIB;
    expect((await again.tab.post('/api/v1/uploads', { size: file.container.length })).status).toBe(201);
    expect(HealthResponse.parse((await request(o.t.app).get('/healthz')).body).status).toBe('ok');
    disk.free = 10 * MIB;
    expectError(await again.tab.post('/api/v1/uploads', { size: file.container.length }), 507, 'storage_full');
    expect(await lowSpaceMails(o.t, admin)).toBe(2);
  });

  it('answers a write that failed for want of space with 507, and a locked database with 503 (never 500)', async () => {
    const logs = memoryLog();
    let full = 0;
    const app = express();
    const fail = (code: string, wrapped = false) => {
      const error = Object.assign(new Error(`${code}: disk I/O /secret/path`), { code });
      return wrapped ? new Error('part stream failed', { cause: error }) : error;
    };
    app.get('/enospc', () => {
      throw fail('ENOSPC', true);
    });
    app.get('/sqlite-full', () => {
      throw fail('SQLITE_FULL');
    });
    app.get('/sqlite-busy', () => {
      throw fail('SQLITE_BUSY');
    });
    app.use(errorHandler(logs.log, { onStorageFull: () => (full += 1) }));

    expectError(await request(app).get('/enospc'), 507, 'storage_full');
    expectError(await request(app).get('/sqlite-full'), 507, 'storage_full');
    expect(full).toBe(2);
    const busy = await request(app).get('/sqlite-busy');
    expectError(busy, 503, 'server_busy');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
    // The messages (paths, SQL) stay out of the answer and the log.
    expect(logs.text()).not.toContain('/secret/path');
  });
});
