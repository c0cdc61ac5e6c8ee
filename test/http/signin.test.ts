// Signing in: pre-login, password, second factor, sessions, sign-out, idle and absolute
// expiry, and the two-factor policy.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../shared/crypto/index.js';
import {
  KeyMaterial,
  LoginResponse,
  PreloginResponse,
  SessionInfo,
  SessionList,
  SignedIn,
  TwoFactorBeginResponse,
} from '../../shared/wire/index.js';
import { TICKET_LIFETIME_MS } from '../../server/auth/service.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { authKeyFor, openPasswordBundle, totpCode } from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import {
  approve,
  browserBackupCodes,
  enrolTotp,
  idOf,
  inviteAndAccept,
  passwordStep,
  signIn,
  ticketOf,
  type Office,
} from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();
const office = (env: Record<string, string> = {}): Promise<Office> => suite.office(env);

const PRELOGIN = '/api/v1/auth/prelogin';
const LOGIN = '/api/v1/auth/login';
const SECOND = '/api/v1/auth/second-factor';
const WRONG_KEY = Buffer.alloc(32, 7).toString('base64url');

describe('pre-login and password', () => {
  it('signs in with the right password and answers the session and the sealed keys', async () => {
    const o = await office();
    const { res } = await passwordStep(o.t, o.admin.account);
    expect(res.status).toBe(200);
    const signedIn = SignedIn.parse(res.body);
    expect(signedIn.session.me.email).toBe('anna@kantoor.example');
    expect(openPasswordBundle(o.admin.account, signedIn.keys.passwordBundle).personalKey).toEqual(
      o.admin.account.keys.personalKey,
    );
    expect(res.headers['set-cookie']).toBeDefined();
  });

  it('refuses a wrong password with 401 invalid_credentials and no cookie', async () => {
    const o = await office();
    const { res } = await passwordStep(o.t, o.admin.account, tab(o.t.app), 'not the password at all');
    expectError(res, 401, 'invalid_credentials');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('gives unknown and known addresses the same status and shape, with a stable fake salt per address', async () => {
    const o = await office();
    const browser = tab(o.t.app);
    const known = await browser.post(PRELOGIN, { email: 'anna@kantoor.example' });
    const unknown = await browser.post(PRELOGIN, { email: 'nobody@kantoor.example' });
    const unknownAgain = await browser.post(PRELOGIN, { email: 'NOBODY@kantoor.example ' });
    const other = await browser.post(PRELOGIN, { email: 'someone@kantoor.example' });
    for (const res of [known, unknown, unknownAgain, other]) {
      expect(res.status).toBe(200);
      expect(Object.keys(res.body as object)).toEqual(['kdf']);
      expect(Object.keys((res.body as PreloginResponse).kdf).sort()).toEqual([
        'algorithm',
        'memLimit',
        'opsLimit',
        'salt',
      ]);
    }
    const [k, u, u2, x] = [known, unknown, unknownAgain, other].map((res) => PreloginResponse.parse(res.body).kdf);
    expect(k?.salt).toBe(o.admin.account.kdf.salt);
    expect({ ...u, salt: '' }).toEqual({ ...k, salt: '' });
    expect(u2?.salt).toBe(u?.salt);
    expect(x?.salt).not.toBe(u?.salt);
    expect(fromBase64Url(u?.salt ?? '')).toHaveLength(16);

    const wrong = await browser.post(LOGIN, { email: 'anna@kantoor.example', authKey: WRONG_KEY });
    const nobody = await browser.post(LOGIN, { email: 'nobody@kantoor.example', authKey: WRONG_KEY });
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(wrong.status);
    expect(nobody.text).toBe(wrong.text);
    expect(Object.keys(nobody.headers).sort()).toEqual(Object.keys(wrong.headers).sort());
  });

  it('refuses a cross-origin sign-in', async () => {
    const o = await office();
    const pre = await request(o.t.app)
      .post(PRELOGIN)
      .set('Origin', 'https://evil.example')
      .send({ email: 'anna@kantoor.example' });
    expectError(pre, 403, 'cross_origin');
    const login = await request(o.t.app)
      .post(LOGIN)
      .set('Origin', 'https://evil.example')
      .send({ email: 'anna@kantoor.example', authKey: authKeyFor(o.admin.account.password, o.admin.account.kdf) });
    expectError(login, 403, 'cross_origin');
    expect(login.headers['set-cookie']).toBeUndefined();
    // Also for a signed-in request: the cookie alone is not enough.
    const logout = await request(o.t.app)
      .post('/api/v1/auth/logout')
      .set('Origin', 'https://evil.example')
      .set('Cookie', `__Host-coffer-session=${o.admin.tab.token}`)
      .send({});
    expectError(logout, 403, 'cross_origin');
    expect((await o.admin.tab.get('/api/v1/session')).status).toBe(200);
  });
});

describe('second factor', () => {
  async function withTotp() {
    const o = await office();
    const bram = await inviteAndAccept(o, 'bram@kantoor.example');
    await approve(o, bram);
    await enrolTotp(o, bram);
    return { o, bram };
  }

  it('releases neither the key bundle nor the cookie before the second factor', async () => {
    const { o, bram } = await withTotp();
    const { res } = await passwordStep(o.t, bram.account);
    expect(res.status).toBe(200);
    const answer = LoginResponse.parse(res.body);
    expect(answer.status).toBe('second-factor');
    expect(Object.keys(res.body as object).sort()).toEqual(['status', 'ticket']);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).not.toContain(bram.account.wire.passwordBundle);
    expect(res.text).not.toContain('Bundle');
    // The ticket is not a session.
    const sneaky = await request(o.t.app)
      .get('/api/v1/me/keys')
      .set('Cookie', `__Host-coffer-session=${answer.status === 'second-factor' ? answer.ticket : ''}`);
    expectError(sneaky, 401, 'signed_out');

    o.t.clock.advance(30_000);
    const second = await tab(o.t.app).post(SECOND, {
      ticket: answer.status === 'second-factor' ? answer.ticket : '',
      code: totpCode(bram.totpSecret ?? '', o.t.clock.now()),
    });
    expect(second.status).toBe(200);
    const signedIn = SignedIn.parse(second.body);
    expect(signedIn.keys.passwordBundle).toBe(bram.account.wire.passwordBundle);
    expect(signedIn.session.me.twoFactor).toBe(true);
    expect(second.headers['set-cookie']).toBeDefined();
  });

  it('refuses a wrong code and a code whose step was used already', async () => {
    const { o, bram } = await withTotp();
    const first = await passwordStep(o.t, bram.account);
    const ticket = ticketOf(first.res);
    o.t.clock.advance(30_000);
    const code = totpCode(bram.totpSecret ?? '', o.t.clock.now());
    const wrong = code === '000000' ? '111111' : '000000';
    expectError(await first.tab.post(SECOND, { ticket, code: wrong }), 401, 'invalid_credentials');
    expect((await first.tab.post(SECOND, { ticket, code })).status).toBe(200);

    // The same code (same step) in another sign-in a moment later is refused.
    const replay = await passwordStep(o.t, bram.account);
    const res = await replay.tab.post(SECOND, { ticket: ticketOf(replay.res), code });
    expectError(res, 401, 'invalid_credentials');
    expect(res.headers['set-cookie']).toBeUndefined();
    // So is the previous step's code, although it is inside the ±1 window.
    const previous = totpCode(bram.totpSecret ?? '', o.t.clock.now() - 30_000);
    expectError(
      await replay.tab.post(SECOND, { ticket: ticketOf(replay.res), code: previous }),
      401,
      'invalid_credentials',
    );
    // The next step works.
    o.t.clock.advance(30_000);
    const fresh = await replay.tab.post(SECOND, {
      ticket: ticketOf(replay.res),
      code: totpCode(bram.totpSecret ?? '', o.t.clock.now()),
    });
    expect(fresh.status).toBe(200);
  });

  it('accepts a backup code once', async () => {
    const { o, bram } = await withTotp();
    const codes = bram.backupCodes ?? [];
    expect(codes).toHaveLength(10);
    const code = codes[3] as string;
    const first = await passwordStep(o.t, bram.account);
    expect((await first.tab.post(SECOND, { ticket: ticketOf(first.res), code: code.toLowerCase() })).status).toBe(200);
    const again = await passwordStep(o.t, bram.account);
    expectError(await again.tab.post(SECOND, { ticket: ticketOf(again.res), code }), 401, 'invalid_credentials');
    expect(
      (
        await again.tab.post(SECOND, {
          ticket: ticketOf(again.res),
          code: (codes[4] as string).replace('-', ''),
        })
      ).status,
    ).toBe(200);
  });

  it('lets a ticket live 5 minutes and survive only a few wrong codes', async () => {
    const { o, bram } = await withTotp();
    const late = await passwordStep(o.t, bram.account);
    o.t.clock.advance(TICKET_LIFETIME_MS);
    expectError(
      await late.tab.post(SECOND, {
        ticket: ticketOf(late.res),
        code: totpCode(bram.totpSecret ?? '', o.t.clock.now()),
      }),
      401,
      'invalid_credentials',
    );

    const guessed = await passwordStep(o.t, bram.account);
    const ticket = ticketOf(guessed.res);
    for (const code of ['000001', '000002', '000003'])
      expectError(await guessed.tab.post(SECOND, { ticket, code }), 401, 'invalid_credentials');
    o.t.clock.advance(30_000);
    expectError(
      await guessed.tab.post(SECOND, { ticket, code: totpCode(bram.totpSecret ?? '', o.t.clock.now()) }),
      401,
      'invalid_credentials',
    );
  });

  it('turns two-factor sign-in off only with the auth key and a code', async () => {
    const { o, bram } = await withTotp();
    const authKey = authKeyFor(bram.account.password, bram.account.kdf);
    o.t.clock.advance(30_000);
    const code = totpCode(bram.totpSecret ?? '', o.t.clock.now());
    expectError(
      await bram.tab.post('/api/v1/me/two-factor/disable', { authKey: WRONG_KEY, code }),
      401,
      'invalid_credentials',
    );
    expectError(
      await bram.tab.post('/api/v1/me/two-factor/disable', { authKey, code: '123456' === code ? '654321' : '123456' }),
      401,
      'invalid_credentials',
    );
    expect((await bram.tab.post('/api/v1/me/two-factor/disable', { authKey, code })).status).toBe(204);
    const { res } = await passwordStep(o.t, bram.account);
    expect(LoginResponse.parse(res.body).status).toBe('signed-in');
  });

  it('requires the office policy to let members turn it off, and makes members enrol first', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, 'bram@kantoor.example');
    await approve(o, bram);
    const settings = {
      name: 'Administratiekantoor De Boer',
      requireTwoFactor: true,
      maxExpiryDays: 30,
      retentionDays: 90,
    };
    expect((await o.admin.tab.put('/api/v1/admin/settings', settings)).status).toBe(200);

    // Bram's open session: member routes refuse, the session and enrolment work.
    expectError(await bram.tab.get('/api/v1/office/keys'), 403, 'two_factor_required');
    expectError(await bram.tab.get('/api/v1/directory'), 403, 'two_factor_required');
    const session = SessionInfo.parse((await bram.tab.get('/api/v1/session')).body);
    expect(session.me.mustEnrolTwoFactor).toBe(true);
    expect((await bram.tab.get('/api/v1/me/keys')).status).toBe(200);
    // The admin too (admin routes are member routes).
    expectError(await o.admin.tab.get('/api/v1/admin/users'), 403, 'two_factor_required');
    await enrolTotp(o, bram);
    expect((await bram.tab.get('/api/v1/office/keys')).status).toBe(200);
    expect(SessionInfo.parse((await bram.tab.get('/api/v1/session')).body).me.mustEnrolTwoFactor).toBe(false);
    // While the policy holds, it cannot be turned off.
    o.t.clock.advance(30_000);
    const disable = await bram.tab.post('/api/v1/me/two-factor/disable', {
      authKey: authKeyFor(bram.account.password, bram.account.kdf),
      code: totpCode(bram.totpSecret ?? '', o.t.clock.now()),
    });
    expectError(disable, 409, 'two_factor_policy');
    await enrolTotp(o, o.admin);
    expect((await o.admin.tab.get('/api/v1/admin/users')).status).toBe(200);
  });

  it('refuses a second enrolment while one is active, and a wrong confirmation code', async () => {
    const o = await office();
    const begin = await o.admin.tab.post('/api/v1/me/two-factor/begin', {
      authKey: authKeyFor(o.admin.account.password, o.admin.account.kdf),
    });
    expect(begin.status).toBe(200);
    expect(TwoFactorBeginResponse.parse(begin.body).uri).toMatch(
      /^otpauth:\/\/totp\/Administratiekantoor%20De%20Boer:anna%40kantoor\.example\?secret=[A-Z2-7]{32}&/,
    );
    expectError(
      await o.admin.tab.post('/api/v1/me/two-factor/confirm', {
        code:
          '000000' === totpCode(TwoFactorBeginResponse.parse(begin.body).secret, o.t.clock.now()) ? '111111' : '000000',
        backupCodes: browserBackupCodes(),
      }),
      401,
      'invalid_credentials',
    );
    await enrolTotp(o, o.admin);
    expectError(
      await o.admin.tab.post('/api/v1/me/two-factor/begin', {
        authKey: authKeyFor(o.admin.account.password, o.admin.account.kdf),
      }),
      409,
      'wrong_state',
    );
  });
});

