// Drops (docs/protocol.md §13): a drop has an X25519 pair and a 32-byte secret D, both
// sealed to its owner and the office. The link fragment carries the drop key's fingerprint
// and D; the upload page refuses a server key that does not match the fingerprint. Each
// upload's manifest is MAC'd with a key derived from D, so an upload injected by someone
// without the link (the server included) is rejected by the office's browser. The drop's
// label (who it is for, e.g. the client's name) is seen only by the office: padded and sealed
// to the owner and the office like the secrets.
import { bytesEqual, fromUtf8, randomBytes, utf8 } from './bytes.js';
import { encodeFields, FieldReader } from './encoding.js';
import { FormatError, MismatchError } from './errors.js';
import { boxKeyPairFromSecret, newBoxKeyPair } from './account.js';
import { checkFingerprint, dropFingerprint } from './fingerprint.js';
import { asId, ID_BYTES } from './ids.js';
import { decodeFileEntries, encodeFileEntries, type FileEntry } from './manifest.js';
import { deriveKey, hashFields, KEY_BYTES } from './primitives.js';
import { openSealedFields, sealFields } from './sealed.js';
import { macBody, openAuthenticated, peekAuthenticatedBody } from './signed.js';
import { sodium } from './sodium.js';
import { hasControlCharacter } from '../wire/patterns.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { AuthenticatedEnvelope, BoxKeyPair, DropSecret, FileKey, Id, SealedBox } from './types.js';

export interface DropKeys {
  readonly dropId: Id;
  readonly keyPair: BoxKeyPair;
  readonly secret: DropSecret;
}

export function newDropKeys(dropId: Id): DropKeys {
  return { dropId, keyPair: newBoxKeyPair(), secret: randomBytes(KEY_BYTES) as DropSecret };
}

/** Upload page: the key the server returned must match the fingerprint in the link. */
export function checkDropKey(dropId: Id, dropPublicKey: Uint8Array, fingerprintFromLink: Uint8Array): void {
  checkFingerprint(dropFingerprint(dropId, dropPublicKey), fingerprintFromLink);
}

export function sealDropSecrets(drop: DropKeys, holderId: Id, holderEncryptionPublicKey: Uint8Array): SealedBox {
  return sealFields(
    [TAG.dropSecrets, drop.dropId, holderId, drop.keyPair.secretKey, drop.secret],
    holderEncryptionPublicKey,
  );
}

export function openDropSecrets(
  sealed: Uint8Array,
  expected: { readonly dropId: Id; readonly holderId: Id },
  holder: BoxKeyPair,
): DropKeys {
  const reader = openSealedFields(sealed, holder, TAG.dropSecrets, 5);
  const dropId = asId(reader.bytes(ID_BYTES));
  const holderId = reader.bytes(ID_BYTES);
  if (!bytesEqual(dropId, expected.dropId) || !bytesEqual(holderId, expected.holderId))
    throw new MismatchError('drop secrets sealed for another drop or holder');
  return {
    dropId,
    keyPair: boxKeyPairFromSecret(reader.bytes(KEY_BYTES)),
    secret: reader.bytes(KEY_BYTES).slice() as DropSecret,
  };
}

/** A label is at most this many characters (UTF-16 code units, as the browser counts them). */
export const MAX_DROP_LABEL_LENGTH = 200;
/** Labels are padded to a multiple of this many bytes, so a sealed label shows little about its length. */
const DROP_LABEL_BLOCK = 256;

/** Refuses an empty label, one that is too long, or one with control characters (it is shown on one line). */
export function checkDropLabel(label: string): string {
  if (label.length === 0 || label.length > MAX_DROP_LABEL_LENGTH) throw new FormatError('bad drop label length');
  if (hasControlCharacter(label)) throw new FormatError('control character in drop label');
  return label;
}

/** The label's UTF-8 bytes padded to whole 256-byte blocks: what is sealed (and committed to, drop-record.ts). */
export function padDropLabel(label: string): Uint8Array {
  return sodium().pad(utf8(checkDropLabel(label)), DROP_LABEL_BLOCK);
}

/** The label for one holder (the owner's user id, or the office id for the office copy). */
export function sealDropLabel(
  label: string,
  binding: { readonly dropId: Id; readonly holderId: Id },
  holderEncryptionPublicKey: Uint8Array,
): SealedBox {
  const padded = padDropLabel(label);
  return sealFields([TAG.dropLabel, binding.dropId, binding.holderId, padded], holderEncryptionPublicKey);
}

