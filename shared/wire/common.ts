// Building blocks of the wire schemas: bytes travel as base64url without padding, ids as 22
// base64url characters, addresses lower-cased. Exact byte lengths are checked here; the
// server decodes with shared/crypto's strict decoder, which also refuses non-canonical text.
import { z } from 'zod';
import { hasControlCharacter, ID_PATTERN, ROLES } from './patterns.js';

/** Unpadded base64url length of `n` bytes. */
function base64UrlLength(n: number): number {
  return Math.ceil((n * 4) / 3);
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Exactly `n` bytes in base64url. */
export function bytes(n: number) {
  return z.string().regex(BASE64URL).length(base64UrlLength(n));
}

/** Between `min` and `max` bytes in base64url (for envelopes whose length varies). */
export function bytesBetween(min: number, max: number) {
  return z
    .string()
    .regex(BASE64URL)
    .min(base64UrlLength(min))
    .max(base64UrlLength(max))
    .refine((text) => text.length % 4 !== 1, 'not a whole number of bytes');
}

/**
 * An object id as it travels: 22 base64url characters. On the server and in shared/crypto an
 * id is its 16 bytes, shared/crypto's `Id`; idFromWire and idToWire cross between the two.
 */
export const WireId = z.string().regex(ID_PATTERN);

export const Key32 = bytes(32);
export const Signature = bytes(64);

/** A mailbox address, trimmed and lower-cased; at most 254 characters (RFC 5321). */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/);

/** A person's or office's display name. */
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((text) => !hasControlCharacter(text), 'no control characters');

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** The two languages of Coffer's pages and mails. */
export const Language = z.enum(['nl', 'en']);
export type Language = z.infer<typeof Language>;

/** True if Intl knows `name` as a time zone. */
function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (`Europe/Amsterdam`, `UTC`) that Intl knows; offsets like `+01:00` are refused. */
export const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/)
  .refine(isKnownTimeZone, 'not a time zone');

/** Argon2id parameters as the browser must use them (shared/crypto checks floor and ceiling). */
export const KdfParams = z.object({
  algorithm: z.literal('argon2id13'),
  salt: bytes(16),
  opsLimit: z.number().int().min(1).max(100),
  memLimit: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024),
});
export type KdfParams = z.infer<typeof KdfParams>;

/** A six-digit TOTP code or a backup code (10 Crockford base32 characters, hyphen optional). */
export const SecondFactorCode = z
  .string()
  .trim()
  .regex(/^(\d{6}|[0-9A-Za-z]{5}-?[0-9A-Za-z]{5})$/);

/**
 * The body of a POST that takes no parameters (sign-out, two-factor begin, disable, enable,
 * reset, resend, withdraw): `{}` as JSON, so every state-changing request has the same shape.
 */
export const EmptyRequest = z.object({}).strict();

/** ISO 8601 time in UTC. */
export const Time = z.iso.datetime();
