// Fingerprints (docs/protocol.md §12): BLAKE2b-256 over a tag and a public key. Links carry
// all 32 bytes (base64url); people compare the first 30 shown as six groups of five digits.
import { bytesEqual } from './bytes.js';
import { MismatchError } from './errors.js';
import { hashFields } from './primitives.js';
import { TAG } from './tags.js';
import type { Id } from './types.js';

export function identityFingerprint(identityPublicKey: Uint8Array): Uint8Array {
  return hashFields([TAG.fingerprintIdentity, identityPublicKey]);
}

export function officeFingerprint(officeSigningPublicKey: Uint8Array): Uint8Array {
  return hashFields([TAG.fingerprintOffice, officeSigningPublicKey]);
}

export function dropFingerprint(dropId: Id, dropPublicKey: Uint8Array): Uint8Array {
  return hashFields([TAG.fingerprintDrop, dropId, dropPublicKey]);
}

/** Six groups of five digits: each group is a 5-byte big-endian number modulo 100000. */
export function formatFingerprint(fingerprint: Uint8Array): string {
  if (fingerprint.length !== 32) throw new RangeError('a fingerprint is 32 bytes');
  const groups: string[] = [];
  for (let group = 0; group < 6; group++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + (fingerprint[group * 5 + i] as number);
    groups.push(String(value % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}

export function checkFingerprint(actual: Uint8Array, expected: Uint8Array): void {
  if (!bytesEqual(actual, expected)) throw new MismatchError('fingerprint differs');
}
