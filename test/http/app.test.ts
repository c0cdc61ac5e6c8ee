import { chmod, rm, writeFile } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../helpers/expect.js';
import { ready, tokenHash } from '../../shared/crypto/index.js';
import { ErrorBody, HealthResponse, OUTBOX_WARNING, SetupVerifyResponse } from '../../shared/wire/index.js';
import { contentSecurityPolicy } from '../../server/kernel/http/headers.js';
import { errorHandler } from '../../server/kernel/http/errors.js';
import { PAGES, routeTable } from '../../server/routes.js';
import { createServices } from '../../server/compose.js';
import { createSetupRepo } from '../../server/setup/repo.js';
import { createSetupService, SETUP_LINK_LIFETIME_MS } from '../../server/setup/service.js';
import {
  ASSET_BODY,
  ASSET_NAME,
  createTestApp,
  INDEX_HTML,
  SERVICE_WORKER_BODY,
  TEST_ORIGIN,
  type TestApp,
} from '../helpers/app.js';
import { memoryLog } from '../helpers/log.js';
import { removeTempDirs } from '../helpers/tmp.js';

const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; " +
  "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types coffer";

const VERIFY = '/api/v1/setup/verify';
const UNKNOWN_TOKEN = 'A'.repeat(43);

const apps: TestApp[] = [];
async function testApp(options?: Parameters<typeof createTestApp>[0]): Promise<TestApp> {
  const app = await createTestApp(options);
  apps.push(app);
  return app;
}
afterEach(() => {
  for (const app of apps.splice(0)) app.close();
});
afterAll(removeTempDirs);

/** A POST as Coffer's own page sends it. */
function post(t: TestApp, path: string) {
  return request(t.app).post(path).set('Origin', TEST_ORIGIN);
}

function expectError(body: unknown, code: string): void {
  const parsed = ErrorBody.parse(body);
  expect(parsed.error.code).toBe(code);
}

async function issueLink(t: TestApp) {
  await ready();
  return createSetupService({ repo: createSetupRepo(t.db), clock: t.clock, publicUrl: t.config.publicUrl }).issueLink();
}

