// The signed drop record (docs/protocol.md §13, "Drop record"): what the member who made a drop
// vouches for, so that sealed boxes the server could have made itself are checked against
// something it cannot forge. A drop's secrets, its label and a client's drop link all reach
// people through crypto_box_seal, which anyone holding the recipient's public key (the server
// included) can produce; the record, signed with the creator's certified identity key, names
// the drop's public key, a commitment to D and a commitment to the label, and for a client's
// personal drop the client. The owner, a colleague (office copy) and the client's portal each
// compare what they unsealed with it before they open or encrypt anything.
//
// The label commitment is keyed with a key derived from the drop's secret key: a plain hash of
// a short label (usually a client's name, which the server knows) could be confirmed by
// guessing. Only holders of the drop's secret key (the owner and the office) can compute it,
// and they can read the label anyway.
import { bytesEqual } from './bytes.js';
import { encodeFields, FieldReader } from './encoding.js';
import { MismatchError } from './errors.js';
import type { ClientDropLink } from './client-link.js';
import { padDropLabel, type DropKeys } from './drop.js';
import { dropFingerprint } from './fingerprint.js';
import { asId, ID_BYTES } from './ids.js';
import { deriveKey, HASH_BYTES, hashFields, KEY_BYTES, macFields } from './primitives.js';
import { openSigned, signBody } from './signed.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { DropSecret, Id, SignedEnvelope, SigningKeyPair } from './types.js';

export interface DropRecord {
  readonly dropId: Id;
  /** The member who made the drop and signed this record (the drop's owner). */
  readonly creatorId: Id;
  /** The drop's X25519 public key. */
  readonly dropPublicKey: Uint8Array;
  /** dropSecretCommitment(dropId, D). */
  readonly secretCommitment: Uint8Array;
  /** dropLabelCommitment(dropId, drop secret key, label). */
  readonly labelCommitment: Uint8Array;
  /** The client whose personal drop this is; null for any other drop (an empty field). */
  readonly clientId: Id | null;
}

/** H(enc("coffer/v1/drop-secret-commitment", dropId, D)): D is 32 random bytes, so the hash hides it. */
export function dropSecretCommitment(dropId: Id, secret: DropSecret): Uint8Array {
  return hashFields([TAG.dropSecretCommitment, dropId, secret]);
}

/** MAC(KDF(drop secret key, "CFv1dkey", 1), enc("coffer/v1/drop-label-commitment", dropId, padded label)). */
export function dropLabelCommitment(dropId: Id, dropSecretKey: Uint8Array, label: string): Uint8Array {
  const key = deriveKey(dropSecretKey, KDF_CONTEXT.dropKey, SUBKEY.dropKey.labelCommitment);
  return macFields(key, [TAG.dropLabelCommitment, dropId, padDropLabel(label)]);
}

/** The record of a drop just made, signed by its creator's identity key. */
export function signDropRecord(
  drop: DropKeys,
  label: string,
  binding: { readonly creatorId: Id; readonly clientId: Id | null },
  creatorIdentity: SigningKeyPair,
): SignedEnvelope {
  const body = encodeFields([
    TAG.dropRecord,
    drop.dropId,
    binding.creatorId,
    drop.keyPair.publicKey,
    dropSecretCommitment(drop.dropId, drop.secret),
    dropLabelCommitment(drop.dropId, drop.keyPair.secretKey, label),
    binding.clientId ?? new Uint8Array(0),
  ]);
  return signBody(body, creatorIdentity.secretKey);
}

/**
 * The signature with the creator's identity key (the caller has verified that key's certificate
 * against the office key it trusts), then the ids: this drop, this creator, and this client
 * (null: the record must name none; `anyClient`: a member opening a personal drop, whose record
 * must name some client).
 */
export function verifyDropRecord(
  envelope: Uint8Array,
  creatorIdentityPublicKey: Uint8Array,
  expected: { readonly dropId: Id; readonly creatorId: Id; readonly clientId: Id | null | 'anyClient' },
): DropRecord {
  const reader = new FieldReader(openSigned(envelope, creatorIdentityPublicKey), TAG.dropRecord, 7);
  const dropId = asId(reader.bytes(ID_BYTES));
  const creatorId = asId(reader.bytes(ID_BYTES));
  const dropPublicKey = reader.bytes(KEY_BYTES);
  const secretCommitment = reader.bytes(HASH_BYTES);
  const labelCommitment = reader.bytes(HASH_BYTES);
  const clientField = reader.bytes();
  if (clientField.length !== 0 && clientField.length !== ID_BYTES) throw new MismatchError('bad client id in record');
  const clientId = clientField.length === 0 ? null : asId(clientField);
  if (!bytesEqual(dropId, expected.dropId) || !bytesEqual(creatorId, expected.creatorId))
    throw new MismatchError('drop record is for another drop or creator');
  const clientMatches =
    expected.clientId === null
      ? clientId === null
      : clientId !== null && (expected.clientId === 'anyClient' || bytesEqual(clientId, expected.clientId));
  if (!clientMatches) throw new MismatchError('drop record is for another client');
  return { dropId, creatorId, dropPublicKey, secretCommitment, labelCommitment, clientId };
}

/** The owner or the office: the unsealed secret key's public key and D must be the ones the record names. */
export function checkDropSecretsAgainstRecord(record: DropRecord, drop: DropKeys): void {
  if (!bytesEqual(drop.dropId, record.dropId)) throw new MismatchError('drop secrets of another drop');
  if (!bytesEqual(drop.keyPair.publicKey, record.dropPublicKey))
    throw new MismatchError('drop key differs from the signed record');
  if (!bytesEqual(dropSecretCommitment(drop.dropId, drop.secret), record.secretCommitment))
    throw new MismatchError('drop secret differs from the signed record');
}

/** The owner or the office, after checkDropSecretsAgainstRecord: the unsealed label must be the one the record commits to. */
export function checkDropLabelAgainstRecord(record: DropRecord, drop: DropKeys, label: string): void {
  if (!bytesEqual(dropLabelCommitment(record.dropId, drop.keyPair.secretKey, label), record.labelCommitment))
    throw new MismatchError('drop label differs from the signed record');
}

/** The client's portal: the unsealed link's fingerprint and D must be the record's drop key and D. */
export function checkClientLinkAgainstRecord(record: DropRecord, link: ClientDropLink): void {
  if (!bytesEqual(dropFingerprint(record.dropId, record.dropPublicKey), link.dropFingerprint))
    throw new MismatchError('drop key differs from the signed record');
  if (!bytesEqual(dropSecretCommitment(record.dropId, link.dropSecret), record.secretCommitment))
    throw new MismatchError('drop secret differs from the signed record');
}

/** Signed envelope length: header (4) + u32 (4) + body + signature (64); the body is 7 fields. */
export const DROP_RECORD_BYTES = {
  personal: 8 + 7 * 4 + 'coffer/v1/drop-record'.length + 3 * ID_BYTES + KEY_BYTES + 2 * HASH_BYTES + 64,
  other: 8 + 7 * 4 + 'coffer/v1/drop-record'.length + 2 * ID_BYTES + KEY_BYTES + 2 * HASH_BYTES + 64,
} as const;
