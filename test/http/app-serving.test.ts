// The app as a whole, what it serves: security headers, caching, the download service worker and
// routing (the route table, 404, 405, bad path parameters, TRUST_PROXY).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../helpers/expect.js';
import { contentSecurityPolicy } from '../../server/kernel/http/headers.js';
import { preferredEncoding } from '../../server/pages/encoding.js';
import { precompressAssets } from '../../scripts/precompress.js';
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

/** A GET over a real socket on loopback, the body as it came over the wire (nothing decompressed). */
async function rawGet(
  app: Express,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      }).on('error', reject);
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('compressed assets', () => {
  /** A script like a built chunk: large and repetitive enough that both encodings shrink it. */
  const SCRIPT = 'app-compress1.js';
  const SCRIPT_BODY = Buffer.from(
    Array.from({ length: 400 }, (_, i) => `export const message${i} = "Coffer encrypts in the browser (${i})";\n`).join(
      '',
    ),
  );

  async function compressedApp(): Promise<Awaited<ReturnType<typeof testApp>>> {
    const t = await testApp();
    await writeFile(join(t.clientDir, 'assets', SCRIPT), SCRIPT_BODY);
    await precompressAssets(join(t.clientDir, 'assets'));
    return t;
  }

  it('the build step writes brotli and gzip copies that decompress to the file, and only where they are smaller', async () => {
    const t = await testApp();
    const dir = join(t.clientDir, 'assets');
    await writeFile(join(dir, SCRIPT), SCRIPT_BODY);
    await writeFile(join(dir, 'tiny-abc.js'), 'x');
    await writeFile(join(dir, 'photo-abc.png'), SCRIPT_BODY);
    const results = await precompressAssets(dir);

    // The test asset (a one-line script) and the tiny file do not shrink; a PNG is not text.
    expect((await readdir(dir)).sort()).toEqual(
      [ASSET_NAME, SCRIPT, `${SCRIPT}.br`, `${SCRIPT}.gz`, 'photo-abc.png', 'tiny-abc.js'].sort(),
    );
    expect(brotliDecompressSync(await readFile(join(dir, `${SCRIPT}.br`))).equals(SCRIPT_BODY)).toBe(true);
    expect(gunzipSync(await readFile(join(dir, `${SCRIPT}.gz`))).equals(SCRIPT_BODY)).toBe(true);
    const script = results.find((r) => r.file === SCRIPT);
    expect(script?.bytes).toBe(SCRIPT_BODY.length);
    expect(script?.br).toBeLessThan(SCRIPT_BODY.length / 4);
    expect(script?.gzip).toBeLessThan(SCRIPT_BODY.length / 4);
    expect(results.find((r) => r.file === 'tiny-abc.js')).toEqual({
      file: 'tiny-abc.js',
      bytes: 1,
      br: null,
      gzip: null,
    });
  });

  it('sends the copy the browser accepts, with Content-Encoding, Vary and the headers of the file itself', async () => {
    const t = await compressedApp();
    const cases: [header: string | null, encoding: 'br' | 'gzip' | null][] = [
      ['gzip, deflate, br, zstd', 'br'],
      ['br', 'br'],
      ['gzip', 'gzip'],
      ['GZIP;q=1.0', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0.8, br;q=0.5', 'gzip'],
      ['*', 'br'],
      ['*;q=0.5, br;q=0', 'gzip'],
      ['deflate', null],
      ['identity', null],
      ['br;q=0.5, gzip;q=0.5, identity', null],
      ['gzip;q=2', null],
      ['', null],
      [null, null],
    ];
    for (const [header, encoding] of cases) {
      expect(preferredEncoding(header ?? undefined), String(header)).toBe(encoding);
      const res = await rawGet(t.app, `/assets/${SCRIPT}`, header === null ? {} : { 'Accept-Encoding': header });
      const label = `Accept-Encoding: ${String(header)}`;
      expect(res.status, label).toBe(200);
      expect(res.headers['content-encoding'], label).toBe(encoding ?? undefined);
      expect(res.headers.vary, label).toMatch(/\bAccept-Encoding\b/);
      expect(res.headers['content-type'], label).toBe('text/javascript; charset=utf-8');
      expect(res.headers['cache-control'], label).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-security-policy'], label).toBe(CSP);
      expect(Number(res.headers['content-length']), label).toBe(res.body.length);
      const decoded =
        encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body;
      expect(decoded.equals(SCRIPT_BODY), label).toBe(true);
      if (encoding !== null) expect(res.body.length, label).toBeLessThan(SCRIPT_BODY.length / 4);
    }
  });

  it('sends the file as it is where the build made no copy, keeps Range for the file itself, and never compresses pages or API answers', async () => {
    const t = await compressedApp();
    await writeFile(join(t.clientDir, 'assets', 'plain-abc.js'), SCRIPT_BODY);
    const plain = await rawGet(t.app, '/assets/plain-abc.js', { 'Accept-Encoding': 'gzip, br' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.body.equals(SCRIPT_BODY)).toBe(true);

    const range = await rawGet(t.app, `/assets/${SCRIPT}`, { Range: 'bytes=0-9' });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 0-9/${SCRIPT_BODY.length}`);
    expect(range.body.equals(SCRIPT_BODY.subarray(0, 10))).toBe(true);
    // A compressed copy is sent whole.
    const whole = await rawGet(t.app, `/assets/${SCRIPT}`, { Range: 'bytes=0-9', 'Accept-Encoding': 'br' });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(whole.body).equals(SCRIPT_BODY)).toBe(true);

    for (const path of ['/', '/healthz', '/sw.js']) {
      const res = await rawGet(t.app, path, { 'Accept-Encoding': 'gzip, br' });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-encoding'], path).toBeUndefined();
    }
  });

  it('answers an unknown asset, and a copy asked for by its own name, with the JSON 404', async () => {
    const t = await compressedApp();
    for (const path of [
      '/assets/app-missing.js',
      `/assets/${SCRIPT}.br`,
      `/assets/${SCRIPT}.gz`,
      '/assets/%2e%2e/index.html',
    ]) {
      for (const header of ['br', 'gzip', 'identity']) {
        const res = await request(t.app).get(path).set('Accept-Encoding', header);
        expect(res.status, `${path} ${header}`).toBe(404);
        expect(res.headers['content-encoding'], `${path} ${header}`).toBeUndefined();
        expectError(res.body, 'not_found');
        expect(res.headers['cache-control']).toBe('no-store');
      }
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

  it('answers a browser asking for an unknown page with index.html and 404; the API and scripts keep the JSON 404', async () => {
    const t = await testApp();
    const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    for (const path of ['/nonsense', '/app/nonsense', '/app/admin/nothing', '/s/x/y']) {
      const res = await request(t.app).get(path).set('Accept', browserAccept);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type'], path).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], path).toBe('no-store');
      expect(res.headers['content-security-policy'], path).toBe(CSP);
      expect(res.text, path).toBe(INDEX_HTML);
    }
    const head = await request(t.app).head('/app/nonsense').set('Accept', browserAccept);
    expect(head.status).toBe(404);
    expect(head.headers['content-type']).toMatch(/^text\/html/);

    for (const path of ['/api/v1/nothing', '/api', '/api/', '/assets/app-missing.js']) {
      const res = await request(t.app).get(path).set('Accept', browserAccept);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type'], path).toMatch(/^application\/json/);
      expectError(res.body, 'not_found');
    }
    // Only reading a page: any other method on an unknown path is the JSON 404.
    const posted = await post(t, '/app/nonsense')
      .set('Accept', browserAccept)
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(posted.status).toBe(404);
    expectError(posted.body, 'not_found');
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
      'POST /api/v1/session/keep-half api json session',
      'GET /api/v1/session/keep-half api none session',
      'GET /api/v1/sessions api none session',
      'DELETE /api/v1/sessions/:sessionId api none session',
      'POST /api/v1/me/password api json session',
      'PUT /api/v1/me/language api json session',
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
      'POST /api/v1/shares/:shareId/recipients/:recipientId/mail-link api json office',
      'GET /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices api none office',
      'POST /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices/revoke api json office',
      'GET /api/v1/shares/:shareId/files/:fileId api none office',
      'GET /api/v1/links/:linkId api none public',
      'POST /api/v1/links/:linkId/code api json public',
      'POST /api/v1/links/:linkId/verify api json public',
      'POST /api/v1/links/:linkId/trusted api json public',
      'DELETE /api/v1/trusted-device api none public',
      'GET /api/v1/links/:linkId/files/:fileId api none public',
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
      'POST /api/v1/d/:dropId/trusted api json public',
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
      'POST /api/v1/clients/invitations/:invitationId/resend api json office',
      'POST /api/v1/clients/invitations/:invitationId/withdraw api json office',
      'GET /api/v1/clients api none office',
      'GET /api/v1/clients/:userId api none office',
      'POST /api/v1/clients/:userId/approve api json office',
      'POST /api/v1/clients/:userId/keys-checked api json office',
      'POST /api/v1/clients/:userId/advisor api json office',
      'POST /api/v1/clients/:userId/drop api json office',
      'GET /api/v1/portal api none client',
      'GET /api/v1/portal/uploads api none client',
      'GET /api/v1/portal/uploads/:dropUploadId api none client',
      'POST /api/v1/portal/drops/:dropId/start api json client',
      'GET /api/v1/contacts api none office',
      'POST /api/v1/contacts api json office',
      'PUT /api/v1/contacts/:contactId api json office',
      'DELETE /api/v1/contacts/:contactId api none office',
      'PUT /api/v1/contacts/:contactId/code api json office',
      'DELETE /api/v1/contacts/:contactId/code api none office',
      'GET /api/v1/recipients/suggestions api none office',
      'POST /api/v1/devices/enrolments api json public',
      'GET /api/v1/devices/enrolments api none office',
      'POST /api/v1/devices/enrolments/:enrolmentId/approve api json office',
      'POST /api/v1/devices/enrolments/:enrolmentId/claim api json public',
      'GET /api/v1/devices api none office',
      'PUT /api/v1/devices/:deviceId api json office',
      'DELETE /api/v1/devices/:deviceId api none office',
      'POST /api/v1/devices/:deviceId/tokens api json office',
      'DELETE /api/v1/devices/:deviceId/tokens/:tokenId api none office',
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
