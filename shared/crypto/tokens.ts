// Opaque bearer tokens (setup links, sessions, invitations, trusted devices, enrolled devices' API tokens): 32 random bytes in base64url.
// The server stores only their hash, under a purpose tag, so a token of one kind never
// matches a stored hash of another and a copied database grants nothing.
import { randomBytes, toBase64Url, utf8 } from './bytes.js';
import { tag } from './encoding.js';
import { hashFields, KEY_BYTES } from './primitives.js';

export type TokenPurpose = 'setup' | 'session' | 'invitation' | 'ticket' | 'trusted-device' | 'device';

export function newToken(): string {
  return toBase64Url(randomBytes(KEY_BYTES));
}

export function tokenHash(purpose: TokenPurpose, token: string): Uint8Array {
  return hashFields([tag(`token/${purpose}`), utf8(token)]);
}
