// The logo rules the server enforces (shared/wire/admin.ts), checked before an upload so the
// admin hears at once why a file is refused.
import { LOGO_MAX_BYTES, LOGO_TYPES } from '../../../../shared/wire/admin.js';

/** Why a chosen logo file cannot be sent, or null. */
export function logoProblem(file: { readonly type: string; readonly size: number }): 'type' | 'size' | null {
  if (!(LOGO_TYPES as readonly string[]).includes(file.type)) return 'type';
  if (file.size > LOGO_MAX_BYTES || file.size === 0) return 'size';
  return null;
}
