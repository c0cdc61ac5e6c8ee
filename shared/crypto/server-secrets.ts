// Server-side protection of the few secrets the server itself must be able to use: TOTP
// secrets (to check codes) and short codes (backup codes, later e-mail codes). They are
// kept under the server's own 32-byte key (DATA_DIR/keys/server-secret), so a copy of the
// database alone neither reveals a TOTP secret nor lets anyone test guesses of a short code
// offline. This protects the database at rest; it is not end-to-end: the server can use them.
import { randomBytes } from './bytes.js';
import { encodeFields, tag } from './encoding.js';
import { envelopeHeader, joinAead, KIND, NONCE_BYTES, splitAead } from './envelope.js';
import { aeadDecrypt, aeadEncrypt, macFields } from './primitives.js';
import type { Id } from './types.js';

export type AtRestPurpose = 'totp-secret';
export type CodePurpose = 'backup-code' | 'email-code';

function atRestAd(header: Uint8Array, purpose: AtRestPurpose, ownerId: Id): Uint8Array {
  return encodeFields([tag(`at-rest/${purpose}`), header, ownerId]);
}

/** AEAD under the server key (envelope kind r), bound to its purpose and owner. */
export function encryptAtRest(
  serverKey: Uint8Array,
  purpose: AtRestPurpose,
  ownerId: Id,
  plaintext: Uint8Array,
): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  return joinAead(
    KIND.atRest,
    nonce,
    aeadEncrypt(serverKey, nonce, plaintext, atRestAd(envelopeHeader(KIND.atRest), purpose, ownerId)),
  );
}

export function decryptAtRest(
  serverKey: Uint8Array,
  purpose: AtRestPurpose,
  ownerId: Id,
  sealed: Uint8Array,
): Uint8Array {
  const { header, nonce, ciphertext } = splitAead(sealed, KIND.atRest);
  return aeadDecrypt(serverKey, nonce, ciphertext, atRestAd(header, purpose, ownerId));
}

/** The stored form of a short code: a keyed hash bound to its purpose and owner. */
export function codeHash(serverKey: Uint8Array, purpose: CodePurpose, ownerId: Uint8Array, code: string): Uint8Array {
  return macFields(serverKey, [tag(`code/${purpose}`), ownerId, code]);
}
