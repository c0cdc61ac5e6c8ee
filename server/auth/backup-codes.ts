// Backup codes for two-factor sign-in, as the server reads them: the enrolling browser makes
// them (shared/backup-codes.ts); the server keeps only codeHash(serverKey, 'backup-code',
// userId, code) of the normalized code.
import { FormatError, normalizeBase32 } from '../../shared/crypto/index.js';

const CODE_CHARS = 10;

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
