// Backup codes for two-factor sign-in: 10 per enrolment, each 10 Crockford base32 characters
// (50 bits) shown as XXXXX-XXXXX, single use. The server keeps only
// codeHash(serverKey, 'backup-code', userId, code) of the normalized code.
import { FormatError, normalizeBase32, randomBytes, toBase32 } from '../../shared/crypto/index.js';

export const BACKUP_CODE_COUNT = 10;
const CODE_CHARS = 10;

/** A new code in its display form, XXXXX-XXXXX. */
export function newBackupCode(): string {
  // 7 random bytes give 11 independent 5-bit characters; keep 10.
  const code = toBase32(randomBytes(7)).slice(0, CODE_CHARS);
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The form that is hashed: upper case, no hyphen, O→0 and I/L→1; undefined if it cannot be a backup code. */
export function normalizeBackupCode(input: string): string | undefined {
  try {
    const normalized = normalizeBase32(input.trim());
    return normalized.length === CODE_CHARS ? normalized : undefined;
  } catch (error) {
    if (error instanceof FormatError) return undefined;
    throw error;
  }
}
