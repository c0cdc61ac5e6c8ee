// Changing the password, and recovering an account with the recovery key and a second factor.
import { describe, expect, it } from 'vitest';
import { RecoverResponse, SignedIn, ErrorBody } from '../../shared/wire/index.js';
import { authKeyFor, changePassword, completeRecovery, openPasswordBundle, b64, totpCode } from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import {
  approve,
  enrolTotp,
  inviteAndAccept,
  passwordStep,
  signIn,
  type Member,
  type Office,
} from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

let counter = 0;
async function withMember(options: { totp: boolean }): Promise<{ o: Office; bram: Member }> {
  const o = await suite.office();
  const bram = await inviteAndAccept(o, `bram${++counter}@kantoor.example`);
  await approve(o, bram);
  if (options.totp) await enrolTotp(o, bram);
  return { o, bram };
}

const NEW_PASSWORD = 'a brand new passphrase for bram';
const WRONG_KEY = Buffer.alloc(32, 3).toString('base64url');

describe('password change', () => {
  it('refuses without the current auth key', async () => {
    const { bram } = await withMember({ totp: false });
    const { request } = changePassword(bram.account, NEW_PASSWORD);
    expectError(
      await bram.tab.post('/api/v1/me/password', { ...request, authKey: WRONG_KEY }),
      401,
      'invalid_credentials',
    );
    expect((await bram.tab.get('/api/v1/session')).status).toBe(200);
  });

  it('with two-factor sign-in on, needs a code too', async () => {
    const { o, bram } = await withMember({ totp: true });
    const { request, commit } = changePassword(bram.account, NEW_PASSWORD);
    expectError(await bram.tab.post('/api/v1/me/password', request), 401, 'invalid_credentials');
    expectError(
      await bram.tab.post('/api/v1/me/password', {
        ...request,
        code: '000000' === totpCode(bram.totpSecret ?? '', o.t.clock.now() + 30_000) ? '111111' : '000000',
      }),
      401,
      'invalid_credentials',
    );
    o.t.clock.advance(30_000);
    expect(
      (
        await bram.tab.post('/api/v1/me/password', {
          ...request,
          code: totpCode(bram.totpSecret ?? '', o.t.clock.now()),
        })
      ).status,
    ).toBe(204);
    commit();
    expect((await signIn(o, bram)).signedIn.session.me.twoFactor).toBe(true);
  });

  it('sets the new password, ends every other session, keeps this one, and mails the user without secrets', async () => {
    const { o, bram } = await withMember({ totp: false });
    const other = await signIn(o, bram);
    await o.t.mailQueue.idle(); // notices (the approval) go out in the background
    const before = suite.mail.to(bram.account.email).length;
    const oldPassword = bram.account.password;
    const { request, commit } = changePassword(bram.account, NEW_PASSWORD);
    const res = await bram.tab.post('/api/v1/me/password', request);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    commit();
    expect((await bram.tab.get('/api/v1/session')).status).toBe(200);
    expectError(await other.tab.get('/api/v1/session'), 401, 'signed_out');

    expectError((await passwordStep(o.t, bram.account, tab(o.t.app), oldPassword)).res, 401, 'invalid_credentials');
    const fresh = SignedIn.parse((await passwordStep(o.t, bram.account)).res.body);
    expect(openPasswordBundle(bram.account, fresh.keys.passwordBundle).identity.publicKey).toEqual(
      bram.account.keys.identity.publicKey,
    );

    await o.t.mailQueue.idle();
    const messages = suite.mail.to(bram.account.email);
    expect(messages).toHaveLength(before + 1);
    const message = messages.at(-1);
    // In Bram's language: Dutch, the office's default (his inviter's).
    expect(message?.subject).toBe('Uw Coffer-wachtwoord is gewijzigd (Administratiekantoor De Boer)');
    const text = message?.text ?? '';
    for (const secret of [NEW_PASSWORD, oldPassword, request.newAuthKey, request.authKey, request.passwordBundle, '#'])
      expect(text).not.toContain(secret);
  });

  it('refuses Argon2id parameters outside the floor', async () => {
    const { bram } = await withMember({ totp: false });
    const { request } = changePassword(bram.account, NEW_PASSWORD);
    const res = await bram.tab.post('/api/v1/me/password', {
      ...request,
      kdf: { ...request.kdf, memLimit: 1024 * 1024 },
    });
    expectError(res, 400, 'invalid_input');
    expect(ErrorBody.parse(res.body).error.fields).toEqual(['kdf']);
  });
});

