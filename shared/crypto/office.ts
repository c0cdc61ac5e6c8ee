// The office key (docs/protocol.md §9): an Ed25519 signing pair that certifies members and
// an X25519 pair that receives a copy of every file key, so colleagues can take over and a
// leaver's work stays reachable. Its secret keys are sealed to each approved member.
import { bytesEqual, wipe } from './bytes.js';
import { encodeFields, FieldReader } from './encoding.js';
import { MismatchError } from './errors.js';
import {
  boxKeyPairFromSecret,
  newBoxKeyPair,
  newSigningKeyPair,
  signingKeyPairFromSeed,
  verifyEncryptionKey,
  type AccountPublicKeys,
} from './account.js';
import { asId, ID_BYTES } from './ids.js';
import { KEY_BYTES } from './primitives.js';
import { openSealedFields, sealFields } from './sealed.js';
import { openSigned, signBody } from './signed.js';
import { TAG } from './tags.js';
import type { BoxKeyPair, Id, SealedBox, SignedEnvelope, SigningKeyPair } from './types.js';
import type { Role } from '../wire/common.js';
import { ROLES } from '../wire/patterns.js';

export interface OfficeKeys {
  readonly officeId: Id;
  readonly signing: SigningKeyPair;
  readonly encryption: BoxKeyPair;
}

export function newOfficeKeys(officeId: Id): OfficeKeys {
  return { officeId, signing: newSigningKeyPair(), encryption: newBoxKeyPair() };
}

/** The office signing key vouches for the office encryption key, so senders can trust it. */
export function signOfficeEncryptionKey(office: OfficeKeys): SignedEnvelope {
  return signBody(
    encodeFields([TAG.officeEncryptionKey, office.officeId, office.encryption.publicKey]),
    office.signing.secretKey,
  );
}

export function verifyOfficeEncryptionKey(
  officeSigningPublicKey: Uint8Array,
  officeId: Id,
  envelope: Uint8Array,
): Uint8Array {
  const reader = new FieldReader(openSigned(envelope, officeSigningPublicKey), TAG.officeEncryptionKey, 3);
  if (!bytesEqual(reader.bytes(ID_BYTES), officeId))
    throw new MismatchError('office key statement is for another office');
  return reader.bytes(KEY_BYTES);
}

export interface MemberCertificate {
  readonly officeId: Id;
  /** Increases each time the office re-certifies this member (role change, new keys). */
  readonly version: number;
  readonly userId: Id;
  /** Lower-case address, as the office knows it. */
  readonly email: string;
  readonly role: Role;
  readonly identityPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
  /** Milliseconds since 1970 UTC. */
  readonly issuedAt: number;
}

export function certifyMember(office: OfficeKeys, certificate: Omit<MemberCertificate, 'officeId'>): SignedEnvelope {
  const body = encodeFields([
    TAG.memberCertificate,
    office.officeId,
    certificate.version,
    certificate.userId,
    certificate.email,
    certificate.role,
    certificate.identityPublicKey,
    certificate.encryptionPublicKey,
    certificate.issuedAt,
  ]);
  return signBody(body, office.signing.secretKey);
}

export function verifyMemberCertificate(officeSigningPublicKey: Uint8Array, envelope: Uint8Array): MemberCertificate {
  const reader = new FieldReader(openSigned(envelope, officeSigningPublicKey), TAG.memberCertificate, 9);
  const officeId = asId(reader.bytes(ID_BYTES));
  const version = reader.number();
  const userId = asId(reader.bytes(ID_BYTES));
  const email = reader.text();
  const role = reader.text();
  if (!(ROLES as readonly string[]).includes(role)) throw new MismatchError('unknown role in certificate');
  return {
    officeId,
    version,
    userId,
    email,
    role: role as Role,
    identityPublicKey: reader.bytes(KEY_BYTES),
    encryptionPublicKey: reader.bytes(KEY_BYTES),
    issuedAt: reader.number(),
  };
}

/**
 * The whole chain for one member: the office certified this user with these keys, and the
 * user's identity key signed the encryption key. Returns the certificate once all holds.
 */
export function verifyMember(
  officeSigningPublicKey: Uint8Array,
  expected: { readonly officeId: Id; readonly userId: Id },
  certificate: Uint8Array,
  encryptionKeySignature: Uint8Array,
): MemberCertificate {
  const verified = verifyMemberCertificate(officeSigningPublicKey, certificate);
  if (!bytesEqual(verified.officeId, expected.officeId) || !bytesEqual(verified.userId, expected.userId)) {
    throw new MismatchError('certificate is for another office or user');
  }
  const publicKeys: AccountPublicKeys = {
    identityPublicKey: verified.identityPublicKey,
    encryptionPublicKey: verified.encryptionPublicKey,
  };
  verifyEncryptionKey(verified.userId, publicKeys, encryptionKeySignature);
  return verified;
}

/** Seals the office's secret keys to an approved member's encryption key. */
export function sealOfficeKeys(office: OfficeKeys, memberUserId: Id, memberEncryptionPublicKey: Uint8Array): SealedBox {
  return sealFields(
    [TAG.officeKeys, office.officeId, memberUserId, office.signing.seed, office.encryption.secretKey],
    memberEncryptionPublicKey,
  );
}

/**
 * Opens the office keys sealed to this member. Both public keys derived from the secrets
 * inside must be the office's: the signing key the one the member pinned (or whose
 * fingerprint its invitation link carried), the encryption key the one the office signing
 * key's statement names (verifyOfficeEncryptionKey). `Seal` is anonymous, so without the
 * second check a server could pair the right signing seed with an encryption key nobody
 * certified.
 */
export function openOfficeKeys(
  sealed: Uint8Array,
  expected: {
    readonly officeId: Id;
    readonly memberUserId: Id;
    readonly officeSigningPublicKey: Uint8Array;
    readonly officeEncryptionPublicKey: Uint8Array;
  },
  member: BoxKeyPair,
): OfficeKeys {
  const reader = openSealedFields(sealed, member, TAG.officeKeys, 5);
  const officeId = asId(reader.bytes(ID_BYTES));
  const memberUserId = reader.bytes(ID_BYTES);
  if (!bytesEqual(officeId, expected.officeId) || !bytesEqual(memberUserId, expected.memberUserId)) {
    throw new MismatchError('office keys sealed for another office or member');
  }
  const signing = signingKeyPairFromSeed(reader.bytes(KEY_BYTES));
  const encryption = boxKeyPairFromSecret(reader.bytes(KEY_BYTES));
  const sameSigning = bytesEqual(signing.publicKey, expected.officeSigningPublicKey);
  const sameEncryption = bytesEqual(encryption.publicKey, expected.officeEncryptionPublicKey);
  if (!sameSigning || !sameEncryption) {
    wipe(signing.secretKey);
    wipe(signing.seed);
    wipe(encryption.secretKey);
    throw new MismatchError(
      sameSigning
        ? "office encryption key differs from the one the office's statement names"
        : 'office signing key differs from the pinned one',
    );
  }
  return { officeId, signing, encryption };
}
