// Thin, typed wrappers over the libsodium calls format v1 uses, so that every module
// speaks in fields and tags rather than in raw library calls.
import { bytesEqual } from './bytes.js';
import { encodeFields, type Field } from './encoding.js';
import { DecryptError, FormatError, SignatureError } from './errors.js';
import { sodium } from './sodium.js';

export const KEY_BYTES = 32;
export const HASH_BYTES = 32;

/** H(fields) = BLAKE2b-256(enc(fields)). */
export function hashFields(fields: readonly Field[]): Uint8Array {
  return sodium().crypto_generichash(HASH_BYTES, encodeFields(fields), null);
}

/** MAC(key, fields) = BLAKE2b-256 keyed with a 32-byte key over enc(fields). */
export function macFields(key: Uint8Array, fields: readonly Field[]): Uint8Array {
  return macBytes(key, encodeFields(fields));
}

export function macBytes(key: Uint8Array, message: Uint8Array): Uint8Array {
  requireKey(key);
  return sodium().crypto_generichash(HASH_BYTES, message, key);
}

export function verifyMac(key: Uint8Array, message: Uint8Array, mac: Uint8Array): void {
  if (!bytesEqual(macBytes(key, message), mac)) throw new SignatureError('MAC does not verify');
}

/** KDF(key, context, id) = crypto_kdf_derive_from_key(32, id, context, key). */
export function deriveKey(key: Uint8Array, context: string, subkeyId: number): Uint8Array {
  requireKey(key);
  return sodium().crypto_kdf_derive_from_key(KEY_BYTES, subkeyId, context, key);
}

export function aeadEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  requireKey(key);
  return sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
}

export function aeadDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  requireKey(key);
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key);
  } catch {
    throw new DecryptError('authenticated decryption failed');
  }
}

export function seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== KEY_BYTES) throw new FormatError('wrong public key length');
  return sodium().crypto_box_seal(message, publicKey);
}

export function openSeal(sealed: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  try {
    return sodium().crypto_box_seal_open(sealed, publicKey, secretKey);
  } catch {
    throw new DecryptError('sealed box does not open with this key');
  }
}

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(message, secretKey);
}

export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): void {
  if (publicKey.length !== KEY_BYTES) throw new FormatError('wrong public key length');
  let valid: boolean;
  try {
    valid = sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    valid = false;
  }
  if (!valid) throw new SignatureError('signature does not verify');
}

export function requireKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new FormatError('a key must be 32 bytes');
}
