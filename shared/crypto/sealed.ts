// Sealed boxes (kind b): crypto_box_seal of an enc() field list to an X25519 public key.
// crypto_box_seal is anonymous (anyone, the server included, can seal to a public key), so
// the plaintext names its purpose and the ids it belongs to, and what it carries is checked
// against signed data (a key commitment, a fingerprint) before it is trusted.
import { concatBytes } from './bytes.js';
import { encodeFields, FieldReader, type Field } from './encoding.js';
import { envelopeHeader, KIND, splitSealed } from './envelope.js';
import { openSeal, seal } from './primitives.js';
import type { BoxKeyPair, SealedBox } from './types.js';

export function sealFields(fields: readonly Field[], recipientPublicKey: Uint8Array): SealedBox {
  return concatBytes(envelopeHeader(KIND.sealed), seal(encodeFields(fields), recipientPublicKey)) as SealedBox;
}

/** Opens and returns a reader that has already checked the tag and the field count. */
export function openSealedFields(envelope: Uint8Array, recipient: BoxKeyPair, tag: string, count: number): FieldReader {
  const plaintext = openSeal(splitSealed(envelope), recipient.publicKey, recipient.secretKey);
  return new FieldReader(plaintext, tag, count);
}
