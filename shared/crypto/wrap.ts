// Wrapping a file key (docs/protocol.md §11).
// - For an account (a recipient, the sender, the office): a sealed box to its X25519 key.
// - For a guest: XChaCha20-Poly1305 under a link key = keyed BLAKE2b(S; Ks, share id,
//   recipient id, access-code key). S travels only in the link's fragment; the server hands
//   out Ks only after the guest proves the bound address; the optional access code is told
//   by phone, so the mailbox alone opens nothing either.
import { CROCKFORD, groupCode, normalizeBase32 } from './base32.js';
import { bytesEqual, randomBytes } from './bytes.js';
import { encodeFields, type Field } from './encoding.js';
import { envelopeHeader, joinAead, KIND, NONCE_BYTES, splitAead } from './envelope.js';
import { FormatError, MismatchError } from './errors.js';
import { ID_BYTES } from './ids.js';
import { argon2id, SALT_BYTES, type KdfParams } from './password.js';
import { aeadDecrypt, aeadEncrypt, hashFields, KEY_BYTES, macFields } from './primitives.js';
import { openSealedFields, sealFields } from './sealed.js';
import { TAG } from './tags.js';
import type { BoxKeyPair, FileKey, GuestWrappedKey, Id, LinkSecret, SealedBox, ServerHalf } from './types.js';

export function sealFileKeyForAccount(
  fileKey: FileKey,
  fileId: Id,
  holderId: Id,
  holderEncryptionPublicKey: Uint8Array,
): SealedBox {
  return sealFields([TAG.fileKeyAccount, fileId, holderId, fileKey], holderEncryptionPublicKey);
}

/** `holderId` is the user id of the recipient or sender, or the office id for the office copy. */
export function openFileKeyForAccount(
  sealed: Uint8Array,
  expected: { readonly fileId: Id; readonly holderId: Id },
  holder: BoxKeyPair,
): FileKey {
  const reader = openSealedFields(sealed, holder, TAG.fileKeyAccount, 4);
  const fileId = reader.bytes(ID_BYTES);
  const holderId = reader.bytes(ID_BYTES);
  if (!bytesEqual(fileId, expected.fileId) || !bytesEqual(holderId, expected.holderId))
    throw new MismatchError('file key sealed for another file or holder');
  return reader.bytes(KEY_BYTES).slice() as FileKey;
}

export function newLinkSecret(): LinkSecret {
  return randomBytes(KEY_BYTES) as LinkSecret;
}

export function newServerHalf(): ServerHalf {
  return randomBytes(KEY_BYTES) as ServerHalf;
}

// Access codes: 12 Crockford base32 characters = 60 bits, shown as XXXX-XXXX-XXXX.
const ACCESS_CODE_LENGTH = 12;
/** Fixed in v1, so neither side can weaken it: the floor of the password parameters. */
const ACCESS_CODE_KDF: KdfParams = { algorithm: 'argon2id13', opsLimit: 3, memLimit: 64 * 1024 * 1024 };

export function newAccessCode(): string {
  // 32 symbols divide 256, so taking 5 bits of each random byte is unbiased.
  const bytes = randomBytes(ACCESS_CODE_LENGTH);
  let code = '';
  for (const byte of bytes) code += CROCKFORD[byte & 31];
  return groupCode(code);
}

/** Accepts what a person types (any case, spaces, hyphens, O for 0); returns the 12 canonical characters. */
export function normalizeAccessCode(text: string): string {
  const code = normalizeBase32(text);
  if (code.length !== ACCESS_CODE_LENGTH) throw new FormatError('an access code has 12 characters');
  return code;
}

/** Argon2id of the access code, salted by the share and recipient it belongs to. */
export function stretchAccessCode(code: string, shareId: Id, recipientId: Id): Uint8Array {
  const salt = hashFields([TAG.accessCodeSalt, shareId, recipientId]).subarray(0, SALT_BYTES);
  return argon2id(normalizeAccessCode(code), salt, ACCESS_CODE_KDF);
}

export interface LinkKeyInput {
  readonly linkSecret: LinkSecret;
  readonly serverHalf: ServerHalf;
  readonly shareId: Id;
  readonly recipientId: Id;
  /** `stretchAccessCode(…)` when the sender set an access code. */
  readonly accessCodeKey?: Uint8Array;
}

export function linkKey(input: LinkKeyInput): Uint8Array {
  const accessCodeKey = input.accessCodeKey ?? new Uint8Array(0);
  if (accessCodeKey.length !== 0 && accessCodeKey.length !== KEY_BYTES)
    throw new FormatError('wrong access code key length');
  if (input.serverHalf.length !== KEY_BYTES) throw new FormatError('wrong server half length');
  return macFields(input.linkSecret, [TAG.linkKey, input.serverHalf, input.shareId, input.recipientId, accessCodeKey]);
}

export interface GuestWrapBinding {
  readonly shareId: Id;
  readonly recipientId: Id;
  readonly fileId: Id;
  /** `manifestHash(…)` of the manifest this share was signed with. */
  readonly manifestHash: Uint8Array;
}

