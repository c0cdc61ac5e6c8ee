// Pure parts of the accounts pages, tested in Node: the password rule, recovery-key input,
// Retry-After, the QR code drawing, code and address checks, where to go after sign-in, the
// logo checks, and the worker protocol's message guards.
import { describe, expect, it } from 'vitest';
import { formatRecoveryKey, newRecoveryKey, parseRecoveryKey, ready } from '../../shared/crypto/index.js';
import { encode } from 'uqr';
import { describeWait, parseRetryAfter } from '../../client/src/api/retry-after';
import { isPageMessage, isWorkerMessage, REQUESTS } from '../../client/src/crypto/protocol';
import { logoProblem } from '../../client/src/features/admin/logo';
import {
  judgePassword,
  MIN_PASSWORD_LENGTH,
  passwordLength,
  personalWords,
  type Strength,
} from '../../client/src/features/password/policy';
import { estimateStrength } from '../../client/src/features/password/strength';
import { groups, normalizeRecoveryKeyInput } from '../../client/src/features/recover/recovery-input';
import { nextPath } from '../../client/src/next-path';
import { matrixToRects, qrDrawing } from '../../client/src/ui/qr';
import { displayName, isEmail, normalizeEmail, normalizeSecondFactorCode } from '../../client/src/ui/validate';

const strong: Strength = { score: 4, warning: null, leaked: false };

describe('password rule', () => {
  it('needs at least 12 characters, counted as people count them', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(judgePassword('a'.repeat(11), strong)).toEqual({ kind: 'refused', score: 1, reasons: ['too_short'] });
    expect(judgePassword('kaas-fiets-regen', strong)).toEqual({ kind: 'accepted', score: 4 });
    // Twelve emoji are 24 UTF-16 units but twelve characters; eleven are too short.
    expect(passwordLength('🔑'.repeat(12))).toBe(12);
    expect(judgePassword('🔑'.repeat(11), strong).kind).toBe('refused');
    // A decomposed é counts once (NFC), as Argon2id sees it.
    expect(passwordLength('e\u0301'.repeat(12))).toBe(12);
  });

  it('needs a score of 3 or more, and says why in terms of the estimator’s warning', () => {
    expect(judgePassword('correct horse', { score: 3, warning: null, leaked: false }).kind).toBe('accepted');
    expect(judgePassword('qwertyuiopas', { score: 2, warning: 'keyPattern', leaked: false })).toEqual({
      kind: 'refused',
      score: 2,
      reasons: ['keyboard_pattern'],
    });
    expect(judgePassword('Jan.Jansen.kantoor', { score: 1, warning: 'userInputs', leaked: false })).toMatchObject({
      reasons: ['personal'],
    });
    expect(judgePassword('zomer2024zomer', { score: 2, warning: null, leaked: false })).toMatchObject({
      reasons: ['too_guessable'],
    });
    expect(judgePassword('short', { score: 0, warning: null, leaked: false })).toMatchObject({
      reasons: ['too_short', 'too_guessable'],
    });
  });

  it('refuses a password from the leaked-password list whatever its score, and says so first', () => {
    expect(judgePassword('Password1234!', { score: 3, warning: null, leaked: true })).toEqual({
      kind: 'refused',
      score: 3,
      reasons: ['leaked'],
    });
    expect(judgePassword('password1234', { score: 1, warning: 'common', leaked: true })).toMatchObject({
      reasons: ['leaked'],
    });
    expect(judgePassword('passw0rd1234', { score: 1, warning: 'similarToCommon', leaked: false })).toMatchObject({
      reasons: ['similar_to_leaked'],
    });
  });

  it('is "checking" while the estimator loads, but refuses a short password at once', () => {
    expect(judgePassword('', null)).toEqual({ kind: 'empty' });
    expect(judgePassword('long enough to wait', null)).toEqual({ kind: 'checking' });
    expect(judgePassword('short', null)).toMatchObject({ kind: 'refused', reasons: ['too_short'] });
    expect(judgePassword('x'.repeat(1025), strong)).toMatchObject({ kind: 'refused', reasons: ['too_long'] });
  });

  it('treats the person’s name, address and office as guessable', () => {
    expect(personalWords('Anna de Vries', 'anna.de.vries@kantoor-jansen.nl', 'Kantoor Jansen')).toEqual(
      expect.arrayContaining(['coffer', 'anna', 'vries', 'kantoor', 'jansen', 'anna.de.vries@kantoor-jansen.nl']),
    );
    expect(personalWords(undefined, '')).toEqual(['coffer']);
  });

  it('with the real estimator (common, English and Dutch dictionaries)', () => {
    const inputs = personalWords('Anna de Vries', 'anna@kantoor-jansen.nl', 'Kantoor Jansen');
    const verdict = (password: string) => judgePassword(password, estimateStrength(password, inputs));
    expect(verdict('123456789012')).toMatchObject({ kind: 'refused', reasons: ['leaked'] });
    expect(verdict('password1234').kind).toBe('refused');
    expect(verdict('qwertyuiop123').kind).toBe('refused');
    expect(verdict('wachtwoord123').kind).toBe('refused');
    expect(verdict('hallohallohallo')).toMatchObject({ kind: 'refused', reasons: ['repeat'] });
    expect(verdict('kantoorjansen')).toMatchObject({ kind: 'refused', reasons: ['personal'] });
    expect(verdict('kaasboer-fietspomp-regenjas').kind).toBe('accepted');
    expect(verdict('correct horse battery staple').kind).toBe('accepted');
  });
});