describe('security headers', () => {
  it('sends the exact CSP and the other headers on every kind of answer', async () => {
    const t = await testApp();
    expect(contentSecurityPolicy(false)).toBe(CSP);
    for (const path of ['/healthz', '/', `/assets/${ASSET_NAME}`, '/no/such/thing']) {
      const res = await request(t.app).get(path);
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=(), payment=(), usb=()');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('adds upgrade-insecure-requests when PUBLIC_URL is https', async () => {
    const t = await testApp({ env: { PUBLIC_URL: 'https://files.office.example' } });
    const res = await request(t.app).get('/healthz');
    expect(res.headers['content-security-policy']).toBe(`${CSP}; upgrade-insecure-requests`);
    expect(contentSecurityPolicy(true)).toBe(`${CSP}; upgrade-insecure-requests`);
  });
});

describe('caching', () => {
  it('marks API answers and JSON errors no-store', async () => {
    const t = await testApp();
    const answers = [
      await request(t.app).get('/healthz'),
      await post(t, VERIFY).send({ token: UNKNOWN_TOKEN }),
      await request(t.app).get('/api/v1/nothing'),
      await request(t.app).delete('/healthz').set('Origin', TEST_ORIGIN),
    ];
    for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves pages as index.html with no-store', async () => {
    const t = await testApp();
    expect(PAGES).toContain('/invite');
    for (const path of PAGES) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toBe(INDEX_HTML);
    }
  });

  it('serves assets with immutable caching, and a missing asset as the JSON 404', async () => {
    const t = await testApp();
    const res = await request(t.app).get(`/assets/${ASSET_NAME}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text).toBe(ASSET_BODY);

    for (const path of ['/assets/app-missing.js', '/assets/%2e%2e/index.html', '/assets/.hidden', '/assets/']) {
      const missing = await request(t.app).get(path);
      expect(missing.status, path).toBe(404);
      expectError(missing.body, 'not_found');
      expect(missing.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('the download service worker', () => {
  it('is served at /sw.js as JavaScript, never cached, with the CSP', async () => {
    const t = await testApp();
    const res = await request(t.app).get('/sw.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.text).toBe(SERVICE_WORKER_BODY);
    // Only that exact path: no query variants that would register a second worker.
    const other = await request(t.app).get('/sw2.js');
    expect(other.status).toBe(404);
  });

  it('answers 404 (JSON) when the client build has no service worker', async () => {
    const t = await testApp();
    await rm(join(t.clientDir, 'sw.js'));
    const res = await request(t.app).get('/sw.js');
    expect(res.status).toBe(404);
    expectError(res.body, 'not_found');
  });
});

describe('routing', () => {
  it('answers an unknown path with the JSON 404', async () => {
    const t = await testApp();
    const res = await request(t.app).get('/wp-login.php');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectError(res.body, 'not_found');
  });

  it('answers a known path with another method with 405 and Allow', async () => {
    const t = await testApp();
    const res = await post(t, '/healthz').set('Content-Type', 'application/json').send('{}');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expectError(res.body, 'method_not_allowed');

    const get = await request(t.app).get(VERIFY);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('mounts every entry of the route table, and routeTable can be read as data', async () => {
    const t = await testApp();
    const table = routeTable(
      createServices({
        config: t.config,
        db: t.db,
        mailer: t.mailer,
        clock: t.clock,
        log: t.logs.log,
        serverKey: t.serverKey,
        clientDir: t.clientDir,
      }),
    );
    expect(
      table.map(
        ({ method, path, kind, body, guard, passive }) =>
          `${method} ${path} ${kind} ${body} ${guard}${passive ? ' passive' : ''}`,
      ),
    ).toEqual([
      'GET /healthz api none public',
      'POST /api/v1/setup/verify api json public',
      'POST /api/v1/setup/complete api json public',
      'GET /api/v1/office api none public',
      'GET /api/v1/office/logo api none public',
      'GET /api/v1/office/keys api none office',
      'POST /api/v1/auth/prelogin api json public',
      'POST /api/v1/auth/login api json public',
      'POST /api/v1/auth/second-factor api json public',
      'POST /api/v1/auth/recover api json public',
      'POST /api/v1/auth/recover/complete api json public',
      'POST /api/v1/auth/logout api json session',
      'GET /api/v1/session api none session passive',
      'GET /api/v1/me/keys api none session',
      'GET /api/v1/sessions api none session',
      'DELETE /api/v1/sessions/:sessionId api none session',
      'POST /api/v1/me/password api json session',
      'POST /api/v1/me/two-factor/begin api json session',
      'POST /api/v1/me/two-factor/confirm api json session',
      'POST /api/v1/me/two-factor/disable api json member',
      'POST /api/v1/invitations/lookup api json public',
      'POST /api/v1/invitations/accept api json public',
      'GET /api/v1/directory api none staff',
      'GET /api/v1/admin/users api none admin',
      'GET /api/v1/admin/users/:userId api none admin',
      'POST /api/v1/admin/users/:userId/approve api json admin',
      'POST /api/v1/admin/users/:userId/disable api json admin',
      'POST /api/v1/admin/users/:userId/enable api json admin',
      'POST /api/v1/admin/users/:userId/role api json admin',
      'POST /api/v1/admin/users/:userId/reset api json admin',
      'GET /api/v1/admin/invitations api none admin',
      'POST /api/v1/admin/invitations api json admin',
      'POST /api/v1/admin/invitations/:invitationId/resend api json admin',
      'POST /api/v1/admin/invitations/:invitationId/withdraw api json admin',
      'GET /api/v1/admin/settings api none admin',
      'PUT /api/v1/admin/settings api json admin',
      'PUT /api/v1/admin/logo api multipart admin',
      'DELETE /api/v1/admin/logo api none admin',
      'POST /api/v1/uploads api json office',
      'GET /api/v1/uploads/:uploadId api none office',
      'PUT /api/v1/uploads/:uploadId/parts/:index api octet-stream office',
      'POST /api/v1/uploads/:uploadId/complete api json office',
      'DELETE /api/v1/uploads/:uploadId api none office',
      'POST /api/v1/recipients/lookup api json office',
      'POST /api/v1/shares api json office',
      'GET /api/v1/shares api none office',
      'GET /api/v1/shares/:shareId api none office',
      'POST /api/v1/shares/:shareId/revoke api json office',
      'POST /api/v1/shares/:shareId/extend api json office',
      'POST /api/v1/shares/:shareId/recipients/:recipientId/unlock api json office',
      'GET /api/v1/shares/:shareId/files/:fileId api none office',
      'GET /api/v1/links/:recipientId api none public',
      'POST /api/v1/links/:recipientId/code api json public',
      'POST /api/v1/links/:recipientId/verify api json public',
      'GET /api/v1/links/:recipientId/files/:fileId api none public',
      'GET /api/v1/received api none approved',
      'GET /api/v1/received/:shareId api none approved',
      'POST /api/v1/received/:shareId/grant api json approved',
      'GET /api/v1/received/:shareId/files/:fileId api none approved',
      'POST /api/v1/drops api json office',
      'GET /api/v1/drops api none office',
      'GET /api/v1/drops/:dropId api none office',
      'POST /api/v1/drops/:dropId/close api json office',
      'POST /api/v1/drops/:dropId/unlock api json office',
      'DELETE /api/v1/drops/:dropId api none office',
      'DELETE /api/v1/drops/:dropId/uploads/:dropUploadId api none office',
      'POST /api/v1/drops/:dropId/uploads/:dropUploadId/reject api json office',
      'GET /api/v1/drops/:dropId/uploads/:dropUploadId/files/:fileId api none office',
      'GET /api/v1/d/:dropId api none public',
      'POST /api/v1/d/:dropId/code api json public',
      'POST /api/v1/d/:dropId/verify api json public',
      'POST /api/v1/d/:dropId/start api json public',
      'POST /api/v1/d/:dropId/uploads api json public',
      'GET /api/v1/d/:dropId/uploads/:uploadId api none public',
      'PUT /api/v1/d/:dropId/uploads/:uploadId/parts/:index api octet-stream public',
      'POST /api/v1/d/:dropId/uploads/:uploadId/complete api json public',
      'DELETE /api/v1/d/:dropId/uploads/:uploadId api none public',
      'POST /api/v1/d/:dropId/submit api json public',
      'GET /api/v1/admin/audit api none admin',
      'GET /api/v1/admin/audit/export api none admin',
      'POST /api/v1/clients/invitations api json office',
      'GET /api/v1/clients api none office',
      'GET /api/v1/clients/:userId api none office',
      'POST /api/v1/clients/:userId/approve api json office',
      'GET /api/v1/portal api none client',
      'GET /api/v1/portal/uploads api none client',
      'GET /api/v1/portal/uploads/:dropUploadId api none client',
      'POST /api/v1/portal/drops/:dropId/start api json client',
      'POST /api/v1/admin/privacy/preview api json admin',
      'POST /api/v1/admin/privacy/export api json admin',
      'POST /api/v1/admin/privacy/erase api json admin',
      'GET /api/v1/me/pins api none session',
      'PUT /api/v1/me/pins/:subject/:subjectId api json session',
      ...PAGES.map((page) => `GET ${page} page none public`),
      'GET /sw.js page none public',
      'GET /assets/*file static none public',
    ]);
    expect(new Set(table.map((spec) => `${spec.method} ${spec.path}`)).size).toBe(table.length);
    // Each entry answers something other than "no such route" (the logo is legitimately
    // missing before an admin uploads one, and the routes of a guest's or a drop's link answer
    // an unknown id with 404 by design: they are public).
    for (const spec of table) {
      if (spec.path === '/api/v1/office/logo') continue;
      if (spec.guard === 'public' && (spec.path.startsWith('/api/v1/links/') || spec.path.startsWith('/api/v1/d/')))
        continue;
      const path = spec.path.replace('*file', ASSET_NAME).replace(/:[A-Za-z]+/g, 'AAAAAAAAAAAAAAAAAAAAAA');
      const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
      const agent = request(t.app);
      const res = await agent[method](path)
        .set('Origin', TEST_ORIGIN)
        .set('Content-Type', 'application/json')
        .send(spec.body === 'json' ? '{}' : undefined);
      expect(errorCodeOf(res), `${spec.method} ${spec.path}`).not.toBe('not_found');
    }
  });

  it('answers a path parameter that is not valid percent-encoding with 400', async () => {
    const t = await testApp();
    const res = await request(t.app).get('/assets/%E0%A4%A');
    expect(res.status).toBe(400);
    expectError(res.body, 'bad_request');
    expect(t.logs.text()).not.toContain('unexpected error');
  });

  it('applies TRUST_PROXY', async () => {
    expect((await testApp()).app.get('trust proxy')).toBe(false);
    expect((await testApp({ env: { TRUST_PROXY: '1' } })).app.get('trust proxy')).toBe(1);
  });
});

describe('origin check', () => {
  it('refuses a cross-origin POST', async () => {
    const t = await testApp();
    const res = await request(t.app).post(VERIFY).set('Origin', 'https://evil.example').send({ token: UNKNOWN_TOKEN });
    expect(res.status).toBe(403);
    expectError(res.body, 'cross_origin');
  });

  it('refuses Origin: null', async () => {
    const t = await testApp();
    const res = await request(t.app).post(VERIFY).set('Origin', 'null').send({ token: UNKNOWN_TOKEN });
    expect(res.status).toBe(403);
    expectError(res.body, 'cross_origin');
  });

  it('accepts a request without Origin when Sec-Fetch-Site is same-origin, and refuses one without either', async () => {
    const t = await testApp();
    const sameOrigin = await request(t.app)
      .post(VERIFY)
      .set('Sec-Fetch-Site', 'same-origin')
      .send({ token: UNKNOWN_TOKEN });
    expect(sameOrigin.status).toBe(404);
    expectError(sameOrigin.body, 'setup_link_invalid');

    const bare = await request(t.app).post(VERIFY).send({ token: UNKNOWN_TOKEN });
    expect(bare.status).toBe(403);
    const crossSite = await request(t.app)
      .post(VERIFY)
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ token: UNKNOWN_TOKEN });
    expect(crossSite.status).toBe(403);
  });

  it('refuses the public origin with another scheme or port', async () => {
    const t = await testApp();
    for (const origin of ['https://localhost:8080', 'http://localhost:8081', 'http://localhost']) {
      expect((await request(t.app).post(VERIFY).set('Origin', origin).send({ token: UNKNOWN_TOKEN })).status).toBe(403);
    }
  });
});

describe('request bodies', () => {
  it('refuses malformed JSON with 400 malformed_json', async () => {
    const t = await testApp();
    const res = await post(t, VERIFY).set('Content-Type', 'application/json').send('{"token": ');
    expect(res.status).toBe(400);
    expectError(res.body, 'malformed_json');
  });

  it('refuses a JSON body over 64 KiB with 413', async () => {
    const t = await testApp();
    const res = await post(t, VERIFY)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ token: 'x'.repeat(64 * 1024) }));
    expect(res.status).toBe(413);
    expectError(res.body, 'payload_too_large');
  });

  it('refuses other content types on a JSON route with 415', async () => {
    const t = await testApp();
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; foo=bar',
    ]) {
      const res = await post(t, VERIFY)
        .set('Content-Type', type)
        .send(JSON.stringify({ token: UNKNOWN_TOKEN }));
      expect(res.status, type).toBe(415);
      expectError(res.body, 'unsupported_media_type');
    }
    const none = await post(t, VERIFY);
    expect(none.status).toBe(415);
  });

  it('accepts application/json with a charset', async () => {
    const t = await testApp();
    const res = await post(t, VERIFY)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ token: UNKNOWN_TOKEN }));
    expect(res.status).toBe(404);
    expectError(res.body, 'setup_link_invalid');
  });

  it('refuses a body on a route that takes none with 415', async () => {
    const t = await testApp();
    const res = await request(t.app).get('/healthz').set('Content-Type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
  });

  it('names the invalid field, never its value', async () => {
    const t = await testApp();
    const value = 'not-a-token-but-a-secret-value';
    const res = await post(t, VERIFY).send({ token: value });
    expect(res.status).toBe(400);
    const body = ErrorBody.parse(res.body);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.fields).toEqual(['token']);
    expect(body.error.message).toContain('token');
    expect(res.text).not.toContain(value);

    const missing = await post(t, VERIFY).send({});
    expect(ErrorBody.parse(missing.body).error.fields).toEqual(['token']);
    const notObject = await post(t, VERIFY).send([1, 2]);
    expect(ErrorBody.parse(notObject.body).error.fields).toEqual(['(body)']);
  });
});

describe('POST /api/v1/setup/verify', () => {
  it('answers 200 with expiresAt for a valid, unused, unexpired link', async () => {
    const t = await testApp();
    const link = await issueLink(t);
    const res = await post(t, VERIFY).send({ token: link.token });
    expect(res.status).toBe(200);
    expect(SetupVerifyResponse.parse(res.body)).toEqual({
      expiresAt: new Date(t.clock.now() + SETUP_LINK_LIFETIME_MS).toISOString(),
    });
    // Verifying changes nothing.
    expect((await post(t, VERIFY).send({ token: link.token })).status).toBe(200);
  });

  it('answers 404 setup_link_invalid for a used link', async () => {
    const t = await testApp();
    const link = await issueLink(t);
    t.db
      .prepare('UPDATE setup_tokens SET used_at = ? WHERE token_hash = ?')
      .run(t.clock.now(), tokenHash('setup', link.token));
    const res = await post(t, VERIFY).send({ token: link.token });
    expect(res.status).toBe(404);
    expectError(res.body, 'setup_link_invalid');
  });

  it('answers 404 setup_link_invalid for an expired link', async () => {
    const t = await testApp();
    const link = await issueLink(t);
    t.clock.advance(SETUP_LINK_LIFETIME_MS);
    const res = await post(t, VERIFY).send({ token: link.token });
    expect(res.status).toBe(404);
    expectError(res.body, 'setup_link_invalid');
  });

  it('answers 404 setup_link_invalid for an unknown token', async () => {
    const t = await testApp();
    await issueLink(t);
    const res = await post(t, VERIFY).send({ token: UNKNOWN_TOKEN });
    expect(res.status).toBe(404);
    expectError(res.body, 'setup_link_invalid');
  });
});

describe('GET /healthz', () => {
  it('answers 200 and names the outbox loudly', async () => {
    const t = await testApp();
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(HealthResponse.parse(res.body)).toEqual({
      status: 'ok',
      checks: { database: 'ok', dataDir: 'ok' },
      mail: { transport: 'outbox', warning: OUTBOX_WARNING },
      storage: { state: 'ok' },
    });
  });

  it('names SMTP without a warning', async () => {
    const t = await testApp({
      env: {
        PUBLIC_URL: 'https://files.office.example',
        MAIL_OUTBOX: undefined,
        SMTP_URL: 'smtp://127.0.0.1:1',
        MAIL_FROM: 'coffer@office.example',
      },
    });
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect((res.body as HealthResponse).mail).toEqual({ transport: 'smtp' });
  });

  it('answers 503 naming dataDir when the data folder is not writable', async () => {
    const t = await testApp();
    await chmod(t.config.dataDir, 0o500);
    // Permission bits do not bind root: if the folder is still writable, chmod had no effect.
    let chmodWorks = false;
    try {
      accessSync(t.config.dataDir, constants.W_OK);
    } catch {
      chmodWorks = true;
    }
    try {
      // Then make the check fail honestly another way: point DATA_DIR at a file, which no
      // one (root included) can create files in.
      const target = chmodWorks
        ? t
        : await testApp({ config: (config) => ({ ...config, dataDir: join(t.dir, 'not-a-folder') }) });
      if (!chmodWorks) await writeFile(join(t.dir, 'not-a-folder'), 'x');
      const res = await request(target.app).get('/healthz');
      expect(res.status).toBe(503);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(HealthResponse.parse(res.body)).toMatchObject({
        status: 'failing',
        checks: { database: 'ok', dataDir: 'failing' },
      });
    } finally {
      await chmod(t.config.dataDir, 0o700);
    }
  });

  it('answers 503 naming dataDir when the data folder is a file or missing', async () => {
    for (const name of ['a-file', 'missing']) {
      const t = await testApp({ config: (config) => ({ ...config, dataDir: join(config.dataDir, '..', name) }) });
      if (name === 'a-file') await writeFile(t.config.dataDir, 'x');
      const res = await request(t.app).get('/healthz');
      expect(res.status).toBe(503);
      expect((res.body as HealthResponse).checks).toEqual({ database: 'ok', dataDir: 'failing' });
    }
  });

  it('answers 503 naming database when the database does not answer', async () => {
    const t = await testApp();
    t.db.close();
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'failing', checks: { database: 'failing', dataDir: 'ok' } });
  });
});

describe('request log', () => {
  it('writes one line per request with method, route pattern, status and ms', async () => {
    const t = await testApp();
    await request(t.app).get('/healthz');
    await request(t.app).get(`/assets/${ASSET_NAME}`);
    await request(t.app).get('/nowhere');
    await request(t.app).put('/healthz').set('Origin', TEST_ORIGIN);
    const lines = t.logs.lines().filter((line) => line.msg === 'request');
    expect(lines.map(({ method, route, status }) => ({ method, route, status }))).toEqual([
      { method: 'GET', route: '/healthz', status: 200 },
      { method: 'GET', route: '/assets/*file', status: 200 },
      { method: 'GET', route: 'unmatched', status: 404 },
      { method: 'PUT', route: '/healthz', status: 405 },
    ]);
    // Nothing beyond pino's own fields and these four.
    const allowed = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'method', 'route', 'status', 'ms']);
    for (const line of lines) {
      expect(typeof line.ms).toBe('number');
      expect(Object.keys(line).filter((key) => !allowed.has(key))).toEqual([]);
    }
  });

  it('never logs a token from the body, a query string, a cookie, a header or a path value', async () => {
    const t = await testApp();
    const link = await issueLink(t);
    const secrets = {
      body: link.token,
      query: 'query-secret-5bd1f0',
      cookie: 'cookie-secret-9a7e22',
      header: 'header-secret-c3d4e5',
      path: 'path-secret-77aa10',
    };
    await post(t, `${VERIFY}?token=${secrets.query}`)
      .set('Cookie', `__Host-session=${secrets.cookie}`)
      .set('Authorization', `Bearer ${secrets.header}`)
      .send({ token: secrets.body });
    await post(t, VERIFY).set('Content-Type', 'application/json').send(`{"token":"${secrets.body}"`); // malformed
    await request(t.app).get(`/assets/${secrets.path}.js?k=${secrets.query}`);
    await request(t.app).get(`/setup?token=${secrets.query}`).set('Cookie', `a=${secrets.cookie}`);
    const text = t.logs.text();
    expect(t.logs.lines().filter((line) => line.msg === 'request')).toHaveLength(4);
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
  });
});

describe('error handler', () => {
  it('answers an unexpected error with a generic 500 and logs name and frames, not the message', async () => {
    const logs = memoryLog();
    const app = express();
    app.get('/boom', () => {
      throw new TypeError('secret value 8c1d in the message\nsecond line with more-secret');
    });
    app.use(errorHandler(logs.log));
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: { code: 'internal', message: 'Something went wrong on the server' } });
    expect(res.text).not.toContain('8c1d');

    const [line] = logs.lines();
    expect(line?.msg).toBe('unexpected error');
    const error = line?.error as { name: string; frames: string[] };
    expect(error.name).toBe('TypeError');
    expect(error.frames.length).toBeGreaterThan(0);
    expect(error.frames.every((frame) => frame.startsWith('at '))).toBe(true);
    expect(logs.text()).not.toContain('8c1d');
    expect(logs.text()).not.toContain('more-secret');
  });
});
