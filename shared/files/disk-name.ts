// The name a received file is written to disk under (docs/protocol.md §23). A file's name comes
// from decrypted metadata, which only its sender or uploader wrote: it is hostile input, and may
// be any string of up to 1,024 UTF-16 units (§5). Every client, the browser today and a
// command-line client later, turns it into a disk name with this one function, so a name that is
// safe in one is safe in the other. It uses no Node or DOM, only ECMAScript.

/** What a name that has nothing left becomes. */
export const DEFAULT_DISK_NAME = 'download';

/** The longest name, in UTF-8 bytes, that the common file systems (NTFS, ext4, APFS) accept. */
export const MAX_DISK_NAME_BYTES = 255;

/** An extension longer than this (in UTF-8 bytes, with its full stop) is not kept when a name is shortened. */
const MAX_KEPT_EXTENSION_BYTES = 32;

/**
 * Replaced by `_`: path separators; C0 and C1 control characters; the line and paragraph
 * separators; the bidirectional controls that can disguise an extension (U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069); the characters Windows refuses in a name (`< > : " | ? *`);
 * and lone surrogates, which have no UTF-8 form.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const UNSAFE = /[/\\<>:"|?*\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;

/** Windows drops trailing spaces and full stops from a name without saying so. */
const TRAILING = /[\s.]+$/u;

/**
 * Windows device names: a file called `CON` or `nul.txt` (in any case, with any extension, and
 * with spaces before the extension) opens the device instead. `COM¹`–`COM³` count too.
 */
const RESERVED = /^(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])(?:\s*\..*|\s*)$/iu;

/** The number of bytes `text` takes in UTF-8 (it holds no lone surrogates). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** The longest prefix of `text` that fits in `budget` UTF-8 bytes, cut between code points. */
function cutToBytes(text: string, budget: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Trims white space at both ends and spaces and full stops at the end. */
function tidy(text: string): string {
  return text.trim().replace(TRAILING, '');
}

/** Shortens a name to MAX_DISK_NAME_BYTES, keeping a short extension (`report.pdf` stays `….pdf`). */
function shorten(name: string): string {
  if (utf8Length(name) <= MAX_DISK_NAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  if (extension !== '' && !/\s/u.test(extension) && utf8Length(extension) <= MAX_KEPT_EXTENSION_BYTES) {
    const stem = tidy(cutToBytes(name.slice(0, dot), MAX_DISK_NAME_BYTES - utf8Length(extension)));
    if (stem !== '') return stem + extension;
  }
  return tidy(cutToBytes(name, MAX_DISK_NAME_BYTES));
}

/**
 * A metadata name made safe to write to disk, by the rules of docs/protocol.md §23: Unicode NFC;
 * unsafe characters replaced by `_`; no white space at either end and no spaces or full stops at
 * the end; a Windows device name gets a `_` in front; at most 255 UTF-8 bytes, cut between code
 * points and keeping a short extension; never empty (DEFAULT_DISK_NAME). Applying it twice
 * changes nothing.
 */
export function diskName(name: string): string {
  let safe = shorten(tidy(name.normalize('NFC').replace(UNSAFE, '_')));
  // After shortening: `CON` and 300 spaces and an `x` is only `CON` once cut and tidied.
  if (RESERVED.test(safe)) safe = shorten(`_${safe}`);
  return safe === '' ? DEFAULT_DISK_NAME : safe;
}
