// Kept keys (docs/protocol.md §29): after a reload, the browser reopens the account keys it
// kept for the life of its session instead of asking for the password again. They are kept as
// a key bundle (purpose 'session') sealed under K = BLAKE2b-256 keyed with the browser's local
// half L over enc(tag, H, user id, session id), where H is the half only the live session gets
// from the server. Without both halves, and for another user or session, K is another key.
import { TAG } from './tags.js';
import { macFields } from './primitives.js';
import type { Id } from './types.js';

/** Bytes of each half. */
export const KEEP_HALF_BYTES = 32;

export function sessionKeepKey(serverHalf: Uint8Array, localHalf: Uint8Array, userId: Id, sessionId: Id): Uint8Array {
  if (serverHalf.length !== KEEP_HALF_BYTES) throw new RangeError('the server half is 32 bytes');
  return macFields(localHalf, [TAG.sessionKeep, serverHalf, userId, sessionId]);
}
