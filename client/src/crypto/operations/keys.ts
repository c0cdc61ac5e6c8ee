// Small helpers on keys that several areas of the worker share: wire encoding, the
// fingerprints people compare (docs/protocol.md §12), and opening a member's own office
// material (their certificate and the office keys sealed to them, docs/protocol.md §9).
import {
  bytesEqual,
  formatFingerprint,
  fromBase64Url,
  identityFingerprint,
  MismatchError,
  officeFingerprint,
  openOfficeKeys,
  signEncryptionKey,
  toBase64Url,
  verifyMember,
  type AccountKeys,
  type Id,
  type OfficeKeys,
} from '../../../../shared/crypto/index.js';
import { WorkerError } from './errors';

export const b64 = toBase64Url;

/** A 32-byte key from its wire form. */
export const key32 = (text: string): Uint8Array => fromBase64Url(text, 32);

export function fingerprintOf(identityPublicKey: Uint8Array): string {
  return formatFingerprint(identityFingerprint(identityPublicKey));
}

export function officeFingerprintOf(signingPublicKey: Uint8Array): string {
  return formatFingerprint(officeFingerprint(signingPublicKey));
}

/** The office fingerprint of `signingPublicKey` is the 32 bytes of `fingerprint` (base64url, from a link). */
export function officeFingerprintMatches(signingPublicKey: Uint8Array, fingerprint: string): boolean {
  try {
    return bytesEqual(officeFingerprint(signingPublicKey), fromBase64Url(fingerprint, 32));
  } catch {
    return false;
  }
}

export function samePublicKeys(
  a: { identityPublicKey: Uint8Array; encryptionPublicKey: Uint8Array },
  keys: AccountKeys,
): boolean {
  return (
    bytesEqual(a.identityPublicKey, keys.identity.publicKey) &&
    bytesEqual(a.encryptionPublicKey, keys.encryption.publicKey)
  );
}

/**
 * The member's own certificate and the office keys sealed to them. The certificate must be
 * the office's (by the session's office key) for this user and these keys; the office keys
 * must open with this member's encryption key and contain that same office signing key.
 */
export function openOfficeMaterial(
  userId: Id,
  keys: AccountKeys,
  officeId: Id,
  officeSigningPublicKey: Uint8Array,
  certificate: string | undefined,
  sealedOfficeKeys: string | undefined,
): OfficeKeys | null {
  if (certificate === undefined || sealedOfficeKeys === undefined) return null;
  try {
    const verified = verifyMember(
      officeSigningPublicKey,
      { officeId, userId },
      fromBase64Url(certificate),
      signEncryptionKey(userId, keys),
    );
    if (!samePublicKeys(verified, keys)) throw new MismatchError('certificate names other keys');
    return openOfficeKeys(
      fromBase64Url(sealedOfficeKeys),
      { officeId, memberUserId: userId, officeSigningPublicKey },
      keys.encryption,
    );
  } catch {
    throw new WorkerError('office_keys_invalid');
  }
}
