// Checks of what people type, done before anything is sent, with the same rules as the
// wire schemas (shared/wire/common.ts) so the page can say what is wrong next to the field.

/** Trimmed and lower-cased, as the server stores and certificates name it. */
export function normalizeEmail(text: string): string {
  return text.trim().toLowerCase();
}

export function isEmail(text: string): boolean {
  return text.length <= 254 && /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/.test(text);
}

/** A display name: 1 to 100 characters, no control characters. Returns the trimmed name or null. */
export function displayName(text: string): string | null {
  const name = text.trim();
  return name.length >= 1 && name.length <= 100 && !/[\u0000-\u001f\u007f]/.test(name) ? name : null;
}

/**
 * A six-digit authenticator code (spaces allowed, as apps show "123 456"), or a backup code
 * (10 characters, any case, a hyphen in the middle optional). Returns the code as the
 * server expects it, or null.
 */
export function normalizeSecondFactorCode(text: string, kind: 'totp' | 'backup' | 'either'): string | null {
  const compact = text.replace(/[\s\u00a0]/g, '');
  if (kind !== 'backup' && /^\d{6}$/.test(compact)) return compact;
  if (kind !== 'totp') {
    const backup = compact.replace(/[-\u2010-\u2015]/g, '').toUpperCase();
    if (/^[0-9A-Z]{10}$/.test(backup)) return `${backup.slice(0, 5)}-${backup.slice(5)}`;
  }
  return null;
}

/** The six digits of an e-mail code as typed ("123 456" allowed), or null. */
export function normalizeEmailCode(text: string): string | null {
  const digits = text.replace(/[\s\u00a0]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}
