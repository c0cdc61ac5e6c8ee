import {
  bytesEqual,
  DecryptError,
  FormatError,
  MismatchError,
  newAccountKeys,
  newId,
  openKeyBundle,
  publicKeysOf,
  randomBytes,
  sealKeyBundle,
  SignatureError,
  signEncryptionKey,
  verifyEncryptionKey,
} from '../../shared/crypto/index.js';
import { assert, assertBytes, assertThrows, defineSuite } from './harness.js';

export const accountCases = defineSuite('account keys', {
  'the key bundle opens to the same keys'() {
    const userId = newId();
    const keys = newAccountKeys();
    const kek = randomBytes(32);
    const bundle = sealKeyBundle(kek, userId, keys, 'password');
    const opened = openKeyBundle(kek, userId, bundle, 'password', publicKeysOf(keys));
    assertBytes(opened.identity.publicKey, keys.identity.publicKey, 'identity key');
    assertBytes(opened.identity.secretKey, keys.identity.secretKey, 'identity secret');
    assertBytes(opened.encryption.secretKey, keys.encryption.secretKey, 'encryption secret');
    assertBytes(opened.encryption.publicKey, keys.encryption.publicKey, 'encryption public key derived');
    assertBytes(opened.personalKey, keys.personalKey, 'personal key');
  },

  'the wrong key-encryption key, user or purpose fails'() {
    const userId = newId();
    const keys = newAccountKeys();
    const kek = randomBytes(32);
    const bundle = sealKeyBundle(kek, userId, keys, 'password');
    assertThrows(() => openKeyBundle(randomBytes(32), userId, bundle, 'password'), DecryptError, 'another password');
    assertThrows(() => openKeyBundle(kek, newId(), bundle, 'password'), DecryptError, 'another user');
    assertThrows(
      () => openKeyBundle(kek, userId, bundle, 'recovery'),
      DecryptError,
      'a password bundle is not a recovery bundle',
    );
  },

  'a bundle that does not match the published public keys is refused'() {
    const userId = newId();
    const keys = newAccountKeys();
    const kek = randomBytes(32);
    const bundle = sealKeyBundle(kek, userId, keys, 'password');
    assertThrows(
      () => openKeyBundle(kek, userId, bundle, 'password', publicKeysOf(newAccountKeys())),
      MismatchError,
      'swapped public keys',
    );
  },

  'a tampered, truncated or re-versioned bundle fails'() {
    const userId = newId();
    const kek = randomBytes(32);
    const bundle = sealKeyBundle(kek, userId, newAccountKeys(), 'password');
    const flipped = bundle.slice();
    flipped[60] = (flipped[60] as number) ^ 1;
    assertThrows(() => openKeyBundle(kek, userId, flipped, 'password'), DecryptError, 'flipped bit');
    assertThrows(
      () => openKeyBundle(kek, userId, bundle.subarray(0, bundle.length - 1), 'password'),
      FormatError,
      'one byte short',
    );
    const version = bundle.slice();
    version[2] = 9;
    assertThrows(() => openKeyBundle(kek, userId, version, 'password'), FormatError, 'version 9');
  },

  'the identity key signs the encryption key, for this user only'() {
    const userId = newId();
    const keys = newAccountKeys();
    const signature = signEncryptionKey(userId, keys);
    verifyEncryptionKey(userId, publicKeysOf(keys), signature);
    assertThrows(() => verifyEncryptionKey(newId(), publicKeysOf(keys), signature), SignatureError, 'another user id');
    const swapped = { ...publicKeysOf(keys), encryptionPublicKey: newAccountKeys().encryption.publicKey };
    assertThrows(() => verifyEncryptionKey(userId, swapped, signature), SignatureError, 'another encryption key');
  },

  'fresh keys are fresh'() {
    const a = newAccountKeys();
    const b = newAccountKeys();
    assert(!bytesEqual(a.identity.publicKey, b.identity.publicKey), 'identity keys differ');
    assert(!bytesEqual(a.personalKey, b.personalKey), 'personal keys differ');
  },
});
