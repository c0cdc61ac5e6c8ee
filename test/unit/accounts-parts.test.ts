// Small parts of the account code, with known answers: TOTP (RFC 6238 test vectors), backup
// codes, the rate-limit escalation, device descriptions and logo detection.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import { normalizeBackupCode } from '../../server/auth/backup-codes.js';
import { BACKUP_CODE_COUNT, BACKUP_CODE_PATTERN, newBackupCodes } from '../../shared/backup-codes.js';
import { hotp, matchTotp, otpauthUri, toRfc4648Base32, totpStep } from '../../server/auth/totp.js';
import { detectImageType } from '../../server/office/logo.js';
import { blockFor, RATE_LIMITS } from '../../server/kernel/rate-limit/service.js';
import { describeDevice } from '../../server/kernel/sessions/device.js';

beforeAll(ready);

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890"; the last six of its eight digits.
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const RFC_VECTORS: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('TOTP', () => {
  it.each(RFC_VECTORS)('matches RFC 6238 at T=%i', (seconds, code) => {
    expect(hotp(RFC_SECRET, totpStep(seconds * 1000))).toBe(code);
    expect(matchTotp(RFC_SECRET, code, seconds * 1000)).toBe(totpStep(seconds * 1000));
  });

  it('accepts one step either side and nothing further', () => {
    const now = 1234567890_000;
    const step = totpStep(now);
    expect(matchTotp(RFC_SECRET, hotp(RFC_SECRET, step - 1), now)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET, hotp(RFC_SECRET, step + 1), now)).toBe(step + 1);
    expect(matchTotp(RFC_SECRET, hotp(RFC_SECRET, step - 2), now)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, hotp(RFC_SECRET, step + 2), now)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, '12345', now)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, 'abcdef', now)).toBeUndefined();
  });

  it('writes secrets in RFC 4648 base32 and an otpauth URI apps read', () => {
    expect(toRfc4648Base32(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI');
    expect(toRfc4648Base32(RFC_SECRET)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(otpauthUri({ issuer: 'Kantoor De Boer & Zn', account: 'anna@kantoor.example', secret: RFC_SECRET })).toBe(
      'otpauth://totp/Kantoor%20De%20Boer%20%26%20Zn:anna%40kantoor.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kantoor%20De%20Boer%20%26%20Zn&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('backup codes', () => {
  it('are ten per enrolment, XXXXX-XXXXX in Crockford base32, all different', () => {
    const codes = Array.from({ length: 20 }, () => newBackupCodes((length) => randomBytes(length))).flat();
    expect(BACKUP_CODE_COUNT).toBe(10);
    expect(codes).toHaveLength(200);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    for (const code of codes) expect(code).toMatch(BACKUP_CODE_PATTERN);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('come from the random source they are given, seven bytes a code, and a repeat is drawn again', () => {
    // 7 bytes of 0x00 then 0xFF for each code: 0000000000 and ZZZZZZZZZZ, then the repeat is drawn again.
    const draws = [0x00, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa];
    let n = 0;
    const codes = newBackupCodes((length) => new Uint8Array(length).fill(draws[n++ % draws.length] ?? 0));
    expect(codes[0]).toBe('00000-00000');
    expect(codes[1]).toBe('ZZZZZ-ZZZZZ');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
  });

  it('normalize case, hyphen and look-alike letters; refuse anything else', () => {
    expect(normalizeBackupCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normalizeBackupCode('0O1IL-22222')).toBe('00111' + '22222');
    expect(normalizeBackupCode('ABCDEFGHJK')).toBe('ABCDEFGHJK');
    expect(normalizeBackupCode('ABCDE-FGHJ')).toBeUndefined();
    expect(normalizeBackupCode('UUUUU-UUUUU')).toBeUndefined();
  });
});

describe('rate-limit escalation', () => {
  it('blocks 1 s after the fifth failure, doubling up to 15 min, and an hour at twenty', () => {
    const policy = RATE_LIMITS.account;
    expect([1, 2, 3, 4].map((n) => blockFor(policy, n))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8].map((n) => blockFor(policy, n))).toEqual([1000, 2000, 4000, 8000]);
    expect(blockFor(policy, 15)).toBe(15 * 60 * 1000);
    expect(blockFor(policy, 19)).toBe(15 * 60 * 1000);
    expect(blockFor(policy, 20)).toBe(60 * 60 * 1000);
    expect(blockFor(policy, 1000)).toBe(60 * 60 * 1000);
  });
});

describe('device descriptions', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
      'Chrome on Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0',
      'Edge on Windows',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
      'Safari on macOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    ['curl/8.0', 'Unknown browser'],
    [undefined, 'Unknown browser'],
  ])('%s → %s', (agent, description) => {
    expect(describeDevice(agent)).toBe(description);
  });
});

describe('logo detection', () => {
  it('knows PNG, JPEG and WebP by their first bytes, and nothing else', () => {
    const png = Uint8Array.from([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      0,
      0,
      0,
      13,
      ...new TextEncoder().encode('IHDR'),
    ]);
    const jpeg = Uint8Array.from([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0,
      16,
      ...new TextEncoder().encode('JFIF'),
      0,
      1,
      1,
      0,
      0,
      1,
    ]);
    const webp = Uint8Array.from([
      ...new TextEncoder().encode('RIFF'),
      1,
      2,
      3,
      4,
      ...new TextEncoder().encode('WEBPVP8 '),
    ]);
    expect(detectImageType(png)).toBe('image/png');
    expect(detectImageType(jpeg)).toBe('image/jpeg');
    expect(detectImageType(webp)).toBe('image/webp');
    expect(
      detectImageType(
        new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      ),
    ).toBeUndefined();
    expect(detectImageType(new TextEncoder().encode('RIFF1234WAVEfmt '))).toBeUndefined();
    expect(detectImageType(png.subarray(0, 12))).toBeUndefined();
    expect(detectImageType(jpeg.subarray(0, 4))).toBeUndefined();
    expect(detectImageType(new Uint8Array(0))).toBeUndefined();
  });
});
