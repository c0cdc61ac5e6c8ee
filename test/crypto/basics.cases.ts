import {
  comparePin,
  decodeFields,
  encodeFields,
  FieldReader,
  formatFingerprint,
  FormatError,
  fromBase64Url,
  guestLinkFragment,
  guestLinkFragmentV1,
  identityFingerprint,
  makePin,
  MismatchError,
  newAccountKeys,
  newId,
  newLinkSecret,
  newOfficeKeys,
  officeFingerprint,
  openPin,
  parseDropLinkFragment,
  parseGuestLinkFragment,
  randomBytes,
  SignatureError,
  tag,
  toBase64Url,
  type Pin,
} from '../../shared/crypto/index.js';
import { assert, assertBytes, assertEqual, assertNotBytes, assertThrows, defineSuite } from './harness.js';

export const basicsCases = defineSuite('encoding, fingerprints, pins, links', {
  'the field encoding is injective and strict'() {
    assertNotBytes(encodeFields(['ab', 'c']), encodeFields(['a', 'bc']), 'field boundaries count');
    assertNotBytes(encodeFields([['a'], 'b']), encodeFields(['a', 'b']), 'nesting counts');
    assertBytes(
      encodeFields([1]),
      new Uint8Array([0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]),
      'numbers are 8-byte big-endian',
    );
    assertBytes(encodeFields(['é']), new Uint8Array([0, 0, 0, 2, 0xc3, 0xa9]), 'strings are UTF-8');
    const bytes = encodeFields([tag('test'), 'x']);
    assertEqual(decodeFields(bytes).length, 2, 'decodes');
    assertThrows(() => decodeFields(bytes.subarray(0, bytes.length - 1)), FormatError, 'truncated');
    const extra = new Uint8Array(bytes.length + 2);
    extra.set(bytes);
    assertThrows(() => decodeFields(extra), FormatError, 'trailing bytes');
    assertThrows(() => new FieldReader(bytes, tag('other'), 2), FormatError, 'wrong tag');
    assertThrows(() => new FieldReader(bytes, tag('test'), 3), FormatError, 'wrong count');
  },

  'base64url is strict'() {
    const value = randomBytes(32);
    assertBytes(fromBase64Url(toBase64Url(value), 32), value, 'round trip');
    assertThrows(() => fromBase64Url(toBase64Url(value) + '=', 32), FormatError, 'padding');
    assertThrows(() => fromBase64Url('a+b/', 3), FormatError, 'standard alphabet');
    assertThrows(() => fromBase64Url(toBase64Url(value), 31), FormatError, 'wrong length');
    assertThrows(() => fromBase64Url('AB', 1), FormatError, 'non-canonical last character');
  },

  'fingerprints: six groups of five digits, by purpose'() {
    const keys = newAccountKeys();
    const text = formatFingerprint(identityFingerprint(keys.identity.publicKey));
    assert(/^\d{5}( \d{5}){5}$/.test(text), `format ${text}`);
    assertEqual(formatFingerprint(identityFingerprint(keys.identity.publicKey)), text, 'stable');
    assertNotBytes(
      identityFingerprint(keys.identity.publicKey),
      officeFingerprint(keys.identity.publicKey),
      'an office fingerprint is not an identity fingerprint',
    );
    assertNotBytes(
      identityFingerprint(keys.identity.publicKey),
      identityFingerprint(newAccountKeys().identity.publicKey),
      'per key',
    );
  },

  "pins: MAC'd under the owner's personal key"() {
    const owner = newAccountKeys();
    const ownerId = newId();
    const office = newOfficeKeys(newId());
    const pin: Pin = {
      ownerId,
      subject: 'office',
      subjectId: office.officeId,
      publicKey: office.signing.publicKey,
      firstSeenAt: 1_790_000_000_000,
    };
    const envelope = makePin(pin, owner.personalKey);
    const opened = openPin(envelope, owner.personalKey, ownerId);
    assertBytes(opened.publicKey, office.signing.publicKey, 'key');
    assertEqual(opened.subject, 'office', 'subject');
    assertThrows(() => openPin(envelope, newAccountKeys().personalKey, ownerId), SignatureError, "someone else's key");
    assertThrows(() => openPin(envelope, owner.personalKey, newId()), MismatchError, "someone else's pin");
    const tampered = envelope.slice();
    tampered[50] = (tampered[50] as number) ^ 1;
    assertThrows(() => openPin(tampered, owner.personalKey, ownerId), SignatureError, 'altered by the server');
    assertEqual(comparePin(undefined, office.signing.publicKey), 'new', 'nothing pinned yet');
    assertEqual(comparePin(opened, office.signing.publicKey), 'same', 'same key');
    assertEqual(comparePin(opened, newOfficeKeys(office.officeId).signing.publicKey), 'changed', 'changed key');
  },

  'guest link fragments carry the office fingerprint, the sender fingerprint and S'() {
    const office = newOfficeKeys(newId());
    const sender = newAccountKeys();
    const linkSecret = newLinkSecret();
    const officeFp = officeFingerprint(office.signing.publicKey);
    const senderFp = identityFingerprint(sender.identity.publicKey);
    const fragment = guestLinkFragment(officeFp, senderFp, linkSecret);
    assert(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/.test(fragment), 'three base64url values');
    const parsed = parseGuestLinkFragment(`#${fragment}`);
    assert(parsed.version === 2, 'a v2 link');
    if (parsed.version === 2) assertBytes(parsed.senderFingerprint, senderFp, 'sender fingerprint');
    assertBytes(parsed.linkSecret, linkSecret, 'S');
    assertBytes(parsed.officeFingerprint, officeFp, 'office fingerprint');
    // A link made before v2 (two values) is still read as v1, never as v2.
    const old = parseGuestLinkFragment(guestLinkFragmentV1(officeFp, linkSecret));
    assertEqual(old.version, 1, 'a v1 link');
    assertBytes(old.linkSecret, linkSecret, 'v1 S');
    for (const bad of [
      '',
      'abc',
      `${fragment}.x`,
      `${fragment}.${fragment.slice(0, 43)}`,
      fragment.replace(/\./g, ''),
    ]) {
      assertThrows(() => parseGuestLinkFragment(bad), FormatError, `malformed "${bad.slice(0, 10)}"`);
    }
    // A drop link has exactly two values: a guest link's three are refused.
    assertThrows(() => parseDropLinkFragment(fragment), FormatError, 'three values as a drop link');
  },
});
