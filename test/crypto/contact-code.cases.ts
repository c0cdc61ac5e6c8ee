// A contact's standing access code sealed to the office (docs/protocol.md §9): it opens only
// with the office key, for the contact, office and sealer it names, and a box the server could
// make itself (anonymous seal, no office MAC) or moved to another contact is refused.
import {
  concatBytes,
  encodeFields,
  FormatError,
  MismatchError,
  newAccessCode,
  newBoxKeyPair,
  newId,
  newOfficeKeys,
  normalizeAccessCode,
  officeFingerprint,
  openContactCode,
  randomBytes,
  SEALED_CONTACT_CODE_BYTES,
  sealContactCode,
  SignatureError,
  TAG,
} from '../../shared/crypto/index.js';
import { assertEqual, assertCryptoError, assertThrows, defineSuite } from './harness.js';
import { sodium } from '../../shared/crypto/sodium.js';

/** crypto_box_seal, as anyone holding the office public key (the server too) can do it. */
function seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sodium().crypto_box_seal(message, publicKey);
}

function made() {
  const office = newOfficeKeys(newId());
  const binding = {
    contactId: newId(),
    officeFingerprint: officeFingerprint(office.signing.publicKey),
    sealerId: newId(),
  };
  const code = newAccessCode();
  return { office, binding, code, sealed: sealContactCode(code, binding, office.encryption) };
}

export const contactCodeCases = defineSuite('contact access code', {
  'opens with the office key for its contact, giving the canonical code'() {
    const r = made();
    assertEqual(r.sealed.length, SEALED_CONTACT_CODE_BYTES, 'sealed length');
    assertEqual(SEALED_CONTACT_CODE_BYTES, 213, 'the length protocol §9 states');
    assertEqual(openContactCode(r.sealed, r.binding, r.office.encryption), normalizeAccessCode(r.code), 'code');
    // Typed forms (lower case, spaces, hyphens) are stored canonical.
    const typed = r.code.toLowerCase().replace(/-/g, ' ');
    const again = sealContactCode(typed, r.binding, r.office.encryption);
    assertEqual(openContactCode(again, r.binding, r.office.encryption), normalizeAccessCode(r.code), 'typed form');
  },

  'a box moved to another contact is refused'() {
    const a = made();
    const other = { ...a.binding, contactId: newId() };
    assertThrows(() => openContactCode(a.sealed, other, a.office.encryption), MismatchError, 'other contact');
  },

  'another office fingerprint or sealer is refused'() {
    const r = made();
    const otherOffice = {
      ...r.binding,
      officeFingerprint: officeFingerprint(newOfficeKeys(newId()).signing.publicKey),
    };
    assertThrows(() => openContactCode(r.sealed, otherOffice, r.office.encryption), MismatchError, 'other office');
    const otherSealer = { ...r.binding, sealerId: newId() };
    assertThrows(() => openContactCode(r.sealed, otherSealer, r.office.encryption), MismatchError, 'other sealer');
  },

  'a box the server sealed itself, without the office MAC, is refused'() {
    const r = made();
    // The server knows the office public key, the ids and the fingerprint, but not the MAC key.
    const forged = concatBytes(
      r.sealed.subarray(0, 4),
      seal(
        encodeFields([
          TAG.contactAccessCode,
          r.binding.contactId,
          r.binding.officeFingerprint,
          r.binding.sealerId,
          'ABCDEFGHJKMN',
          randomBytes(32),
        ]),
        r.office.encryption.publicKey,
      ),
    );
    assertThrows(() => openContactCode(forged, r.binding, r.office.encryption), SignatureError, 'forged box');
  },

  'a flipped bit, a wrong key, a cut box or another purpose fails with a typed error'() {
    const r = made();
    const flipped = r.sealed.slice();
    flipped[60] = (flipped[60] ?? 0) ^ 1;
    assertCryptoError(() => openContactCode(flipped, r.binding, r.office.encryption), 'flipped bit');
    assertCryptoError(() => openContactCode(r.sealed, r.binding, newBoxKeyPair()), 'wrong key');
    assertCryptoError(() => openContactCode(r.sealed.subarray(0, 100), r.binding, r.office.encryption), 'cut');
    const otherPurpose = concatBytes(
      r.sealed.subarray(0, 4),
      seal(encodeFields([TAG.linkSecret, r.binding.contactId]), r.office.encryption.publicKey),
    );
    assertThrows(() => openContactCode(otherPurpose, r.binding, r.office.encryption), FormatError, 'other tag');
  },

  'an access code of the wrong length is refused before sealing'() {
    const r = made();
    assertThrows(() => sealContactCode('ABCD-EFGH', r.binding, r.office.encryption), FormatError, 'short code');
  },
});
