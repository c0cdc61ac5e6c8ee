// Byte helpers. Bytes are Uint8Array everywhere; base64url (no padding) only at the wire.
import { FormatError } from './errors.js';
import { sodium } from './sodium.js';

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Constant-time equality for secrets and MACs; false for different lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  return sodium().memcmp(a, b);
}

/** Lexicographic order, used for canonical sorting of ids. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function randomBytes(length: number): Uint8Array {
  return sodium().randombytes_buf(length);
}

export function utf8(text: string): Uint8Array {
  return sodium().from_string(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  try {
    return sodium().to_string(bytes);
  } catch {
    throw new FormatError('invalid UTF-8');
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  return sodium().to_base64(bytes, sodium().base64_variants.URLSAFE_NO_PADDING);
}

/**
 * Strict base64url (no padding) decoding. With `length`, the decoded value must have
 * exactly that many bytes. Non-canonical encodings (stray bits in the last character) are refused.
 */
export function fromBase64Url(text: string, length?: number): Uint8Array {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new FormatError('invalid base64url');
  let bytes: Uint8Array;
  try {
    bytes = sodium().from_base64(text, sodium().base64_variants.URLSAFE_NO_PADDING);
  } catch {
    throw new FormatError('invalid base64url');
  }
  if (toBase64Url(bytes) !== text) throw new FormatError('non-canonical base64url');
  if (length !== undefined && bytes.length !== length) throw new FormatError('wrong length');
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  return sodium().to_hex(bytes);
}

export function fromHex(text: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) throw new FormatError('invalid hex');
  return sodium().from_hex(text);
}

/** 8-byte big-endian encoding of a non-negative safe integer. */
export function u64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('u64 takes a non-negative safe integer');
  const out = new Uint8Array(8);
  let rest = value;
  for (let i = 7; i >= 0; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

export function readU64(bytes: Uint8Array): number {
  if (bytes.length !== 8) throw new FormatError('an integer field must be 8 bytes');
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  if (!Number.isSafeInteger(value)) throw new FormatError('integer out of range');
  return value;
}

export function u32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError('u32 out of range');
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

export function readU32(bytes: Uint8Array, offset: number): number {
  if (offset + 4 > bytes.length) throw new FormatError('truncated');
  return (
    (bytes[offset] as number) * 0x1000000 +
    (((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number))
  );
}

/** Overwrites a secret in place; best effort in JavaScript, where copies may exist. */
export function wipe(bytes: Uint8Array): void {
  sodium().memzero(bytes);
}
