// Crockford base32 (0-9 A-Z without I L O U) for codes people read aloud or type:
// recovery keys and access codes. Reading is forgiving (case, spaces, hyphens, O→0, I/L→1).
import { FormatError } from './errors.js';

export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(buffer << (5 - bits)) & 31];
  return out;
}

/** Upper-cases, drops spaces and hyphens, maps O→0 and I/L→1; refuses any other character. */
export function normalizeBase32(text: string): string {
  const cleaned = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  for (const char of cleaned) if (!CROCKFORD.includes(char)) throw new FormatError('not a valid code character');
  return cleaned;
}

export function fromBase32(text: string, length: number): Uint8Array {
  const cleaned = normalizeBase32(text);
  if (cleaned.length !== Math.ceil((length * 8) / 5)) throw new FormatError('wrong code length');
  const out = new Uint8Array(length);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of cleaned) {
    buffer = (buffer << 5) | CROCKFORD.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      if (index < length) out[index++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  if (buffer !== 0) throw new FormatError('non-canonical code');
  return out;
}

/** "ABCDEFGH…" → "ABCD-EFGH-…" */
export function groupCode(text: string, size = 4): string {
  return (text.match(new RegExp(`.{1,${size}}`, 'g')) ?? []).join('-');
}