describe('recovery', () => {
  const RECOVER = '/api/v1/auth/recover';

  it('refuses without the second factor, or with the wrong recovery key', async () => {
    const { o, bram } = await withMember({ totp: true });
    const recoveryAuthKey = b64(bram.account.recoverySplit.authKey);
    const browser = tab(o.t.app);
    o.t.clock.advance(30_000);
    const code = totpCode(bram.totpSecret ?? '', o.t.clock.now());
    const wrongCode = code === '000000' ? '111111' : '000000';
    expectError(await browser.post(RECOVER, { email: bram.account.email, recoveryAuthKey }), 400, 'invalid_input');
    expectError(
      await browser.post(RECOVER, { email: bram.account.email, recoveryAuthKey, code: wrongCode }),
      401,
      'invalid_credentials',
    );
    const wrongKey = await browser.post(RECOVER, { email: bram.account.email, recoveryAuthKey: WRONG_KEY, code });
    expectError(wrongKey, 401, 'invalid_credentials');
    const unknown = await browser.post(RECOVER, { email: 'nobody@kantoor.example', recoveryAuthKey, code });
    expect(unknown.text).toBe(wrongKey.text);
    // A wrong recovery key did not use up the code.
    expect((await browser.post(RECOVER, { email: bram.account.email, recoveryAuthKey, code })).status).toBe(200);
  });

  it('gives users without two-factor sign-in the same 401: they must ask an admin', async () => {
    const { o, bram } = await withMember({ totp: false });
    const res = await tab(o.t.app).post(RECOVER, {
      email: bram.account.email,
      recoveryAuthKey: b64(bram.account.recoverySplit.authKey),
      code: '123456',
    });
    expectError(res, 401, 'invalid_credentials');
  });

  it('with the recovery key and a code: a new password works, the old fails, a new recovery key replaces the old, and every session ends', async () => {
    const { o, bram } = await withMember({ totp: true });
    const oldPassword = bram.account.password;
    const oldRecovery = b64(bram.account.recoverySplit.authKey);
    const browser = tab(o.t.app);
    const answer = await browser.post(RECOVER, {
      email: bram.account.email,
      recoveryAuthKey: oldRecovery,
      code: bram.backupCodes?.[0] ?? '',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const recovered = RecoverResponse.parse(answer.body);
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.text).not.toContain('passwordBundle');

    const { body, commit } = completeRecovery(bram.account, recovered.recoveryBundle, NEW_PASSWORD);
    const done = await browser.post('/api/v1/auth/recover/complete', { ticket: recovered.ticket, ...body });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    commit();
    const signedIn = SignedIn.parse(done.body);
    expect(openPasswordBundle(bram.account, signedIn.keys.passwordBundle).personalKey).toEqual(
      bram.account.keys.personalKey,
    );
    expect(signedIn.keys.sealedOfficeKeys).toBeDefined();
    expect((await browser.get('/api/v1/office/keys')).status).toBe(200);
    expectError(await bram.tab.get('/api/v1/session'), 401, 'signed_out');

    // The ticket worked once.
    expectError(
      await tab(o.t.app).post('/api/v1/auth/recover/complete', { ticket: recovered.ticket, ...body }),
      401,
      'invalid_credentials',
    );
    // The old password and the old recovery key fail; the new ones work.
    expectError((await passwordStep(o.t, bram.account, tab(o.t.app), oldPassword)).res, 401, 'invalid_credentials');
    o.t.clock.advance(30_000);
    expect((await signIn(o, bram)).signedIn.session.me.email).toBe(bram.account.email);
    o.t.clock.advance(30_000);
    const code = totpCode(bram.totpSecret ?? '', o.t.clock.now());
    expectError(
      await tab(o.t.app).post(RECOVER, { email: bram.account.email, recoveryAuthKey: oldRecovery, code }),
      401,
      'invalid_credentials',
    );
    expect(
      (
        await tab(o.t.app).post(RECOVER, {
          email: bram.account.email,
          recoveryAuthKey: b64(bram.account.recoverySplit.authKey),
          code,
        })
      ).status,
    ).toBe(200);
    // The password-changed notice went out.
    await o.t.mailQueue.idle();
    expect(suite.mail.to(bram.account.email).at(-1)?.subject).toContain('Uw Coffer-wachtwoord is gewijzigd');
  });

  it('lets a recovery ticket live 5 minutes and only for completing recovery', async () => {
    const { o, bram } = await withMember({ totp: true });
    o.t.clock.advance(30_000);
    const answer = RecoverResponse.parse(
      (
        await tab(o.t.app).post(RECOVER, {
          email: bram.account.email,
          recoveryAuthKey: b64(bram.account.recoverySplit.authKey),
          code: totpCode(bram.totpSecret ?? '', o.t.clock.now()),
        })
      ).body,
    );
    // Not a sign-in ticket.
    expectError(
      await tab(o.t.app).post('/api/v1/auth/second-factor', {
        ticket: answer.ticket,
        code: bram.backupCodes?.[1] ?? '',
      }),
      401,
      'invalid_credentials',
    );
    o.t.clock.advance(5 * 60_000);
    const { body } = completeRecovery(bram.account, answer.recoveryBundle, NEW_PASSWORD);
    expectError(
      await tab(o.t.app).post('/api/v1/auth/recover/complete', { ticket: answer.ticket, ...body }),
      401,
      'invalid_credentials',
    );
    expect(authKeyFor(bram.account.password, bram.account.kdf)).toBe(bram.account.wire.authKey);
  });
});
