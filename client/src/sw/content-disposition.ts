// The Content-Disposition header of a streamed download (RFC 6266), with the file's name both
// as a plain ASCII fallback and as RFC 5987 UTF-8 (`filename*`), which every current browser
// prefers. The name comes from decrypted metadata, so it is treated as hostile: no path
// separators, no control characters, nothing that could end the quoted string or the header.

/** RFC 5987 attr-char: what may stand unencoded in `filename*`. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/** A name safe to save under: no control characters or path separators, never empty. */
export function safeFileName(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f-\u009f/\\]/g, '_')
    .replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '_')
    .trim();
  if (cleaned === '' || /^\.+$/.test(cleaned)) return 'download';
  return cleaned.length > 255 ? cleaned.slice(0, 255) : cleaned;
}

/** Percent-encodes every UTF-8 byte that is not an attr-char. */
export function encodeRfc5987(value: string): string {
  let out = '';
  for (const char of value) {
    if (ATTR_CHAR.test(char)) {
      out += char;
      continue;
    }
    for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `attachment; filename="<ascii>"; filename*=UTF-8''<encoded>` */
export function contentDisposition(name: string): string {
  const safe = safeFileName(name);
  // The fallback is for old clients only: printable ASCII, without the quote, backslash and
  // percent sign (some browsers percent-decode it).
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(safe)}`;
}
