// Pins (docs/protocol.md §14): the first-seen identity key of the office, a colleague or a
// client, MAC'd under a subkey of the user's personal key. The server stores them so they
// follow the user to a new browser, but cannot forge or alter one.
import { bytesEqual } from './bytes.js';
import { encodeFields, FieldReader } from './encoding.js';
import { FormatError, MismatchError } from './errors.js';
import { asId, ID_BYTES } from './ids.js';
import { deriveKey, KEY_BYTES } from './primitives.js';
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
