// The names record of a client's portal upload (docs/protocol.md §13, "Names record"). A portal
// upload is sealed to the drop key, which only the office holds, so the client's own history
// could show when, how many and how large, but not what. At upload the client's browser also
// seals the file names and sizes to the client's OWN encryption key.
//
// crypto_box_seal is anonymous: the server, which knows the client's public key, could seal names
// of its choosing. So the sealed fields carry a MAC under a subkey of the client's personal key
// (account.ts), which never leaves their key bundle: a record the server made fails it. The
// fields name the drop, the upload and the client, so a record the server moves to another
// upload, drop or client is refused on opening. The names are padded to 256-byte blocks, so the
// record's length shows little about them.
import { bytesEqual, fromUtf8, readU64, wipe } from './bytes.js';
import { decodeFields, encodeFields } from './encoding.js';
import { FormatError, MismatchError, SignatureError } from './errors.js';
import { ID_BYTES } from './ids.js';
import { deriveKey, HASH_BYTES, macFields } from './primitives.js';
import { openSealedFields, sealFields } from './sealed.js';
import { sodium } from './sodium.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { BoxKeyPair, Id, SealedBox } from './types.js';

export interface UploadNamesBinding {
  readonly dropId: Id;
  readonly uploadId: Id;
  /** The client who uploaded, and whose key the record is sealed to. */
  readonly clientId: Id;
}

export interface UploadName {
  readonly name: string;
  /** Plaintext bytes. */
  readonly size: number;
}

/** The client's own keys: the encryption pair seals and opens, the personal key MACs. */
export interface UploadNamesKeys {
  readonly encryption: BoxKeyPair;
  readonly personalKey: Uint8Array;
}

/** At most this many names (a drop upload's file limit) … */
export const MAX_UPLOAD_NAMES = 100;
/** … each at most this many characters (UTF-16 code units); longer names are shortened before sealing. */
export const MAX_UPLOAD_NAME_CHARACTERS = 200;
const NAMES_BLOCK = 256;

const RECORD_OVERHEAD = 4 + 48 + 6 * 4 + 'coffer/v1/upload-names'.length + 3 * ID_BYTES + HASH_BYTES;
/** A name is at most 3 UTF-8 bytes per UTF-16 code unit; each entry is enc(name, size) inside the list. */
const MAX_NAMES_BYTES = MAX_UPLOAD_NAMES * (4 + 4 + 3 * MAX_UPLOAD_NAME_CHARACTERS + 4 + 8);
/** Sealed length bounds: header (4) + crypto_box_seal (48) + enc(tag, dropId, uploadId, clientId, padded names, mac). */
export const UPLOAD_NAMES_BYTES = {
  min: RECORD_OVERHEAD + NAMES_BLOCK,
  max: RECORD_OVERHEAD + (Math.floor(MAX_NAMES_BYTES / NAMES_BLOCK) + 1) * NAMES_BLOCK,
} as const;

function namesMac(personalKey: Uint8Array, binding: UploadNamesBinding, padded: Uint8Array): Uint8Array {
  const key = deriveKey(personalKey, KDF_CONTEXT.personal, SUBKEY.personal.uploadNames);
  try {
    return macFields(key, [TAG.uploadNames, binding.dropId, binding.uploadId, binding.clientId, padded]);
  } finally {
    wipe(key);
  }
}

function checkName(name: UploadName): UploadName {
  if (name.name.length === 0 || name.name.length > MAX_UPLOAD_NAME_CHARACTERS) throw new FormatError('bad name');
  if (!Number.isSafeInteger(name.size) || name.size < 0) throw new FormatError('bad size');
  return name;
}

/** Seals the names for the client who uploads them; refuses none, too many, or a name too long. */
export function sealUploadNames(
  names: readonly UploadName[],
  binding: UploadNamesBinding,
  client: UploadNamesKeys,
): SealedBox {
  if (names.length === 0 || names.length > MAX_UPLOAD_NAMES) throw new FormatError('bad number of names');
  const entries = names.map((entry) => {
    const { name, size } = checkName(entry);
    return [name, size] as const;
  });
  const padded = sodium().pad(encodeFields(entries), NAMES_BLOCK);
  return sealFields(
    [
      TAG.uploadNames,
      binding.dropId,
      binding.uploadId,
      binding.clientId,
      padded,
      namesMac(client.personalKey, binding, padded),
    ],
    client.encryption.publicKey,
  );
}

/**
 * Opens with the client's keys. Refuses (typed errors) another purpose, another drop, upload or
 * client than `expected`, and a record without the client's MAC (one the server sealed itself).
 */
export function openUploadNames(
  sealed: Uint8Array,
  expected: UploadNamesBinding,
  client: UploadNamesKeys,
): UploadName[] {
  const reader = openSealedFields(sealed, client.encryption, TAG.uploadNames, 6);
  if (!bytesEqual(reader.bytes(ID_BYTES), expected.dropId)) throw new MismatchError('names of another drop');
  if (!bytesEqual(reader.bytes(ID_BYTES), expected.uploadId)) throw new MismatchError('names of another upload');
  if (!bytesEqual(reader.bytes(ID_BYTES), expected.clientId)) throw new MismatchError('names of another client');
  const padded = reader.bytes();
  const mac = reader.bytes(HASH_BYTES);
  if (!bytesEqual(namesMac(client.personalKey, expected, padded), mac))
    throw new SignatureError('names not sealed by this client');
  if (padded.length === 0 || padded.length % NAMES_BLOCK !== 0) throw new FormatError('bad names padding');
  let unpadded: Uint8Array;
  try {
    unpadded = sodium().unpad(padded, NAMES_BLOCK);
  } catch {
    throw new FormatError('bad names padding');
  }
  const entries = decodeFields(unpadded);
  if (entries.length === 0 || entries.length > MAX_UPLOAD_NAMES) throw new FormatError('bad number of names');
  return entries.map((entry) => {
    const fields = decodeFields(entry);
    const [name, size] = fields;
    if (fields.length !== 2 || name === undefined || size?.length !== 8) throw new FormatError('bad name entry');
    return checkName({ name: fromUtf8(name), size: readU64(size) });
  });
}
