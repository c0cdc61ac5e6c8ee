// Rate limits: escalating blocks per account and per address, checked before credentials,
// the same for known and unknown addresses, kept in the database across restarts.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { RATE_LIMITS } from '../../server/kernel/rate-limit/service.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { authKeyFor, b64, totpCode } from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { approve, enrolTotp, inviteAndAccept, passwordStep, ticketOf, type Office } from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

// X-Forwarded-For from the test client counts, as it would behind a reverse proxy.
const office = (env: Record<string, string> = {}): Promise<Office> => suite.office({ TRUST_PROXY: 'loopback', ...env });

const LOGIN = '/api/v1/auth/login';
const WRONG = Buffer.alloc(32, 9).toString('base64url');

async function fail(o: Office, email: string, times: number, from = '203.0.113.7') {
  for (let i = 0; i < times; i++) {
    const res = await request(o.t.app)
      .post(LOGIN)
      .set('Origin', TEST_ORIGIN)
      .set('X-Forwarded-For', from)
      .send({ email, authKey: WRONG });
    expectError(res, 401, 'invalid_credentials');
  }
}

describe('sign-in rate limits', () => {
  it('blocks the sixth attempt after five failures with 429 and Retry-After, for known and unknown addresses alike', async () => {
    const o = await office();
    expect(RATE_LIMITS.account.free).toBe(5);
    const right = authKeyFor(o.admin.account.password, o.admin.account.kdf);
    await fail(o, 'anna@kantoor.example', 5);
    await fail(o, 'nobody@kantoor.example', 5);
    const known = await tab(o.t.app).post(LOGIN, { email: 'anna@kantoor.example', authKey: right });
    const unknown = await tab(o.t.app).post(LOGIN, { email: 'nobody@kantoor.example', authKey: WRONG });
    for (const res of [known, unknown]) {
      expectError(res, 429, 'rate_limited');
      expect(res.headers['retry-after']).toBe('1');
    }
    expect(known.text).toBe(unknown.text);
    // Blocked before the credentials are checked: even the right password gets no session.
    expect(known.headers['set-cookie']).toBeUndefined();

    // After the block, one more failure doubles it.
    o.t.clock.advance(1000);
    await fail(o, 'nobody@kantoor.example', 1);
    const doubled = await tab(o.t.app).post(LOGIN, { email: 'nobody@kantoor.example', authKey: WRONG });
    expectError(doubled, 429, 'rate_limited');
    expect(doubled.headers['retry-after']).toBe('2');
  });

  it('clears the account bucket on success', async () => {
    const o = await office();
    await fail(o, 'anna@kantoor.example', 5);
    o.t.clock.advance(1000);
    expect((await passwordStep(o.t, o.admin.account)).res.status).toBe(200);
    await fail(o, 'anna@kantoor.example', 4);
    expect((await passwordStep(o.t, o.admin.account)).res.status).toBe(200);
  });

  it('locks an account for an hour after twenty failures in a day', async () => {
    const o = await office();
    for (let i = 0; i < 20; i++) {
      await fail(o, 'anna@kantoor.example', 1, `198.51.100.${i}`);
      o.t.clock.advance(16 * 60_000); // past any escalating block
    }
    o.t.clock.set(o.t.clock.now() - 16 * 60_000 + 1000);
    const res = await tab(o.t.app).post(LOGIN, { email: 'anna@kantoor.example', authKey: WRONG });
    expectError(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBe(3600 - 1);
  });

  it('limits one address spraying many accounts', async () => {
    const o = await office();
    for (let i = 0; i < RATE_LIMITS.address.free; i++) await fail(o, `user${i}@kantoor.example`, 1, '192.0.2.1');
    const res = await request(o.t.app)
      .post(LOGIN)
      .set('Origin', TEST_ORIGIN)
      .set('X-Forwarded-For', '192.0.2.1')
      .send({ email: 'fresh@kantoor.example', authKey: WRONG });
    expectError(res, 429, 'rate_limited');
  });

  it('keeps its state in the database, so a restart forgives nothing, and stores no address', async () => {
    const o = await office();
    await fail(o, 'anna@kantoor.example', 5);
    const restarted = createApp({
      config: o.t.config,
      db: o.t.db,
      mailer: o.t.mailer,
      clock: o.t.clock,
      log: o.t.logs.log,
      serverKey: o.t.serverKey,
      clientDir: o.t.clientDir,
    });
    expectError(
      await request(restarted)
        .post(LOGIN)
        .set('Origin', TEST_ORIGIN)
        .send({ email: 'anna@kantoor.example', authKey: WRONG }),
      429,
      'rate_limited',
    );
    const dump = JSON.stringify(o.t.db.prepare('SELECT * FROM rate_limits').all());
    expect(dump).not.toContain('anna');
    expect(dump).not.toContain('127.0.0.1');
    expect(dump).not.toContain('203.0.113.7');
  });

  it('limits pre-login by request count', async () => {
    const o = await office();
    for (let i = 0; i < RATE_LIMITS.preloginAccount.max; i++) {
      expect((await tab(o.t.app).post('/api/v1/auth/prelogin', { email: 'nobody@kantoor.example' })).status).toBe(200);
    }
    const res = await tab(o.t.app).post('/api/v1/auth/prelogin', { email: 'nobody@kantoor.example' });
    expectError(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBe(15 * 60);
    expect((await tab(o.t.app).post('/api/v1/auth/prelogin', { email: 'anna@kantoor.example' })).status).toBe(200);
    o.t.clock.advance(15 * 60_000);
    expect((await tab(o.t.app).post('/api/v1/auth/prelogin', { email: 'nobody@kantoor.example' })).status).toBe(200);
  });
});

describe('other rate-limited steps', () => {
  it('the second factor: blocked per account after five wrong codes, across tickets', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, 'bram@kantoor.example');
    await approve(o, bram);
    await enrolTotp(o, bram);
    const secret = bram.totpSecret ?? '';
    const wrong = (at: number) => (totpCode(secret, at) === '000000' ? '111111' : '000000');
    let ticket = '';
    for (let i = 0; i < 5; i++) {
      if (i % 3 === 0) ticket = ticketOf((await passwordStep(o.t, bram.account)).res);
      expectError(
        await tab(o.t.app).post('/api/v1/auth/second-factor', { ticket, code: wrong(o.t.clock.now()) }),
        401,
        'invalid_credentials',
      );
    }
    // The next step's code is valid now (±1 step), but the account is blocked first.
    const fresh = ticketOf((await passwordStep(o.t, bram.account)).res);
    const res = await tab(o.t.app).post('/api/v1/auth/second-factor', {
      ticket: fresh,
      code: totpCode(secret, o.t.clock.now() + 30_000),
    });
    expectError(res, 429, 'rate_limited');
    expect(res.headers['retry-after']).toBe('1');
    o.t.clock.advance(1000);
    expect(
      (
        await tab(o.t.app).post('/api/v1/auth/second-factor', {
          ticket: fresh,
          code: totpCode(secret, o.t.clock.now() + 30_000),
        })
      ).status,
    ).toBe(200);
  });

  it('recovery: blocked per account after five failures', async () => {
    const o = await office();
    for (let i = 0; i < 5; i++) {
      expectError(
        await tab(o.t.app).post('/api/v1/auth/recover', {
          email: 'anna@kantoor.example',
          recoveryAuthKey: WRONG,
          code: '123456',
        }),
        401,
        'invalid_credentials',
      );
    }
    const res = await tab(o.t.app).post('/api/v1/auth/recover', {
      email: 'anna@kantoor.example',
      recoveryAuthKey: b64(o.admin.account.recoverySplit.authKey),
      code: '123456',
    });
    expectError(res, 429, 'rate_limited');
  });

  it('invitation links: an address that guesses tokens is blocked', async () => {
    const o = await office();
    for (let i = 0; i < RATE_LIMITS.address.free; i++) {
      expectError(
        await tab(o.t.app).post('/api/v1/invitations/lookup', {
          token: `${'A'.repeat(42)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[i % 26]}`,
        }),
        404,
        'invitation_invalid',
      );
    }
    expectError(await tab(o.t.app).post('/api/v1/invitations/lookup', { token: 'B'.repeat(43) }), 429, 'rate_limited');
    expectError(
      await tab(o.t.app).post('/api/v1/invitations/accept', {
        token: 'B'.repeat(43),
        name: 'x',
        keys: o.admin.account.wire,
      }),
      429,
      'rate_limited',
    );
  });
});
