// Passwords and the recovery key (docs/protocol.md §7). A password goes through Argon2id
// with parameters between a floor and a ceiling (a server that hands out weak parameters
// is refused, and so is one that would stall the browser), then splits with crypto_kdf
// into an auth key (the server keeps only a keyed hash of it) and a key-encryption key
// that never leaves the browser.
import { fromBase32, groupCode, toBase32 } from './base32.js';
import { bytesEqual, concatBytes, randomBytes } from './bytes.js';
import { FormatError, ParameterError } from './errors.js';
import { deriveKey, hashFields, KEY_BYTES, macFields } from './primitives.js';
import { sodium } from './sodium.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { Id, RecoveryKey } from './types.js';

const MIB = 1024 * 1024;

export interface KdfParams {
  readonly algorithm: 'argon2id13';
  /** Passes over memory (libsodium's opslimit). */
  readonly opsLimit: number;
  /** Memory in bytes (libsodium's memlimit); a whole number of KiB. */
  readonly memLimit: number;
}

export const KDF_FLOOR = { opsLimit: 3, memLimit: 64 * MIB } as const;
export const KDF_CEILING = { opsLimit: 10, memLimit: 256 * MIB } as const;
export const DEFAULT_KDF_PARAMS: KdfParams = { algorithm: 'argon2id13', opsLimit: 3, memLimit: 64 * MIB };
export const SALT_BYTES = 16;

export function checkKdfParams(params: KdfParams): void {
  if (params.algorithm !== 'argon2id13') throw new ParameterError('unsupported password hash');
  const { opsLimit, memLimit } = params;
  if (!Number.isSafeInteger(opsLimit) || !Number.isSafeInteger(memLimit) || memLimit % 1024 !== 0) {
    throw new ParameterError('malformed Argon2id parameters');
  }
  if (opsLimit < KDF_FLOOR.opsLimit || memLimit < KDF_FLOOR.memLimit)
    throw new ParameterError('Argon2id parameters below the floor');
  if (opsLimit > KDF_CEILING.opsLimit || memLimit > KDF_CEILING.memLimit)
    throw new ParameterError('Argon2id parameters above the ceiling');
}

export function newSalt(): Uint8Array {
  return randomBytes(SALT_BYTES);
}

/** Argon2id over a UTF-8 (NFC) secret; parameters are checked first. */
export function argon2id(secret: string, salt: Uint8Array, params: KdfParams): Uint8Array {
  checkKdfParams(params);
  if (salt.length !== SALT_BYTES) throw new FormatError('a salt must be 16 bytes');
  const s = sodium();
  return s.crypto_pwhash(
    KEY_BYTES,
    secret.normalize('NFC'),
    salt,
    params.opsLimit,
    params.memLimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
}

export interface SplitKeys {
  /** Sent to the server, which stores only `authVerifier(…)` of it. */
  readonly authKey: Uint8Array;
  /** Seals the private-key bundle; never leaves the browser. */
  readonly keyEncryptionKey: Uint8Array;
}

export function passwordKeys(password: string, salt: Uint8Array, params: KdfParams): SplitKeys {
  const master = argon2id(password, salt, params);
  const keys = {
    authKey: deriveKey(master, KDF_CONTEXT.password, SUBKEY.password.auth),
    keyEncryptionKey: deriveKey(master, KDF_CONTEXT.password, SUBKEY.password.keyEncryption),
  };
  sodium().memzero(master);
  return keys;
}

/**
 * Server side: the keyed hash under which an auth key (or recovery-auth key) is stored,
 * bound to the user, so a copied database row cannot be replayed for another account.
 */
export function authVerifier(serverKey: Uint8Array, userId: Id, authKey: Uint8Array): Uint8Array {
  return macFields(serverKey, [TAG.authVerifier, userId, authKey]);
}

export function checkAuthVerifier(serverKey: Uint8Array, userId: Id, authKey: Uint8Array, stored: Uint8Array): boolean {
  return bytesEqual(authVerifier(serverKey, userId, authKey), stored);
}

/** Server side: the stable fake salt answered for an unknown address, so pre-login does not reveal who has an account. */
export function fakeSalt(serverKey: Uint8Array, normalizedEmail: string): Uint8Array {
  return macFields(serverKey, [TAG.fakeSalt, normalizedEmail]).subarray(0, SALT_BYTES);
}

// The recovery key: 32 random bytes, shown once as 56 Crockford base32 characters
// (the key and a 3-byte check, so a typo is caught before any network request).
const RECOVERY_CHECK_BYTES = 3;

export function newRecoveryKey(): RecoveryKey {
  return randomBytes(KEY_BYTES) as RecoveryKey;
}

function recoveryCheck(key: Uint8Array): Uint8Array {
  return hashFields([TAG.recoveryCheck, key]).subarray(0, RECOVERY_CHECK_BYTES);
}

export function formatRecoveryKey(key: RecoveryKey): string {
  return groupCode(toBase32(concatBytes(key, recoveryCheck(key))));
}

export function parseRecoveryKey(text: string): RecoveryKey {
  const raw = fromBase32(text, KEY_BYTES + RECOVERY_CHECK_BYTES);
  const key = raw.slice(0, KEY_BYTES);
  if (!bytesEqual(recoveryCheck(key), raw.subarray(KEY_BYTES))) throw new FormatError('recovery key check failed');
  return key as RecoveryKey;
}

export function recoveryKeys(key: RecoveryKey): SplitKeys {
  return {
    authKey: deriveKey(key, KDF_CONTEXT.recovery, SUBKEY.recovery.auth),
    keyEncryptionKey: deriveKey(key, KDF_CONTEXT.recovery, SUBKEY.recovery.keyEncryption),
  };
}
