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
  verifyMemberCertificate,
  verifyOfficeEncryptionKey,
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

/** The office as a request names it; the encryption key and its statement come with sealed office keys. */
interface OfficeNamed {
  readonly officeId: Id;
  readonly signingPublicKey: Uint8Array;
  readonly encryptionPublicKey?: string | undefined;
  readonly encryptionKeyStatement?: string | undefined;
}

/**
 * The self-check at every sign-in (docs/threat-model.md, "Client onboarding"): a certificate
 * the server hands out without office keys (a client's) must be the office's, for this user,
 * naming exactly the keys this browser just opened. One that the office key the server names
 * verifies but that names other keys is a substitution: `certificate_substituted`, and nothing
 * is unlocked. One that does not verify under that key is `unverified`: the server swapped
 * either the office key (the office pin catches that, `office_key_changed`) or the certificate,
 * which `pinOffice` refuses once the office key matched the pin. A member's certificate is
 * checked with the office keys (openOfficeMaterial).
 */
export function checkOwnCertificate(
  userId: Id,
  keys: AccountKeys,
  office: { readonly officeId: Id; readonly signingPublicKey: Uint8Array },
  published: { readonly certificate?: string | undefined; readonly sealedOfficeKeys?: string | undefined },
): 'none' | 'ok' | 'unverified' {
  if (published.certificate === undefined || published.sealedOfficeKeys !== undefined) return 'none';
  let certified;
  try {
    certified = verifyMemberCertificate(office.signingPublicKey, fromBase64Url(published.certificate));
  } catch {
    return 'unverified';
  }
  const mine =
    bytesEqual(certified.officeId, office.officeId) &&
    bytesEqual(certified.userId, userId) &&
    samePublicKeys(certified, keys);
  if (!mine) throw new WorkerError('certificate_substituted');
  return 'ok';
}

/**
 * The member's own certificate and the office keys sealed to them. The certificate must be
 * the office's (by the session's office key) for this user and these keys; the office keys
 * must open with this member's encryption key, and both public keys derived from the secrets
 * inside must be the office's: the signing key the session's, and the encryption key the one
 * the office signing key's statement names (docs/protocol.md §9). Sealed office keys without
 * that statement are refused.
 */
export function openOfficeMaterial(
  userId: Id,
  keys: AccountKeys,
  office: OfficeNamed,
  certificate: string | undefined,
  sealedOfficeKeys: string | undefined,
): OfficeKeys | null {
  if (certificate === undefined || sealedOfficeKeys === undefined) return null;
  const { officeId, signingPublicKey: officeSigningPublicKey } = office;
  try {
    const verified = verifyMember(
      officeSigningPublicKey,
      { officeId, userId },
      fromBase64Url(certificate),
      signEncryptionKey(userId, keys),
    );
    if (!samePublicKeys(verified, keys)) throw new MismatchError('certificate names other keys');
    if (office.encryptionPublicKey === undefined || office.encryptionKeyStatement === undefined)
      throw new MismatchError('no office statement to check the office encryption key against');
    const officeEncryptionPublicKey = verifyOfficeEncryptionKey(
      officeSigningPublicKey,
      officeId,
      fromBase64Url(office.encryptionKeyStatement),
    );
    if (!bytesEqual(officeEncryptionPublicKey, key32(office.encryptionPublicKey)))
      throw new MismatchError('the office encryption key differs from its statement');
    return openOfficeKeys(
      fromBase64Url(sealedOfficeKeys),
      { officeId, memberUserId: userId, officeSigningPublicKey, officeEncryptionPublicKey },
      keys.encryption,
    );
  } catch {
    throw new WorkerError('office_keys_invalid');
  }
}
