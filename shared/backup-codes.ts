// Backup codes for two-factor sign-in: 10 per enrolment, each 10 Crockford base32 characters
// (50 bits) shown as XXXXX-XXXXX, single use. The enrolling browser makes them and sends them
// with its first code, so an answer lost on the way loses no code the account depends on
// (docs/protocol.md, "Two-factor sign-in"); the server keeps only a keyed hash of each.
// No imports beyond base32, so the page can make them without loading the crypto library.
import { toBase32 } from './crypto/base32.js';

export const BACKUP_CODE_COUNT = 10;

/** A backup code as made and shown: two groups of five Crockford base32 characters. */
export const BACKUP_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/** One enrolment's codes, all different, from `random` (a CSPRNG giving that many bytes). */
export function newBackupCodes(random: (length: number) => Uint8Array): string[] {
  const codes = new Set<string>();
  while (codes.size < BACKUP_CODE_COUNT) {
    // 7 random bytes give 11 independent 5-bit characters; keep 10.
    const code = toBase32(random(7)).slice(0, 10);
    codes.add(`${code.slice(0, 5)}-${code.slice(5)}`);
  }
  return [...codes];
}