export function openDropLabel(
  sealed: Uint8Array,
  expected: { readonly dropId: Id; readonly holderId: Id },
  holder: BoxKeyPair,
): string {
  const reader = openSealedFields(sealed, holder, TAG.dropLabel, 4);
  const dropId = reader.bytes(ID_BYTES);
  const holderId = reader.bytes(ID_BYTES);
  if (!bytesEqual(dropId, expected.dropId) || !bytesEqual(holderId, expected.holderId))
    throw new MismatchError('drop label sealed for another drop or holder');
  const padded = reader.bytes();
  if (padded.length === 0 || padded.length % DROP_LABEL_BLOCK !== 0) throw new FormatError('bad drop label padding');
  let unpadded: Uint8Array;
  try {
    unpadded = sodium().unpad(padded, DROP_LABEL_BLOCK);
  } catch {
    throw new FormatError('bad drop label padding');
  }
  return checkDropLabel(fromUtf8(unpadded));
}

export function sealFileKeyForDrop(fileKey: FileKey, dropId: Id, fileId: Id, dropPublicKey: Uint8Array): SealedBox {
  return sealFields([TAG.fileKeyDrop, dropId, fileId, fileKey], dropPublicKey);
}

export function openFileKeyForDrop(
  sealed: Uint8Array,
  expected: { readonly dropId: Id; readonly fileId: Id },
  drop: BoxKeyPair,
): FileKey {
  const reader = openSealedFields(sealed, drop, TAG.fileKeyDrop, 4);
  const dropId = reader.bytes(ID_BYTES);
  const fileId = reader.bytes(ID_BYTES);
  if (!bytesEqual(dropId, expected.dropId) || !bytesEqual(fileId, expected.fileId))
    throw new MismatchError('file key sealed for another drop or file');
  return reader.bytes(KEY_BYTES).slice() as FileKey;
}

export interface DropUploadManifest {
  readonly dropId: Id;
  readonly uploadId: Id;
  /** Milliseconds since 1970 UTC, as the uploader's browser saw it. */
  readonly createdAt: number;
  readonly files: readonly FileEntry[];
}

function uploadMacKey(secret: DropSecret): Uint8Array {
  return deriveKey(secret, KDF_CONTEXT.drop, SUBKEY.drop.uploadMac);
}

export function encodeDropUpload(upload: DropUploadManifest): Uint8Array {
  return encodeFields([
    TAG.dropUpload,
    upload.dropId,
    upload.uploadId,
    upload.createdAt,
    encodeFileEntries(upload.files),
  ]);
}

function decodeDropUpload(body: Uint8Array): DropUploadManifest {
  const reader = new FieldReader(body, TAG.dropUpload, 5);
  return {
    dropId: asId(reader.bytes(ID_BYTES)),
    uploadId: asId(reader.bytes(ID_BYTES)),
    createdAt: reader.number(),
    files: decodeFileEntries(reader.list()),
  };
}

/** Uploader's browser: MACs the upload manifest with a key only holders of D can derive. */
export function authenticateDropUpload(upload: DropUploadManifest, secret: DropSecret): AuthenticatedEnvelope {
  return macBody(encodeDropUpload(upload), uploadMacKey(secret));
}

/** Office's browser: refuses an upload whose MAC was not made with this drop's D. */
export function verifyDropUpload(
  envelope: Uint8Array,
  secret: DropSecret,
  expected: { readonly dropId: Id; readonly uploadId: Id },
): DropUploadManifest {
  const upload = decodeDropUpload(openAuthenticated(envelope, uploadMacKey(secret)));
  if (!bytesEqual(upload.dropId, expected.dropId) || !bytesEqual(upload.uploadId, expected.uploadId)) {
    throw new MismatchError('upload manifest is for another drop or upload');
  }
  return upload;
}

/**
 * The receipt code both browsers show: the first 8 bytes of a hash of the upload manifest,
 * as a number modulo 10^12, in three groups of four digits.
 */
export function receiptCode(envelope: Uint8Array): string {
  const digest = hashFields([TAG.receiptCode, peekAuthenticatedBody(envelope)]);
  let value = 0n;
  for (const byte of digest.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
  value %= 10n ** 12n;
  const digits = String(value).padStart(12, '0');
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`;
}

export { dropFingerprint };
