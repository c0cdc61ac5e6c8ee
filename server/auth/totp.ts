// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 30-second steps,
// 6 digits, as every authenticator app expects. libsodium has no HMAC-SHA-1, so this uses
// node:crypto; it is the one server-side primitive outside shared/crypto, and it never
// touches a user's end-to-end keys. A code is accepted for the current step and one step
// either side (clock drift); the caller then refuses that step and any older one for good.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CROCKFORD, toBase32 } from '../../shared/crypto/index.js';

const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one. */
const TOTP_WINDOW = 1;
/** 160 bits, the length RFC 4226 recommends for HMAC-SHA-1. */
export const TOTP_SECRET_BYTES = 20;

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** HOTP(secret, counter), as a zero-padded decimal string. */
export function hotp(secret: Uint8Array, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** TOTP_DIGITS;
  return String(binary).padStart(TOTP_DIGITS, '0');
}

/** The step whose code `code` is, within the window around `nowMs`; undefined if none. */
export function matchTotp(secret: Uint8Array, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const current = totpStep(nowMs);
  const given = Buffer.from(code, 'utf8');
  let matched: number | undefined;
  // Check every step in the window (no early exit), newest last.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (step < 0) continue;
    if (timingSafeEqual(Buffer.from(hotp(secret, step), 'utf8'), given)) matched = step;
  }
  return matched;
}

const RFC4648 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * RFC 4648 base32 without padding: the form authenticator apps take a secret in. It cuts the
 * bytes into the same 5-bit groups as the Crockford base32 of shared/crypto, so this spells
 * that encoding's characters in the RFC 4648 alphabet instead.
 */
export function toRfc4648Base32(bytes: Uint8Array): string {
  return Array.from(toBase32(bytes), (char) => RFC4648[CROCKFORD.indexOf(char)]).join('');
}

/** The otpauth:// URI shown as a QR code (Key Uri Format). */
export function otpauthUri(options: { issuer: string; account: string; secret: Uint8Array }): string {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.account)}`;
  const params = new URLSearchParams({
    secret: toRfc4648Base32(options.secret),
    issuer: options.issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString().replaceAll('+', '%20')}`;
}
