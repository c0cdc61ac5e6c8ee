// The app as a whole, how it takes requests: the origin check, request bodies, the setup link
// check, /healthz, the request log and the error handler.
import { chmod, writeFile } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ready, tokenHash } from '../../shared/crypto/index.js';
import { ErrorBody, HealthResponse, OUTBOX_WARNING, SetupVerifyResponse } from '../../shared/wire/index.js';
import { errorHandler } from '../../server/kernel/http/errors.js';
import { createSetupRepo } from '../../server/setup/repo.js';
import { createSetupService, SETUP_LINK_LIFETIME_MS } from '../../server/setup/service.js';
import { ASSET_NAME, TEST_ORIGIN, type TestApp } from '../helpers/app.js';
import { memoryLog } from '../helpers/log.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { VERIFY, UNKNOWN_TOKEN, apps, testApp, post, expectError } from './support/app.js';

afterEach(() => {
  for (const app of apps.splice(0)) app.close();
});

afterAll(removeTempDirs);

async function issueLink(t: TestApp) {
  await ready();
  return createSetupService({ repo: createSetupRepo(t.db), clock: t.clock, publicUrl: t.config.publicUrl }).issueLink();
}

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
