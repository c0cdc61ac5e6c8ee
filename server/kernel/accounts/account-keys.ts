// Checking the keys a browser made for a new account (setup, invitation, admin reset) and
// turning the auth keys into what is stored: keyed hashes bound to the user id. The auth
// keys themselves are used here and dropped.
import {
  authVerifier,
  checkKdfParams,
  CryptoError,
  verifyEncryptionKey,
  type Id,
} from '../../../shared/crypto/index.js';
import { invalidCertificate, invalidInput } from '../http/errors.js';
import type { StoredAccountKeys, StoredKdf } from './users-repo.js';

export interface KdfInput extends StoredKdf {
  readonly algorithm: 'argon2id13';
}

/** An account's keys as the browser sends them, decoded to bytes. */
export interface AccountKeysInput {
  readonly kdf: KdfInput;
  readonly authKey: Uint8Array;
  readonly recoveryAuthKey: Uint8Array;
  readonly identityPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
  readonly encryptionKeySignature: Uint8Array;
  readonly passwordBundle: Uint8Array;
  readonly recoveryBundle: Uint8Array;
}

/** Argon2id parameters within format v1's floor and ceiling, else 400 naming `field`. */
export function checkKdf(kdf: KdfInput, field: string): StoredKdf {
  try {
    checkKdfParams(kdf);
  } catch (error) {
    if (error instanceof CryptoError) throw invalidInput([field]);
    throw error;
  }
  return { salt: kdf.salt, opsLimit: kdf.opsLimit, memLimit: kdf.memLimit };
}

/**
 * Checks the parameters and the identity key's signature over the encryption key (bound to
 * `userId`), and returns the keys as stored. `prefix` names the fields in errors ("keys.").
 */
export function prepareAccountKeys(
  serverKey: Uint8Array,
  userId: Id,
  keys: AccountKeysInput,
  prefix: string,
): StoredAccountKeys {
  const kdf = checkKdf(keys.kdf, `${prefix}kdf`);
  try {
    verifyEncryptionKey(
      userId,
      { identityPublicKey: keys.identityPublicKey, encryptionPublicKey: keys.encryptionPublicKey },
      keys.encryptionKeySignature,
    );
  } catch (error) {
    if (error instanceof CryptoError) throw invalidInput([`${prefix}encryptionKeySignature`]);
    throw error;
  }
  return {
    kdf,
    authVerifier: authVerifier(serverKey, userId, keys.authKey),
    recoveryVerifier: authVerifier(serverKey, userId, keys.recoveryAuthKey),
    identityPublicKey: keys.identityPublicKey,
    encryptionPublicKey: keys.encryptionPublicKey,
    encryptionKeySignature: keys.encryptionKeySignature,
    passwordBundle: keys.passwordBundle,
    recoveryBundle: keys.recoveryBundle,
  };
}

/** Runs signature checks; any failure of them is a certificate (or statement) the server refuses. */
export function verifyOrRefuse<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof CryptoError) throw invalidCertificate();
    throw error;
  }
}
