// Shapes of values that travel in URLs and request bodies. Plain values with no imports, so the
// page and shared/crypto can use them without loading zod or the crypto library.

/** A bearer token (setup link, invitation, session): 32 random bytes in base64url. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** An object id: 16 random bytes in base64url. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Every role an account can have; the one list (shared/wire/common.ts derives the schema and the type). */
export const ROLES = ['admin', 'staff', 'client'] as const;

/** What an enrolled device or an API token may do (docs/protocol.md "Devices"): send shares, pull what arrived. */
export const DEVICE_SCOPES = ['send', 'pull'] as const;

/**
 * True if `text` holds a control character (C0 or DEL) other than those in `allowed`: names,
 * titles and labels are shown on one line; instructions may keep line breaks and tabs.
 */
export function hasControlCharacter(text: string, allowed = ''): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ((code <= 0x1f || code === 0x7f) && !allowed.includes(char)) return true;
  }
  return false;
}
