// A client invitation the advisor delivers themselves (docs/protocol.md §13a, "Client
// invitation secret"): the advisor's browser makes a 32-byte invitation secret I that travels
// only in the invitation link's fragment. The client's browser MACs its new public keys with a
// key derived from I (the key proof); any approving member's browser opens I from the office's
// invitation statement and checks that proof before it certifies the client, so no fingerprint
// call is needed. A server that puts other keys in the client's place cannot make a proof for
// them: it never had I.
//
// The statement is signed with the office signing key, so the server cannot swap the sealed I
// for one of its own (the seal alone is anonymous: anyone can seal to the office key). It names
// the office, the client's future user id and address, and carries I sealed to the office
// encryption key, bound to that user id.
import { bytesEqual } from './bytes.js';
import { encodeFields, FieldReader } from './encoding.js';
import { MismatchError } from './errors.js';
import { asId, ID_BYTES } from './ids.js';
import type { OfficeKeys } from './office.js';
import { deriveKey, HASH_BYTES, KEY_BYTES, macFields } from './primitives.js';
import { randomBytes } from './bytes.js';
import { openSealedFields, sealFields } from './sealed.js';
import { openSigned, signBody } from './signed.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { BoxKeyPair, Id, InvitationSecret, SignedEnvelope } from './types.js';

/** Who an invitation is for: the user id the invitation fixes and the client's address (lower case). */
export interface InvitationBinding {
  readonly userId: Id;
  readonly email: string;
}

/** The public keys a client's browser made on activation, and who they belong to. */
export interface ClientKeysToProve extends InvitationBinding {
  readonly identityPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
}

export function newInvitationSecret(): InvitationSecret {
  return randomBytes(KEY_BYTES) as InvitationSecret;
}

/**
 * The office's statement for a delivered invitation:
 * Sign(officeSk, enc("coffer/v1/client-invitation", officeId, userId, email,
 *   Seal(officeEncPk, enc("coffer/v1/invitation-secret", userId, I)))).
 */
export function signClientInvitation(
  office: OfficeKeys,
  binding: InvitationBinding,
  secret: InvitationSecret,
): SignedEnvelope {
  const sealed = sealFields([TAG.invitationSecret, binding.userId, secret], office.encryption.publicKey);
  return signBody(
    encodeFields([TAG.clientInvitation, office.officeId, binding.userId, binding.email, sealed]),
    office.signing.secretKey,
  );
}

/** Checks the statement's signature and what it names, without opening I (the server's check of an honest request). */
export function verifyClientInvitation(
  envelope: Uint8Array,
  officeSigningPublicKey: Uint8Array,
  expected: InvitationBinding & { readonly officeId: Id },
): Uint8Array {
  const reader = new FieldReader(openSigned(envelope, officeSigningPublicKey), TAG.clientInvitation, 5);
  const officeId = reader.bytes(ID_BYTES);
  const userId = reader.bytes(ID_BYTES);
  const email = reader.text();
  if (!bytesEqual(officeId, expected.officeId) || !bytesEqual(userId, expected.userId) || email !== expected.email)
    throw new MismatchError('invitation statement names another office, account or address');
  return reader.bytes();
}

/** An approving member (holding the office keys): the statement checked, then I opened from it. */
export function openClientInvitation(
  envelope: Uint8Array,
  office: { readonly officeId: Id; readonly signingPublicKey: Uint8Array; readonly encryption: BoxKeyPair },
  expected: InvitationBinding,
): InvitationSecret {
  const sealed = verifyClientInvitation(envelope, office.signingPublicKey, { ...expected, officeId: office.officeId });
  const reader = openSealedFields(sealed, office.encryption, TAG.invitationSecret, 3);
  if (!bytesEqual(asId(reader.bytes(ID_BYTES)), expected.userId))
    throw new MismatchError('invitation secret sealed for another account');
  return reader.bytes(KEY_BYTES).slice() as InvitationSecret;
}

/**
 * The client's key proof: MAC(KDF(I, "CFv1invt", 1), enc("coffer/v1/client-key-proof", userId,
 * email, identityPk, encryptionPk)).
 */
export function clientKeyProof(secret: InvitationSecret, keys: ClientKeysToProve): Uint8Array {
  const key = deriveKey(secret, KDF_CONTEXT.invitation, SUBKEY.invitation.keyProof);
  return macFields(key, [
    TAG.clientKeyProof,
    keys.userId,
    keys.email,
    keys.identityPublicKey,
    keys.encryptionPublicKey,
  ]);
}

/** The approving member's check: the proof must be the client's for exactly these keys, account and address. */
export function verifyClientKeyProof(secret: InvitationSecret, keys: ClientKeysToProve, proof: Uint8Array): void {
  if (proof.length !== HASH_BYTES || !bytesEqual(clientKeyProof(secret, keys), proof))
    throw new MismatchError('the key proof does not match these keys');
}
