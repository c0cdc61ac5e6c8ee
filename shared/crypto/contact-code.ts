// A contact's standing access code sealed to the office (docs/protocol.md §9, "A contact's
// standing access code"). A member's browser makes the code (the per-share access code's alphabet and
// strength: 12 Crockford base32 characters, 60 bits) and seals it to the office encryption
// key, so every colleague can send to the contact with it and the server, which stores the
// sealed bytes, cannot read it.
//
// crypto_box_seal is anonymous: the server could seal a code of its own choosing to the office
// key, and a sender would then protect a share with a code the server knows. So the sealed
// fields also carry a MAC under a key derived from the office's X25519 secret key, which only
// office-key holders have: a box the server made fails it. The fields name the contact, the
// office signing key's fingerprint and the member who sealed it, so a box moved from one
// contact to another, or to another office, is refused on opening.
import { bytesEqual, wipe } from './bytes.js';
import { MismatchError, SignatureError } from './errors.js';
import { ID_BYTES } from './ids.js';
import { deriveKey, HASH_BYTES, macFields } from './primitives.js';
import { openSealedFields, sealFields } from './sealed.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { BoxKeyPair, Id, SealedBox } from './types.js';
import { normalizeAccessCode } from './wrap.js';

const CODE_CHARACTERS = 12;

export interface ContactCodeBinding {
  readonly contactId: Id;
  /** officeFingerprint(office signing public key). */
  readonly officeFingerprint: Uint8Array;
  /** The member who made and sealed the code. */
  readonly sealerId: Id;
}

/** Sealed length: header (4) + crypto_box_seal overhead (48) + enc(tag, contactId, fingerprint, sealerId, code, mac). */
export const SEALED_CONTACT_CODE_BYTES =
  4 + 48 + 6 * 4 + 'coffer/v1/contact-access-code'.length + 2 * ID_BYTES + HASH_BYTES + CODE_CHARACTERS + HASH_BYTES;

function codeMac(office: BoxKeyPair, binding: ContactCodeBinding, code: string): Uint8Array {
  const key = deriveKey(office.secretKey, KDF_CONTEXT.office, SUBKEY.office.contactCode);
  try {
    return macFields(key, [
      TAG.contactAccessCode,
      binding.contactId,
      binding.officeFingerprint,
      binding.sealerId,
      code,
    ]);
  } finally {
    wipe(key);
  }
}

/** Seals `code` (any typed form; stored canonical) for the contact; needs the office key pair for the MAC. */
export function sealContactCode(code: string, binding: ContactCodeBinding, office: BoxKeyPair): SealedBox {
  const canonical = normalizeAccessCode(code);
  return sealFields(
    [
      TAG.contactAccessCode,
      binding.contactId,
      binding.officeFingerprint,
      binding.sealerId,
      canonical,
      codeMac(office, binding, canonical),
    ],
    office.publicKey,
  );
}

/**
 * Opens with the office key pair and returns the 12 canonical characters. Refuses (typed
 * errors) another purpose, another contact, office or sealer than `expected`, and a box
 * without a valid office MAC (one the server could have sealed itself).
 */
export function openContactCode(sealed: Uint8Array, expected: ContactCodeBinding, office: BoxKeyPair): string {
  const reader = openSealedFields(sealed, office, TAG.contactAccessCode, 6);
  const contactId = reader.bytes(ID_BYTES);
  const fingerprint = reader.bytes(HASH_BYTES);
  const sealerId = reader.bytes(ID_BYTES);
  if (!bytesEqual(contactId, expected.contactId)) throw new MismatchError('access code sealed for another contact');
  if (!bytesEqual(fingerprint, expected.officeFingerprint))
    throw new MismatchError('access code sealed for another office');
  if (!bytesEqual(sealerId, expected.sealerId)) throw new MismatchError('access code sealed by someone else');
  const code = reader.text();
  if (normalizeAccessCode(code) !== code) throw new MismatchError('access code not in canonical form');
  const mac = reader.bytes(HASH_BYTES);
  if (!bytesEqual(codeMac(office, expected, code), mac))
    throw new SignatureError('access code not sealed by a holder of the office key');
  return code;
}
