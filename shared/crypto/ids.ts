// Object ids: 16 random bytes, base64url (22 characters) on the wire.
import { fromBase64Url, randomBytes, toBase64Url } from './bytes.js';
import { FormatError } from './errors.js';
import type { Id } from './types.js';

export const ID_BYTES = 16;
const ID_WIRE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function newId(): Id {
  return asId(randomBytes(ID_BYTES));
}

export function idToWire(id: Id): string {
  return toBase64Url(id);
}

export function idFromWire(text: string): Id {
  if (!ID_WIRE_PATTERN.test(text)) throw new FormatError('not an id');
  return asId(fromBase64Url(text, ID_BYTES));
}

export function asId(bytes: Uint8Array): Id {
  if (bytes.length !== ID_BYTES) throw new FormatError('an id must be 16 bytes');
  return bytes as Id;
}

/** A nullable id column or field: null stays null. */
export function asIdOrNull(bytes: Uint8Array | null): Id | null {
  return bytes === null ? null : asId(bytes);
}
