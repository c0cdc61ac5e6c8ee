// Pins (docs/protocol.md §14): the first-seen identity key of the office, a colleague or a
// client, MAC'd under a subkey of the user's personal key. The server stores them so they
// follow the user to a new browser, but cannot forge or alter one. The pin index, MAC'd the
// same way, lists every pin with a counter that grows with each change, so a server that
// deletes a pin or serves an older one is noticed.
import { bytesEqual, compareBytes, fromUtf8 } from './bytes.js';
import { decodeFields, encodeFields, FieldReader } from './encoding.js';
import { FormatError, MismatchError } from './errors.js';
import { asId, ID_BYTES } from './ids.js';
import { deriveKey, hashFields, HASH_BYTES, KEY_BYTES } from './primitives.js';
import { macBody, openAuthenticated } from './signed.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { AuthenticatedEnvelope, Id } from './types.js';

export type PinSubject = 'office' | 'user';

export interface Pin {
  /** Whose pin this is. */
  readonly ownerId: Id;
  readonly subject: PinSubject;
  /** The office id or the user id pinned. */
  readonly subjectId: Id;
  /** The identity (or office signing) public key first seen. */
  readonly publicKey: Uint8Array;
  readonly firstSeenAt: number;
}

function pinKey(personalKey: Uint8Array): Uint8Array {
  return deriveKey(personalKey, KDF_CONTEXT.personal, SUBKEY.personal.pins);
}

export function makePin(pin: Pin, personalKey: Uint8Array): AuthenticatedEnvelope {
  const body = encodeFields([TAG.pin, pin.ownerId, pin.subject, pin.subjectId, pin.publicKey, pin.firstSeenAt]);
  return macBody(body, pinKey(personalKey));
}

export function openPin(envelope: Uint8Array, personalKey: Uint8Array, ownerId: Id): Pin {
  const reader = new FieldReader(openAuthenticated(envelope, pinKey(personalKey)), TAG.pin, 6);
  const owner = asId(reader.bytes(ID_BYTES));
  if (!bytesEqual(owner, ownerId)) throw new MismatchError('pin belongs to another user');
  const subject = reader.text();
  if (subject !== 'office' && subject !== 'user') throw new FormatError('unknown pin subject');
  return {
    ownerId: owner,
    subject,
    subjectId: asId(reader.bytes(ID_BYTES)),
    publicKey: reader.bytes(KEY_BYTES),
    firstSeenAt: reader.number(),
  };
}

/** 'new': nothing pinned yet (pin it); 'same': matches; 'changed': stop and show both fingerprints. */
export function comparePin(pin: Pin | undefined, publicKey: Uint8Array): 'new' | 'same' | 'changed' {
  if (pin === undefined) return 'new';
  return bytesEqual(pin.publicKey, publicKey) ? 'same' : 'changed';
}

/** More pins than an office could need (the server's limit too). */
const MAX_PIN_INDEX_ENTRIES = 10_000;

/** One pin as the index lists it: which subject, and a hash of the key pinned. */
export interface PinIndexEntry {
  readonly subject: PinSubject;
  readonly subjectId: Id;
  /** `pinKeyHash` of the pinned key. */
  readonly keyHash: Uint8Array;
}

export interface PinIndex {
  readonly ownerId: Id;
  /** Grows by at least one with every change; a reader refuses a lower one than it saw. */
  readonly counter: number;
  /** Sorted: office before user, then by subject id; one entry per subject. */
  readonly entries: readonly PinIndexEntry[];
}

export function pinKeyHash(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== KEY_BYTES) throw new FormatError('wrong key length');
  return hashFields([TAG.pinKey, publicKey]);
}

export function pinIndexEntryOf(pin: Pin): PinIndexEntry {
  return { subject: pin.subject, subjectId: pin.subjectId, keyHash: pinKeyHash(pin.publicKey) };
}

function compareEntries(a: PinIndexEntry, b: PinIndexEntry): number {
  if (a.subject !== b.subject) return a.subject === 'office' ? -1 : 1;
  return compareBytes(a.subjectId, b.subjectId);
}

function checkCounter(counter: number): void {
  if (!Number.isSafeInteger(counter) || counter < 1) throw new FormatError('pin index counter out of range');
}

export function makePinIndex(index: PinIndex, personalKey: Uint8Array): AuthenticatedEnvelope {
  checkCounter(index.counter);
  if (index.entries.length > MAX_PIN_INDEX_ENTRIES) throw new FormatError('too many pin index entries');
  const sorted = [...index.entries].sort(compareEntries);
  const entries = sorted.map((entry, i) => {
    if (i > 0 && compareEntries(sorted[i - 1] as PinIndexEntry, entry) === 0)
      throw new FormatError('duplicate pin index entry');
    if (entry.subjectId.length !== ID_BYTES || entry.keyHash.length !== HASH_BYTES)
      throw new FormatError('wrong pin index entry length');
    return [entry.subject, entry.subjectId, entry.keyHash];
  });
  const body = encodeFields([TAG.pinIndex, index.ownerId, index.counter, entries]);
  return macBody(body, pinKey(personalKey));
}

/** The MAC, the owner, then the exact shape: each entry's lengths and subject, sorted, no duplicates. */
export function openPinIndex(envelope: Uint8Array, personalKey: Uint8Array, ownerId: Id): PinIndex {
  const reader = new FieldReader(openAuthenticated(envelope, pinKey(personalKey)), TAG.pinIndex, 4);
  const owner = asId(reader.bytes(ID_BYTES));
  if (!bytesEqual(owner, ownerId)) throw new MismatchError('pin index belongs to another user');
  const counter = reader.number();
  checkCounter(counter);
  const list = reader.list();
  if (list.length > MAX_PIN_INDEX_ENTRIES) throw new FormatError('too many pin index entries');
  const entries = list.map((bytes): PinIndexEntry => {
    const fields = decodeFields(bytes);
    if (fields.length !== 3) throw new FormatError('wrong number of fields');
    const subject = fromUtf8(fields[0] as Uint8Array);
    if (subject !== 'office' && subject !== 'user') throw new FormatError('unknown pin subject');
    const subjectId = fields[1] as Uint8Array;
    const keyHash = fields[2] as Uint8Array;
    if (subjectId.length !== ID_BYTES || keyHash.length !== HASH_BYTES)
      throw new FormatError('wrong pin index entry length');
    return { subject, subjectId: asId(subjectId), keyHash };
  });
  for (let i = 1; i < entries.length; i++) {
    if (compareEntries(entries[i - 1] as PinIndexEntry, entries[i] as PinIndexEntry) >= 0)
      throw new FormatError('pin index entries out of order or repeated');
  }
  return { ownerId: owner, counter, entries };
}
