// The names record of a client's portal upload (docs/protocol.md §13, "Names record"): it opens
// only with the uploading client's keys, for the drop, upload and client it names; a record moved
// to another upload or client, or one the server sealed itself (anonymous seal, no client MAC),
// is refused.
import {
  concatBytes,
  encodeFields,
  FormatError,
  MismatchError,
  newAccountKeys,
  newId,
  openUploadNames,
  randomBytes,
  sealUploadNames,
  SignatureError,
  TAG,
  UPLOAD_NAMES_BYTES,
  MAX_UPLOAD_NAMES,
  MAX_UPLOAD_NAME_CHARACTERS,
} from '../../shared/crypto/index.js';
import { sodium } from '../../shared/crypto/sodium.js';
import { assertEqual, assertCryptoError, assertThrows, defineSuite } from './harness.js';

const NAMES = [
  { name: 'loonstrook maart.pdf', size: 48_213 },
  { name: 'Jaaropgave 2025 – €.pdf', size: 1 },
];

function made() {
  const client = newAccountKeys();
  const binding = { dropId: newId(), uploadId: newId(), clientId: newId() };
  return { client, binding, sealed: sealUploadNames(NAMES, binding, client) };
}

export const uploadNamesCases = defineSuite('upload names record', {
  'opens with the client’s keys for its drop, upload and client, giving the names and sizes'() {
    const r = made();
    assertEqual(r.sealed.length, UPLOAD_NAMES_BYTES.min, 'two short names fill one 256-byte block');
    // The lengths protocol §13 states, and migration 0020 and the wire schema check.
    assertEqual(UPLOAD_NAMES_BYTES.min, 434, 'smallest record');
    assertEqual(UPLOAD_NAMES_BYTES.max, 62_386, 'largest record');
    const names = openUploadNames(r.sealed, r.binding, r.client);
    assertEqual(JSON.stringify(names), JSON.stringify(NAMES), 'names and sizes');
  },

  'a record moved to another upload, drop or client is refused'() {
    const r = made();
    for (const field of ['uploadId', 'dropId', 'clientId'] as const) {
      const other = { ...r.binding, [field]: newId() };
      assertThrows(() => openUploadNames(r.sealed, other, r.client), MismatchError, field);
    }
    // Another client's record, given to this client, does not even open.
    const stranger = made();
    assertCryptoError(() => openUploadNames(stranger.sealed, r.binding, r.client), 'another client’s key');
  },

  'a record the server sealed itself, without the client’s MAC, is refused'() {
    const r = made();
    // The server knows the client's public key and every id, not the personal key.
    const padded = sodium().pad(encodeFields([['invoice.pdf', 10]]), 256);
    const forged = concatBytes(
      r.sealed.subarray(0, 4),
      sodium().crypto_box_seal(
        encodeFields([
          TAG.uploadNames,
          r.binding.dropId,
          r.binding.uploadId,
          r.binding.clientId,
          padded,
          randomBytes(32),
        ]),
        r.client.encryption.publicKey,
      ),
    );
    assertThrows(() => openUploadNames(forged, r.binding, r.client), SignatureError, 'forged record');
  },

  'a flipped bit, a cut record or another purpose fails with a typed error'() {
    const r = made();
    const flipped = r.sealed.slice();
    flipped[70] = (flipped[70] ?? 0) ^ 1;
    assertCryptoError(() => openUploadNames(flipped, r.binding, r.client), 'flipped bit');
    assertCryptoError(() => openUploadNames(r.sealed.subarray(0, 200), r.binding, r.client), 'cut');
    const otherPurpose = concatBytes(
      r.sealed.subarray(0, 4),
      sodium().crypto_box_seal(encodeFields([TAG.dropLabel, r.binding.dropId]), r.client.encryption.publicKey),
    );
    assertThrows(() => openUploadNames(otherPurpose, r.binding, r.client), FormatError, 'other tag');
  },

  'no names, too many, or a name too long is refused before sealing; the largest fits the bound'() {
    const r = made();
    assertThrows(() => sealUploadNames([], r.binding, r.client), FormatError, 'none');
    const one = { name: 'a.pdf', size: 1 };
    assertThrows(
      () =>
        sealUploadNames(
          Array.from({ length: MAX_UPLOAD_NAMES + 1 }, () => one),
          r.binding,
          r.client,
        ),
      FormatError,
      'too many',
    );
    const long = { name: 'é'.repeat(MAX_UPLOAD_NAME_CHARACTERS + 1), size: 1 };
    assertThrows(() => sealUploadNames([long], r.binding, r.client), FormatError, 'too long');
    // The largest record: every name at the limit, three UTF-8 bytes per character.
    const widest = { name: '€'.repeat(MAX_UPLOAD_NAME_CHARACTERS), size: Number.MAX_SAFE_INTEGER };
    const largest = sealUploadNames(
      Array.from({ length: MAX_UPLOAD_NAMES }, () => widest),
      r.binding,
      r.client,
    );
    assertEqual(
      largest.length <= UPLOAD_NAMES_BYTES.max,
      true,
      `largest ${largest.length} ≤ ${UPLOAD_NAMES_BYTES.max}`,
    );
    assertEqual(openUploadNames(largest, r.binding, r.client).length, MAX_UPLOAD_NAMES, 'all names');
  },
});
