// The app as a whole, what it serves: security headers, caching, the download service worker and
// routing (the route table, 404, 405, bad path parameters, TRUST_PROXY).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../helpers/expect.js';
import { contentSecurityPolicy } from '../../server/kernel/http/headers.js';
import { PAGES, routeTable } from '../../server/routes.js';
import { createServices } from '../../server/compose.js';
import { ASSET_BODY, ASSET_NAME, INDEX_HTML, SERVICE_WORKER_BODY, TEST_ORIGIN } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { VERIFY, UNKNOWN_TOKEN, apps, testApp, post, expectError } from './support/app.js';

const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; " +
  "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types coffer";

afterEach(() => {
  for (const app of apps.splice(0)) app.close();
});

afterAll(removeTempDirs);

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
      'GET /api/v1/me/pin-index api none session',
      'PUT /api/v1/me/pin-index api json session',
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
