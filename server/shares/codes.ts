// E-mail codes for guests: six digits from the CSPRNG, uniform (rejection sampling, so no
// value is likelier than another). The server keeps only codeHash(serverKey, 'email-code',
// recipientId, code) (docs/protocol.md §16).
import { randomBytes } from '../../shared/crypto/index.js';

export const EMAIL_CODE_LIFETIME_MS = 10 * 60 * 1000;
/** Wrong tries one code survives; the next try fails even with the right code. */
export const TRIES_PER_CODE = 5;
/** Codes mailed to one recipient per hour. */
export const CODES_PER_HOUR = 3;
/** Wrong codes over a recipient's life before the link is locked until the sender unlocks it. */
export const WRONG_CODES_BEFORE_LOCK = 10;

const RANGE = 1_000_000;
// The largest multiple of RANGE below 2^32: values at or above it would favour small codes.
const LIMIT = Math.floor(2 ** 32 / RANGE) * RANGE;

export function newEmailCode(): string {
  for (;;) {
    const bytes = randomBytes(4);
    const value = ((bytes[0] as number) * 2 ** 24 + (bytes[1] as number) * 2 ** 16 + (bytes[2] as number) * 2 ** 8 + (bytes[3] as number)) >>> 0;
    if (value < LIMIT) return String(value % RANGE).padStart(6, '0');
  }
}
