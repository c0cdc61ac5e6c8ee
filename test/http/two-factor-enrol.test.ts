// Turning on two-factor sign-in needs the password, not only a session: whoever holds a
// stolen session cookie must not be able to put their own authenticator on the account (the
// owner would then be refused at sign-in and shut out of self-service recovery). The begin step
// takes the current auth key and refuses a wrong one exactly as turning it off does; the owner
// is mailed when it is turned on.
import { describe, expect, it } from 'vitest';
import { TwoFactorBeginResponse, TwoFactorConfirmResponse } from '../../shared/wire/index.js';
import { authKeyFor, totpCode } from '../helpers/browser.js';
import { expectError } from '../helpers/expect.js';
import { approve, browserBackupCodes, inviteAndAccept, signIn, type Member, type Office } from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();
const BEGIN = '/api/v1/me/two-factor/begin';
const CONFIRM = '/api/v1/me/two-factor/confirm';
const WRONG_KEY = Buffer.alloc(32, 9).toString('base64url');
// In the member's language: Dutch, the office's default.
const SUBJECT = 'Inloggen in twee stappen staat aan voor uw Coffer-account (Administratiekantoor De Boer)';

let counter = 0;
async function withMember(): Promise<{ o: Office; bram: Member }> {
  const o = await suite.office();
  const bram = await inviteAndAccept(o, `bram${++counter}@kantoor.example`);
  await approve(o, bram);
  await o.t.mailQueue.idle(); // the approval notice goes out in the background
  return { o, bram };
}

const authKeyOf = (member: Member): string => authKeyFor(member.account.password, member.account.kdf);

function pendingSecret(o: Office, member: Member): unknown {
  return o.t.db.prepare('SELECT totp_pending FROM users WHERE email = ?').pluck().get(member.account.email);
}

function failedChecks(o: Office): { action: string; details: string }[] {
  return o.t.db.prepare("SELECT action, details FROM audit_log WHERE action = 'sign_in.failed' ORDER BY seq").all() as {
    action: string;
    details: string;
  }[];
}

describe('starting two-factor enrolment', () => {
  it('refuses a session without the auth key: 400 invalid_input, and no secret is made', async () => {
    const { o, bram } = await withMember();
    expectError(await bram.tab.post(BEGIN, {}), 400, 'invalid_input');
    expectError(await bram.tab.post(BEGIN), 400, 'invalid_input');
    expect(pendingSecret(o, bram)).toBeNull();
  });

  it('refuses a wrong auth key as a wrong password: 401 invalid_credentials, audited, no secret made', async () => {
    const { o, bram } = await withMember();
    expectError(await bram.tab.post(BEGIN, { authKey: WRONG_KEY }), 401, 'invalid_credentials');
    expect(pendingSecret(o, bram)).toBeNull();
    const failed = failedChecks(o).at(-1);
    expect(JSON.parse(failed?.details ?? '{}')).toEqual({ step: 'two_factor_begin', reason: 'wrong_password' });
    // The session itself is untouched.
    expect((await bram.tab.get('/api/v1/session')).status).toBe(200);
  });

  it('counts wrong auth keys against the sign-in limits: after a few, even the right one waits', async () => {
    const { bram } = await withMember();
    for (let i = 0; i < 5; i++)
      expectError(await bram.tab.post(BEGIN, { authKey: WRONG_KEY }), 401, 'invalid_credentials');
    expectError(await bram.tab.post(BEGIN, { authKey: authKeyOf(bram) }), 429, 'rate_limited');
  });

  it('a second session of the same account (a stolen cookie) cannot enrol without the password', async () => {
    const { o, bram } = await withMember();
    const other = await signIn(o, bram);
    expectError(await other.tab.post(BEGIN, { authKey: WRONG_KEY }), 401, 'invalid_credentials');
    expectError(
      await other.tab.post(CONFIRM, { code: '123456', backupCodes: browserBackupCodes() }),
      409,
      'wrong_state',
    );
    expect(pendingSecret(o, bram)).toBeNull();
  });

  it('with the right auth key: a secret, then the first code turns it on and mails the owner exactly once', async () => {
    const { o, bram } = await withMember();
    const before = suite.mail.to(bram.account.email).length;
    const begin = await bram.tab.post(BEGIN, { authKey: authKeyOf(bram) });
    expect(begin.status, JSON.stringify(begin.body)).toBe(200);
    const { secret } = TwoFactorBeginResponse.parse(begin.body);
    await o.t.mailQueue.idle();
    expect(suite.mail.to(bram.account.email)).toHaveLength(before); // beginning is not turning on

    const made = browserBackupCodes();
    const confirm = await bram.tab.post(CONFIRM, { code: totpCode(secret, o.t.clock.now()), backupCodes: made });
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    const { backupCodes } = TwoFactorConfirmResponse.parse(confirm.body);
    // The codes are the ones the browser made and sent, answered back as they were.
    expect(backupCodes).toEqual(made);

    await o.t.mailQueue.idle();
    const messages = suite.mail.to(bram.account.email);
    expect(messages).toHaveLength(before + 1);
    const message = messages.at(-1);
    expect(message?.subject).toBe(SUBJECT);
    const text = message?.text ?? '';
    expect(text).toContain('Administratiekantoor De Boer');
    for (const value of [secret, authKeyOf(bram), ...backupCodes]) expect(text).not.toContain(value);
    // Nobody else was mailed about it.
    expect(suite.mail.to(o.admin.account.email).filter((m) => m.subject === SUBJECT)).toHaveLength(0);
  });
});

describe("the browser's backup codes", () => {
  const begin = async (o: Office, member: Member): Promise<string> => {
    const started = await member.tab.post(BEGIN, { authKey: authKeyOf(member) });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    return TwoFactorBeginResponse.parse(started.body).secret;
  };
  const twoFactorOn = (o: Office, member: Member): unknown =>
    o.t.db.prepare('SELECT totp_secret IS NOT NULL FROM users WHERE email = ?').pluck().get(member.account.email);

  it('refuses too few, malformed or repeated codes with 400, and turns nothing on; the same first code then works', async () => {
    const { o, bram } = await withMember();
    const secret = await begin(o, bram);
    const code = totpCode(secret, o.t.clock.now());
    const good = browserBackupCodes();
    const [first = '', ...rest] = good;
    for (const backupCodes of [
      undefined,
      good.slice(1),
      [...good, browserBackupCodes()[0]],
      [first, first, ...rest.slice(1)],
      [first.toLowerCase(), ...rest],
      ['UUUUU-UUUUU', ...rest],
      [first.replace('-', ''), ...rest],
    ]) {
      expectError(await bram.tab.post(CONFIRM, { code, backupCodes }), 400, 'invalid_input');
      expect(twoFactorOn(o, bram)).toBe(0);
    }
    const confirm = await bram.tab.post(CONFIRM, { code, backupCodes: good });
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
    expect(twoFactorOn(o, bram)).toBe(1);
  });
});
