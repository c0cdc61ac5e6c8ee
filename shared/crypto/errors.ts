// Typed errors of the crypto core. Callers branch on the class (or `code`), never on
// the message, and the message never carries key material, plaintext or names.

export type CryptoErrorCode = 'format' | 'decrypt' | 'signature' | 'parameters' | 'mismatch';

export abstract class CryptoError extends Error {
  abstract readonly code: CryptoErrorCode;
}

/** Bytes that are not a well-formed v1 object: wrong magic, unknown version, wrong kind, wrong length, bad encoding. */
export class FormatError extends CryptoError {
  readonly code = 'format' as const;
  override readonly name = 'FormatError';
}

/** Authenticated decryption failed: wrong key, wrong additional data, or tampered, reordered, truncated or extended ciphertext. */
export class DecryptError extends CryptoError {
  readonly code = 'decrypt' as const;
  override readonly name = 'DecryptError';
}

/** A signature or MAC does not verify for the key and purpose it is checked against. */
export class SignatureError extends CryptoError {
  readonly code = 'signature' as const;
  override readonly name = 'SignatureError';
}

/** Argon2id parameters outside the floor and ceiling of format v1. */
export class ParameterError extends CryptoError {
  readonly code = 'parameters' as const;
  override readonly name = 'ParameterError';
}

/** Something authentic that is bound to another object or key than the one expected (file id, holder, commitment, fingerprint, hash). */
export class MismatchError extends CryptoError {
  readonly code = 'mismatch' as const;
  override readonly name = 'MismatchError';
}
