// Shapes of values that travel in URLs and request bodies. Plain regular expressions with no
// imports, so the page can use them without loading the crypto library on the main thread.

/** A bearer token (setup link, invitation, session): 32 random bytes in base64url. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** An object id: 16 random bytes in base64url. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
