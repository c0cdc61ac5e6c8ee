// Account keys (docs/protocol.md §8): an Ed25519 identity pair, an X25519 encryption pair
// whose public key the identity key signs, and a personal key for the user's own MACs
// (pins). They travel only as a key bundle sealed under a key-encryption key.
import { bytesEqual, concatBytes, randomBytes } from './bytes.js';
import { encodeFields } from './encoding.js';
import { envelopeHeader, joinAead, KIND, NONCE_BYTES, splitAead } from './envelope.js';
import { MismatchError } from './errors.js';
import { aeadDecrypt, aeadEncrypt, KEY_BYTES, sign, verifySignature } from './primitives.js';
import { sodium } from './sodium.js';
import { TAG } from './tags.js';
import type { BoxKeyPair, Id, KeyBundle, SigningKeyPair } from './types.js';

export interface AccountKeys {
  readonly identity: SigningKeyPair;
  readonly encryption: BoxKeyPair;
  /** 32 random bytes; subkeys of it MAC the user's pins. */
  readonly personalKey: Uint8Array;
}

export interface AccountPublicKeys {
  readonly identityPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
}

/**
 * 'session': the keys a browser keeps for its session (session-keep.ts); 'device': the keys the
 * command-line client keeps on its computer, under a passphrase (docs/protocol.md §30).
 */
export type KeyBundlePurpose = 'password' | 'recovery' | 'session' | 'device';

const BUNDLE_PLAINTEXT_BYTES = 3 * KEY_BYTES;

export function signingKeyPairFromSeed(seed: Uint8Array): SigningKeyPair {
  const pair = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey: pair.publicKey, secretKey: pair.privateKey, seed: seed.slice() };
}

export function newSigningKeyPair(): SigningKeyPair {
  return signingKeyPairFromSeed(randomBytes(KEY_BYTES));
}

export function boxKeyPairFromSecret(secretKey: Uint8Array): BoxKeyPair {
  return { publicKey: sodium().crypto_scalarmult_base(secretKey), secretKey: secretKey.slice() };
}

export function newBoxKeyPair(): BoxKeyPair {
  const pair = sodium().crypto_box_keypair();
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

export function newAccountKeys(): AccountKeys {
  return { identity: newSigningKeyPair(), encryption: newBoxKeyPair(), personalKey: randomBytes(KEY_BYTES) };
}

export function publicKeysOf(keys: AccountKeys): AccountPublicKeys {
  return { identityPublicKey: keys.identity.publicKey, encryptionPublicKey: keys.encryption.publicKey };
}

function encryptionKeyStatement(userId: Id, encryptionPublicKey: Uint8Array): Uint8Array {
  return encodeFields([TAG.encryptionKey, userId, encryptionPublicKey]);
}

/** The identity key's signature over the user's encryption key. */
export function signEncryptionKey(userId: Id, keys: AccountKeys): Uint8Array {
  return sign(encryptionKeyStatement(userId, keys.encryption.publicKey), keys.identity.secretKey);
}

export function verifyEncryptionKey(userId: Id, publicKeys: AccountPublicKeys, signature: Uint8Array): void {
  verifySignature(
    signature,
    encryptionKeyStatement(userId, publicKeys.encryptionPublicKey),
    publicKeys.identityPublicKey,
  );
}

function bundleAd(header: Uint8Array, userId: Id, purpose: KeyBundlePurpose): Uint8Array {
  return encodeFields([TAG.keyBundle, header, userId, purpose]);
}

/** Seals identity seed ‖ encryption secret key ‖ personal key under a key-encryption key. */
export function sealKeyBundle(
  keyEncryptionKey: Uint8Array,
  userId: Id,
  keys: AccountKeys,
  purpose: KeyBundlePurpose,
): KeyBundle {
  const plaintext = concatBytes(keys.identity.seed, keys.encryption.secretKey, keys.personalKey);
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = aeadEncrypt(
    keyEncryptionKey,
    nonce,
    plaintext,
    bundleAd(envelopeHeader(KIND.keyBundle), userId, purpose),
  );
  sodium().memzero(plaintext);
  return joinAead(KIND.keyBundle, nonce, ciphertext) as KeyBundle;
}

/**
 * Opens a key bundle. With `expected`, the public keys derived from the bundle must equal
 * the ones the server published for this user (a swapped bundle or key is refused).
 */
export function openKeyBundle(
  keyEncryptionKey: Uint8Array,
  userId: Id,
  bundle: Uint8Array,
  purpose: KeyBundlePurpose,
  expected?: AccountPublicKeys,
): AccountKeys {
  const { header, nonce, ciphertext } = splitAead(bundle, KIND.keyBundle, BUNDLE_PLAINTEXT_BYTES);
  const plaintext = aeadDecrypt(keyEncryptionKey, nonce, ciphertext, bundleAd(header, userId, purpose));
  const keys: AccountKeys = {
    identity: signingKeyPairFromSeed(plaintext.subarray(0, KEY_BYTES)),
    encryption: boxKeyPairFromSecret(plaintext.subarray(KEY_BYTES, 2 * KEY_BYTES)),
    personalKey: plaintext.slice(2 * KEY_BYTES),
  };
  sodium().memzero(plaintext);
  if (
    expected !== undefined &&
    (!bytesEqual(keys.identity.publicKey, expected.identityPublicKey) ||
      !bytesEqual(keys.encryption.publicKey, expected.encryptionPublicKey))
  ) {
    throw new MismatchError('key bundle does not match the published keys');
  }
  return keys;
}
