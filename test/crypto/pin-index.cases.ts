// The pin index (docs/protocol.md §14): one MAC'd list of every pin with a counter, so a server
// that deletes a pin or serves an older index or pin is noticed. What a reader must refuse
// (tampered, rolled back, another owner's, out of order) is checked here and in the vectors.
import {
  encodeFields,
  FormatError,
  macBody,
  makePin,
  makePinIndex,
  MismatchError,
  newAccountKeys,
  newId,
  newOfficeKeys,
  openPinIndex,
  pinIndexEntryOf,
  pinKeyHash,
  SignatureError,
  deriveKey,
  KDF_CONTEXT,
  SUBKEY,
  TAG,
  type Pin,
} from '../../shared/crypto/index.js';
import { assert, assertBytes, assertEqual, assertNotBytes, assertThrows, defineSuite } from './harness.js';

function setting() {
  const owner = newAccountKeys();
  const ownerId = newId();
  const office = newOfficeKeys(newId());
  const colleague = newAccountKeys();
  const officePin: Pin = {
    ownerId,
    subject: 'office',
    subjectId: office.officeId,
    publicKey: office.signing.publicKey,
    firstSeenAt: 1_790_000_000_000,
  };
  const colleaguePin: Pin = {
    ownerId,
    subject: 'user',
    subjectId: newId(),
    publicKey: colleague.identity.publicKey,
    firstSeenAt: 1_790_000_100_000,
  };
  return { owner, ownerId, officePin, colleaguePin };
}

export const pinIndexCases = defineSuite('pin index', {
  'lists every pin sorted, the office first, with a counter'() {
    const { owner, ownerId, officePin, colleaguePin } = setting();
    const envelope = makePinIndex(
      { ownerId, counter: 3, entries: [pinIndexEntryOf(colleaguePin), pinIndexEntryOf(officePin)] },
      owner.personalKey,
    );
    const opened = openPinIndex(envelope, owner.personalKey, ownerId);
    assertEqual(opened.counter, 3, 'counter');
    assertEqual(opened.entries.map((e) => e.subject).join(','), 'office,user', 'sorted: office first');
    assertBytes(opened.entries[1]?.keyHash ?? new Uint8Array(), pinKeyHash(colleaguePin.publicKey), 'key hash');
    assertNotBytes(pinKeyHash(colleaguePin.publicKey), colleaguePin.publicKey, 'a hash, not the key');
    // The same set in another order gives the same bytes (one canonical form).
    const again = makePinIndex(
      { ownerId, counter: 3, entries: [pinIndexEntryOf(officePin), pinIndexEntryOf(colleaguePin)] },
      owner.personalKey,
    );
    assertBytes(again, envelope, 'canonical');
    assertEqual(
      openPinIndex(makePinIndex({ ownerId, counter: 1, entries: [] }, owner.personalKey), owner.personalKey, ownerId)
        .entries.length,
      0,
      'an empty index',
    );
  },

  "refuses another key's, another owner's, an altered one and a pin in its place"() {
    const { owner, ownerId, officePin } = setting();
    const envelope = makePinIndex({ ownerId, counter: 2, entries: [pinIndexEntryOf(officePin)] }, owner.personalKey);
    assertThrows(() => openPinIndex(envelope, newAccountKeys().personalKey, ownerId), SignatureError, 'other key');
    assertThrows(() => openPinIndex(envelope, owner.personalKey, newId()), MismatchError, 'other owner');
    const counterAt = 4 + 4 + 4 + TAG.pinIndex.length + 4 + 16 + 4 + 7;
    const rolledBack = envelope.slice();
    rolledBack[counterAt] = 1;
    assertThrows(() => openPinIndex(rolledBack, owner.personalKey, ownerId), SignatureError, 'counter edited');
    assertThrows(
      () => openPinIndex(makePin(officePin, owner.personalKey), owner.personalKey, ownerId),
      FormatError,
      'a pin is not an index',
    );
  },

  'refuses a non-canonical list, a duplicate, counter 0 and bad lengths, even when MACed'() {
    const { owner, ownerId, officePin, colleaguePin } = setting();
    const pinKey = deriveKey(owner.personalKey, KDF_CONTEXT.personal, SUBKEY.personal.pins);
    const entry = (pin: Pin) => {
      const e = pinIndexEntryOf(pin);
      return [e.subject, e.subjectId, e.keyHash];
    };
    const raw = (counter: number, entries: unknown[]) =>
      macBody(encodeFields([TAG.pinIndex, ownerId, counter, entries as never]), pinKey);
    const open = (bytes: Uint8Array) => openPinIndex(bytes, owner.personalKey, ownerId);
    assert(open(raw(1, [entry(officePin), entry(colleaguePin)])).entries.length === 2, 'the canonical list opens');
    assertThrows(() => open(raw(1, [entry(colleaguePin), entry(officePin)])), FormatError, 'user before office');
    assertThrows(() => open(raw(1, [entry(officePin), entry(officePin)])), FormatError, 'duplicate');
    assertThrows(() => open(raw(0, [entry(officePin)])), FormatError, 'counter 0');
    assertThrows(
      () => open(raw(1, [[...entry(officePin).slice(0, 2), new Uint8Array(31)]])),
      FormatError,
      'short hash',
    );
    assertThrows(() => open(raw(1, [['drop', ...entry(officePin).slice(1)]])), FormatError, 'unknown subject');
    assertThrows(
      () =>
        makePinIndex(
          { ownerId, counter: 1, entries: [pinIndexEntryOf(officePin), pinIndexEntryOf(officePin)] },
          owner.personalKey,
        ),
      FormatError,
      'the writer refuses a duplicate too',
    );
  },
});
