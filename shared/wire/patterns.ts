// Shapes of values that travel in URLs and request bodies. Plain values with no imports, so the
// page and shared/crypto can use them without loading zod or the crypto library.

/** A bearer token (setup link, invitation, session): 32 random bytes in base64url. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** An object id: 16 random bytes in base64url. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Every role an account can have; the one list (shared/wire/common.ts derives the schema and the type). */
export const ROLES = ['admin', 'staff', 'client'] as const;