describe('recovery key input', () => {
  it('accepts the key as shown, and as people type or paste it', async () => {
    await ready();
    const key = formatRecoveryKey(newRecoveryKey());
    expect(normalizeRecoveryKeyInput(key)).toEqual({ kind: 'complete', key });
    const compact = key.replace(/-/g, '');
    for (const typed of [
      compact.toLowerCase(),
      groups(compact, 4).join(' '),
      `  ${groups(compact, 8).join('\n')}  `,
      key.replace(/-/g, '\u2013'),
    ]) {
      const result = normalizeRecoveryKeyInput(typed);
      expect(result).toEqual({ kind: 'complete', key });
      if (result.kind === 'complete') expect(parseRecoveryKey(result.key)).toEqual(parseRecoveryKey(key));
    }
  });

  it('reads O as 0 and I or L as 1, like Crockford base32', () => {
    const key = `${'0'.repeat(28)}${'1'.repeat(28)}`;
    expect(normalizeRecoveryKeyInput(`${'o'.repeat(28)}${'IlIl'.repeat(7)}`)).toEqual({
      kind: 'complete',
      key: groups(key, 4).join('-'),
    });
  });

  it('points at a character that is in no recovery key, and at a wrong length', () => {
    expect(normalizeRecoveryKeyInput('')).toEqual({ kind: 'empty' });
    expect(normalizeRecoveryKeyInput(' - ')).toEqual({ kind: 'empty' });
    expect(normalizeRecoveryKeyInput('ABCD-UVWX')).toEqual({ kind: 'bad_character', character: 'U' });
    expect(normalizeRecoveryKeyInput('ABCD.EFGH')).toEqual({ kind: 'bad_character', character: '.' });
    expect(normalizeRecoveryKeyInput('ABCD-EFGH')).toEqual({ kind: 'wrong_length', length: 8 });
    expect(normalizeRecoveryKeyInput('A'.repeat(57))).toEqual({ kind: 'wrong_length', length: 57 });
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 5 ', now)).toBe(5);
    expect(parseRetryAfter('0', now)).toBe(1);
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:03:30 GMT', now)).toBe(210);
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(1);
  });

  it('returns null for a missing or unreadable header', () => {
    for (const value of [null, undefined, '', '-5', '1.5', 'soon', '2025-03-01T12:03:00Z', '99999999999999999999']) {
      expect(parseRetryAfter(value, now), String(value)).toBeNull();
    }
  });

  it('describes a wait in whole seconds, minutes or hours, rounded up', () => {
    expect(describeWait(1)).toEqual({ unit: 'seconds', value: 1 });
    expect(describeWait(59)).toEqual({ unit: 'seconds', value: 59 });
    expect(describeWait(60)).toEqual({ unit: 'minutes', value: 1 });
    expect(describeWait(61)).toEqual({ unit: 'minutes', value: 2 });
    expect(describeWait(3600)).toEqual({ unit: 'hours', value: 1 });
    expect(describeWait(5401)).toEqual({ unit: 'hours', value: 2 });
  });
});

describe('QR code drawing', () => {
  it('turns each run of dark modules in a row into one rectangle', () => {
    const T = true;
    const F = false;
    expect(
      matrixToRects([
        [T, T, F, T],
        [F, F, F, F],
        [F, T, T, T],
      ]),
    ).toEqual([
      { x: 0, y: 0, width: 2 },
      { x: 3, y: 0, width: 1 },
      { x: 1, y: 2, width: 3 },
    ]);
    expect(matrixToRects([])).toEqual([]);
  });

  it('covers exactly the dark modules of the code, with the quiet zone', () => {
    const uri = 'otpauth://totp/Coffer:anna%40kantoor-jansen.nl?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Coffer';
    const drawing = qrDrawing(uri);
    const { data } = encode(uri, { ecc: 'M', border: 4 });
    expect(drawing.size).toBe(data.length);
    const painted = data.map((row) => row.map(() => false));
    for (const rect of drawing.rects) {
      for (let x = rect.x; x < rect.x + rect.width; x++) {
        expect(painted[rect.y]?.[x], `overlap at ${x},${rect.y}`).toBe(false);
        painted[rect.y]![x] = true;
      }
    }
    expect(painted).toEqual(data);
    // The quiet zone (4 modules) stays light.
    expect(
      drawing.rects.every(
        (rect) => rect.x >= 4 && rect.y >= 4 && rect.x + rect.width <= drawing.size - 4 && rect.y < drawing.size - 4,
      ),
    ).toBe(true);
  });
});

