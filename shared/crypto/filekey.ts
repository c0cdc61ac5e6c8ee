// The per-file key FK and its commitment (docs/protocol.md §6). The commitment is signed in
// the share manifest or MAC'd in a drop upload, so a server that seals a different key to a
// recipient (crypto_box_seal is anonymous) is caught before anything is decrypted.
import { bytesEqual, randomBytes } from './bytes.js';
import { MismatchError } from './errors.js';
import { deriveKey, KEY_BYTES, macFields } from './primitives.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { FileKey, Id } from './types.js';

export function newFileKey(): FileKey {
  return randomBytes(KEY_BYTES) as FileKey;
}

export function keyCommitment(fileKey: FileKey, fileId: Id): Uint8Array {
  const commitKey = deriveKey(fileKey, KDF_CONTEXT.file, SUBKEY.file.commitment);
  return macFields(commitKey, [TAG.keyCommitment, fileId]);
}

export function checkKeyCommitment(fileKey: FileKey, fileId: Id, expected: Uint8Array): void {
  if (!bytesEqual(keyCommitment(fileKey, fileId), expected))
    throw new MismatchError('file key does not match its commitment');
}