function guestAd(header: Uint8Array, binding: GuestWrapBinding): Uint8Array {
  const fields: Field[] = [
    TAG.fileKeyGuest,
    header,
    binding.shareId,
    binding.recipientId,
    binding.fileId,
    binding.manifestHash,
  ];
  return encodeFields(fields);
}

export function wrapFileKeyForGuest(
  linkKeyBytes: Uint8Array,
  binding: GuestWrapBinding,
  fileKey: FileKey,
): GuestWrappedKey {
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = aeadEncrypt(linkKeyBytes, nonce, fileKey, guestAd(envelopeHeader(KIND.guestWrap), binding));
  return joinAead(KIND.guestWrap, nonce, ciphertext) as GuestWrappedKey;
}

export function unwrapFileKeyForGuest(
  linkKeyBytes: Uint8Array,
  binding: GuestWrapBinding,
  wrapped: Uint8Array,
): FileKey {
  const { header, nonce, ciphertext } = splitAead(wrapped, KIND.guestWrap, KEY_BYTES);
  return aeadDecrypt(linkKeyBytes, nonce, ciphertext, guestAd(header, binding)) as FileKey;
}

export interface LinkSecretRecord {
  readonly linkSecret: LinkSecret;
  /** Canonical 12 characters, or undefined when the share has no access code. */
  readonly accessCode?: string;
}

/**
 * What a holder of a guest link checks against the link commitment: S, the access code (what
 * format 2 commits to) and, optionally, its stretched key (what format 3 commits to; without
 * it, the check stretches the code itself). A key without its code is refused.
 */
export interface LinkProof extends LinkSecretRecord {
  /** `stretchAccessCode(accessCode, shareId, recipientId)`, when the caller already has it. */
  readonly accessCodeKey?: Uint8Array;
}

/**
 * A guest's link commitment (protocol §11), signed in a format-3 manifest's guest entry: binds
 * the recipient to one S and one access code, through the code's Argon2id key, so that whoever
 * holds S and the manifest still pays one Argon2id run per guess at the code.
 */
export function linkCommitment(
  binding: { readonly shareId: Id; readonly recipientId: Id },
  linkSecret: LinkSecret,
  /** `stretchAccessCode(…)`, or undefined when the guest has no access code. */
  accessCodeKey: Uint8Array | undefined,
): Uint8Array {
  if (linkSecret.length !== KEY_BYTES) throw new FormatError('wrong link secret length');
  const codeKey = accessCodeKey ?? new Uint8Array(0);
  if (codeKey.length !== 0 && codeKey.length !== KEY_BYTES) throw new FormatError('wrong access code key length');
  return hashFields([TAG.linkCommitment, binding.shareId, binding.recipientId, linkSecret, codeKey]);
}

/**
 * The format-2 link commitment (protocol §11), over the raw access code: still checked for
 * shares signed in format 2, never made any more. With S and the manifest, a code could be
 * tested against it at hash speed (docs/threat-model.md).
 */
export function linkCommitmentV2(
  binding: { readonly shareId: Id; readonly recipientId: Id },
  record: LinkSecretRecord,
): Uint8Array {
  if (record.linkSecret.length !== KEY_BYTES) throw new FormatError('wrong link secret length');
  const code = record.accessCode === undefined ? '' : normalizeAccessCode(record.accessCode);
  return hashFields([TAG.linkCommitmentV2, binding.shareId, binding.recipientId, record.linkSecret, code]);
}

/** S (and the access code) sealed to the sender and the office, so the link can be shown again. */
export function sealLinkSecret(
  binding: { readonly shareId: Id; readonly recipientId: Id; readonly holderId: Id },
  record: LinkSecretRecord,
  holderEncryptionPublicKey: Uint8Array,
): SealedBox {
  const code = record.accessCode === undefined ? '' : normalizeAccessCode(record.accessCode);
  return sealFields(
    [TAG.linkSecret, binding.shareId, binding.recipientId, binding.holderId, record.linkSecret, code],
    holderEncryptionPublicKey,
  );
}

export function openLinkSecret(
  sealed: Uint8Array,
  expected: { readonly shareId: Id; readonly recipientId: Id; readonly holderId: Id },
  holder: BoxKeyPair,
): LinkSecretRecord {
  const reader = openSealedFields(sealed, holder, TAG.linkSecret, 6);
  const shareId = reader.bytes(ID_BYTES);
  const recipientId = reader.bytes(ID_BYTES);
  const holderId = reader.bytes(ID_BYTES);
  if (
    !bytesEqual(shareId, expected.shareId) ||
    !bytesEqual(recipientId, expected.recipientId) ||
    !bytesEqual(holderId, expected.holderId)
  ) {
    throw new MismatchError('link secret sealed for another share, recipient or holder');
  }
  const linkSecret = reader.bytes(KEY_BYTES).slice() as LinkSecret;
  const code = reader.text();
  return code === '' ? { linkSecret } : { linkSecret, accessCode: normalizeAccessCode(code) };
}