describe('input checks', () => {
  it('normalises and checks e-mail addresses like the wire schema', () => {
    expect(normalizeEmail('  Anna@Kantoor.NL ')).toBe('anna@kantoor.nl');
    expect(isEmail('anna@kantoor.nl')).toBe(true);
    for (const bad of ['', 'anna', 'anna@kantoor', 'an na@kantoor.nl', '<anna@kantoor.nl>', `${'a'.repeat(250)}@x.nl`])
      expect(isEmail(bad), bad).toBe(false);
  });

  it('accepts a six-digit code with spaces, and a backup code in any case', () => {
    expect(normalizeSecondFactorCode(' 123 456 ', 'totp')).toBe('123456');
    expect(normalizeSecondFactorCode('12345', 'totp')).toBeNull();
    expect(normalizeSecondFactorCode('abcde-12345', 'totp')).toBeNull();
    expect(normalizeSecondFactorCode('abcde12345', 'backup')).toBe('ABCDE-12345');
    expect(normalizeSecondFactorCode('ABCDE–12345', 'either')).toBe('ABCDE-12345');
    expect(normalizeSecondFactorCode('123456', 'either')).toBe('123456');
    expect(normalizeSecondFactorCode('123456', 'backup')).toBeNull();
  });

  it('checks display names', () => {
    expect(displayName('  Kantoor Jansen ')).toBe('Kantoor Jansen');
    expect(displayName('   ')).toBeNull();
    expect(displayName('x'.repeat(101))).toBeNull();
    expect(displayName('a\u0007b')).toBeNull();
  });

  it('goes on after sign-in only to a page of the signed-in app', () => {
    expect(nextPath('?next=%2Fapp%2Fadmin%2Finvitations')).toBe('/app/admin/invitations');
    expect(nextPath('?next=/app/security')).toBe('/app/security');
    for (const search of [
      '',
      '?next=https://evil.example/app',
      '?next=//evil.example',
      '?next=/setup',
      '?next=/app/../setup',
      '?next=/app?x=1',
    ]) {
      expect(nextPath(search), search).toBe('/app');
    }
  });

  it('checks a logo’s type and size before it is sent', () => {
    expect(logoProblem({ type: 'image/png', size: 1000 })).toBeNull();
    expect(logoProblem({ type: 'image/webp', size: 512 * 1024 })).toBeNull();
    expect(logoProblem({ type: 'image/jpeg', size: 512 * 1024 + 1 })).toBe('size');
    expect(logoProblem({ type: 'image/png', size: 0 })).toBe('size');
    expect(logoProblem({ type: 'image/svg+xml', size: 100 })).toBe('type');
    expect(logoProblem({ type: '', size: 100 })).toBe('type');
  });
});

describe('worker protocol', () => {
  it('recognises only well-formed messages', () => {
    expect(isPageMessage({ type: 'ping', id: 1 })).toBe(true);
    expect(isPageMessage({ type: 'call', id: 2, op: 'unlock', request: {} })).toBe(true);
    expect(isPageMessage({ type: 'call', id: 2, op: 'toString', request: {} })).toBe(false);
    expect(isPageMessage({ type: 'call', id: 2.5, op: 'lock', request: {} })).toBe(false);
    expect(isWorkerMessage({ type: 'progress', id: 3, stage: 'password' })).toBe(true);
    expect(isWorkerMessage({ type: 'progress', id: 3, stage: 'other' })).toBe(false);
    expect(isWorkerMessage({ type: 'error', id: 3, code: 'wrong_password' })).toBe(true);
    expect(isWorkerMessage({ type: 'error', id: 3, code: 'stack trace here' })).toBe(false);
  });

  it('checks each request against its schema', () => {
    expect(
      REQUESTS.deriveSignIn.safeParse({
        password: 'x',
        kdf: { algorithm: 'argon2id13', salt: 'A'.repeat(22), opsLimit: 3, memLimit: 67108864 },
      }).success,
    ).toBe(true);
    expect(REQUESTS.deriveSignIn.safeParse({ password: '', kdf: {} }).success).toBe(false);
    expect(REQUESTS.createAccount.safeParse({ userId: 'not an id', password: 'x' }).success).toBe(false);
  });
});
