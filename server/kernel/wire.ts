// Helpers every capability's wire module uses to cross from the server's own forms (bytes,
// milliseconds) to the wire's (base64url text, ISO times) and back.
import { asId, type Id } from '../../shared/crypto/index.js';
import { bytesIn } from './http/validation.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** An id from a body field the wire schema already shaped (22 base64url characters). */
export function idFromWireField(text: string, field: string): Id {
  return asId(bytesIn(text, field));
}