describe('sessions', () => {
  it('signs out: the session ends and the cookie is cleared', async () => {
    const o = await office();
    const token = o.admin.tab.token;
    const res = await o.admin.tab.post('/api/v1/auth/logout');
    expect(res.status).toBe(204);
    expect(o.admin.tab.token).toBeUndefined();
    // The old token (say, copied from the browser) opens nothing any more.
    const stale = await request(o.t.app).get('/api/v1/session').set('Cookie', `__Host-coffer-session=${token}`);
    expectError(stale, 401, 'signed_out');
    expectError(await o.admin.tab.get('/api/v1/session'), 401, 'signed_out');
  });

  it('lists only the caller’s own sessions and ends one; another user’s session id answers 404', async () => {
    const o = await office();
    const bram = await inviteAndAccept(o, 'bram@kantoor.example');
    const second = await signIn(o, o.admin);
    const list = SessionList.parse((await o.admin.tab.get('/api/v1/sessions')).body);
    expect(list.sessions).toHaveLength(2);
    expect(list.sessions.filter((s) => s.current)).toHaveLength(1);
    expect(list.sessions.map((s) => s.device)).toEqual(['Firefox on Linux', 'Firefox on Linux']);

    const bramSessions = SessionList.parse((await bram.tab.get('/api/v1/sessions')).body).sessions;
    expect(bramSessions).toHaveLength(1);
    expect(bramSessions[0]?.device).toBe('Chrome on Windows');
    const bramSessionId = bramSessions[0]?.sessionId as string;
    expect(list.sessions.map((s) => s.sessionId)).not.toContain(bramSessionId);

    expectError(await o.admin.tab.delete(`/api/v1/sessions/${bramSessionId}`), 404, 'not_found');
    expectError(await o.admin.tab.delete('/api/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
    expectError(await o.admin.tab.delete('/api/v1/sessions/not-an-id'), 404, 'not_found');
    expect((await bram.tab.get('/api/v1/session')).status).toBe(200);

    const other = list.sessions.find((s) => !s.current)?.sessionId as string;
    expect((await o.admin.tab.delete(`/api/v1/sessions/${other}`)).status).toBe(204);
    expectError(await second.tab.get('/api/v1/session'), 401, 'signed_out');
    expect((await o.admin.tab.get('/api/v1/session')).status).toBe(200);
  });

  it('ends after the idle time; the session poll does not count as activity, other requests do', async () => {
    const o = await office({ SESSION_IDLE_MINUTES: '10' });
    const minute = 60_000;
    o.t.clock.advance(9 * minute);
    expect((await o.admin.tab.get('/api/v1/session')).status).toBe(200); // passive
    o.t.clock.advance(minute);
    expectError(await o.admin.tab.get('/api/v1/session'), 401, 'signed_out');
    expect(o.admin.tab.token).toBeUndefined();

    const again = await signIn(o, o.admin);
    o.t.clock.advance(9 * minute);
    expect((await again.tab.get('/api/v1/me/keys')).status).toBe(200); // activity
    o.t.clock.advance(9 * minute);
    expect((await again.tab.get('/api/v1/session')).status).toBe(200);
    o.t.clock.advance(minute);
    expectError(await again.tab.get('/api/v1/session'), 401, 'signed_out');
  });

  it('ends at the absolute lifetime however active it is', async () => {
    const o = await office({ SESSION_MAX_HOURS: '1', SESSION_IDLE_MINUTES: '30' });
    for (let i = 0; i < 5; i++) {
      o.t.clock.advance(11 * 60_000);
      expect((await o.admin.tab.get('/api/v1/me/keys')).status).toBe(200);
    }
    o.t.clock.advance(5 * 60_000); // 60 minutes after sign-in
    expectError(await o.admin.tab.get('/api/v1/me/keys'), 401, 'signed_out');
    expect(o.t.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('answers the keys again to a signed-in user, and signed_out without a session', async () => {
    const o = await office();
    const keys = KeyMaterial.parse((await o.admin.tab.get('/api/v1/me/keys')).body);
    expect(keys.passwordBundle).toBe(o.admin.account.wire.passwordBundle);
    expectError(await request(o.t.app).get('/api/v1/me/keys'), 401, 'signed_out');
    expectError(
      await request(o.t.app)
        .get('/api/v1/me/keys')
        .set('Cookie', '__Host-coffer-session=' + 'A'.repeat(43)),
      401,
      'signed_out',
    );
    expectError(
      await request(o.t.app).post('/api/v1/auth/logout').set('Origin', TEST_ORIGIN).send({}),
      401,
      'signed_out',
    );
  });

  it('gives every session route a signed_out answer without a cookie', async () => {
    const o = await office();
    const anonymous = tab(o.t.app);
    expectError(await anonymous.get('/api/v1/session'), 401, 'signed_out');
    expectError(await anonymous.get('/api/v1/sessions'), 401, 'signed_out');
    expectError(await anonymous.delete(`/api/v1/sessions/${idOf(o.admin)}`), 401, 'signed_out');
    expectError(await anonymous.post('/api/v1/me/two-factor/begin'), 401, 'signed_out');
    expectError(await anonymous.post('/api/v1/me/password', {}), 401, 'signed_out');
  });
});
