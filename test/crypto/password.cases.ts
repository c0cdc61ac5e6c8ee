import {
  authVerifier,
  checkAuthVerifier,
  checkKdfParams,
  DEFAULT_KDF_PARAMS,
  fakeSalt,
  formatRecoveryKey,
  FormatError,
  KDF_CEILING,
  KDF_FLOOR,
  newId,
  newRecoveryKey,
  newSalt,
  ParameterError,
  parseRecoveryKey,
  passwordKeys,
  randomBytes,
  recoveryKeys,
  type KdfParams,
} from '../../shared/crypto/index.js';
import { assert, assertBytes, assertEqual, assertNotBytes, assertThrows, defineSuite } from './harness.js';

const MIB = 1024 * 1024;

export const passwordCases = defineSuite('password', {
  'Argon2id parameters below the floor or above the ceiling are refused'() {
    const bad: [string, KdfParams][] = [
      ['2 passes', { algorithm: 'argon2id13', opsLimit: 2, memLimit: 64 * MIB }],
      ['32 MiB', { algorithm: 'argon2id13', opsLimit: 3, memLimit: 32 * MIB }],
      ['64 MiB minus 1 KiB', { algorithm: 'argon2id13', opsLimit: 3, memLimit: 64 * MIB - 1024 }],
      ['11 passes', { algorithm: 'argon2id13', opsLimit: 11, memLimit: 64 * MIB }],
      ['512 MiB', { algorithm: 'argon2id13', opsLimit: 3, memLimit: 512 * MIB }],
      ['not whole KiB', { algorithm: 'argon2id13', opsLimit: 3, memLimit: 64 * MIB + 1 }],
      ['fractional passes', { algorithm: 'argon2id13', opsLimit: 3.5, memLimit: 64 * MIB }],
      ['another algorithm', { algorithm: 'argon2i13' as 'argon2id13', opsLimit: 3, memLimit: 64 * MIB }],
    ];
    for (const [what, params] of bad) {
      assertThrows(() => checkKdfParams(params), ParameterError, what);
      assertThrows(
        () => passwordKeys('correct horse battery staple', newSalt(), params),
        ParameterError,
        `${what} (derivation)`,
      );
    }
    checkKdfParams({ algorithm: 'argon2id13', ...KDF_FLOOR });
    checkKdfParams({ algorithm: 'argon2id13', ...KDF_CEILING });
    checkKdfParams(DEFAULT_KDF_PARAMS);
  },

  'the password splits into two different keys, deterministically'() {
    const salt = newSalt();
    const one = passwordKeys('Zomer-2026-belastingaangifte', salt, DEFAULT_KDF_PARAMS);
    const two = passwordKeys('Zomer-2026-belastingaangifte', salt, DEFAULT_KDF_PARAMS);
    assertBytes(one.authKey, two.authKey, 'auth key is deterministic');
    assertBytes(one.keyEncryptionKey, two.keyEncryptionKey, 'key-encryption key is deterministic');
    assertNotBytes(one.authKey, one.keyEncryptionKey, 'auth key and key-encryption key differ');
    const other = passwordKeys('Zomer-2026-belastingaangiftE', salt, DEFAULT_KDF_PARAMS);
    assertNotBytes(one.authKey, other.authKey, 'another password');
    const otherSalt = passwordKeys('Zomer-2026-belastingaangifte', newSalt(), DEFAULT_KDF_PARAMS);
    assertNotBytes(one.authKey, otherSalt.authKey, 'another salt');
  },

  'passwords are NFC-normalised, so é typed two ways is one password'() {
    const salt = newSalt();
    const composed = passwordKeys('caf\u00e9-café-12chars', salt, DEFAULT_KDF_PARAMS);
    const decomposed = passwordKeys('cafe\u0301-café-12chars', salt, DEFAULT_KDF_PARAMS);
    assertBytes(composed.authKey, decomposed.authKey, 'same keys');
  },

  'a salt must be 16 bytes'() {
    assertThrows(
      () => passwordKeys('long enough password', randomBytes(8), DEFAULT_KDF_PARAMS),
      FormatError,
      '8-byte salt',
    );
  },

  'the auth verifier is bound to the user'() {
    const serverKey = randomBytes(32);
    const userId = newId();
    const authKey = randomBytes(32);
    const stored = authVerifier(serverKey, userId, authKey);
    assert(checkAuthVerifier(serverKey, userId, authKey, stored), 'verifies');
    assert(!checkAuthVerifier(serverKey, newId(), authKey, stored), 'not for another user');
    assert(!checkAuthVerifier(randomBytes(32), userId, authKey, stored), 'not under another server key');
    assert(!checkAuthVerifier(serverKey, userId, randomBytes(32), stored), 'not for another auth key');
  },

  'the fake salt is stable per address and differs between addresses'() {
    const serverKey = randomBytes(32);
    assertBytes(fakeSalt(serverKey, 'a@example.nl'), fakeSalt(serverKey, 'a@example.nl'), 'stable');
    assertNotBytes(fakeSalt(serverKey, 'a@example.nl'), fakeSalt(serverKey, 'b@example.nl'), 'per address');
    assertEqual(fakeSalt(serverKey, 'a@example.nl').length, 16, 'salt length');
  },

  'recovery key: shown as 56 characters, read forgivingly, typos caught'() {
    const key = newRecoveryKey();
    const text = formatRecoveryKey(key);
    assert(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/.test(text), `format: ${text}`);
    assertBytes(parseRecoveryKey(text), key, 'parses back');
    assertBytes(parseRecoveryKey(text.toLowerCase().replace(/-/g, ' ')), key, 'lower case, spaces');
    assertBytes(parseRecoveryKey(text.replace(/0/g, 'O').replace(/1/g, 'l')), key, 'O for 0, l for 1');
    const typo = text.slice(0, 5) + (text[5] === 'A' ? 'B' : 'A') + text.slice(6);
    assertThrows(() => parseRecoveryKey(typo), FormatError, 'one character changed');
    assertThrows(() => parseRecoveryKey(text.slice(0, -1)), FormatError, 'one character missing');
    assertThrows(
      () => parseRecoveryKey(text.replace(/-/g, '').slice(0, -1) + 'U'),
      FormatError,
      'U is not in the alphabet',
    );
  },

  'the recovery key splits into two different keys'() {
    const keys = recoveryKeys(newRecoveryKey());
    assertNotBytes(keys.authKey, keys.keyEncryptionKey, 'auth and key-encryption keys differ');
    assertEqual(keys.authKey.length, 32, 'auth key length');
  },
});
