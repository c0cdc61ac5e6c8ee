// The field encoding behind every signed, MAC'd, hashed, derived or sealed payload
// (docs/protocol.md §2): each field is a 4-byte big-endian length and its bytes. The first
// field is always a purpose tag `coffer/v1/<purpose>`, so bytes made for one purpose never
// parse or verify as another. The encoding is injective, so two different field lists
// never give the same bytes.
import { concatBytes, fromUtf8, readU32, readU64, u32, u64, utf8 } from './bytes.js';
import { FormatError } from './errors.js';

export type Field = Uint8Array | string | number | readonly Field[];

function fieldBytes(field: Field): Uint8Array {
  if (field instanceof Uint8Array) return field;
  if (typeof field === 'string') return utf8(field);
  if (typeof field === 'number') return u64(field);
  return encodeFields(field);
}

/** enc(f1, …, fn): strings as UTF-8, numbers as 8-byte big-endian, lists as a nested enc(). */
export function encodeFields(fields: readonly Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    const bytes = fieldBytes(field);
    parts.push(u32(bytes.length), bytes);
  }
  return concatBytes(...parts);
}

/** Splits enc() bytes into their fields. Refuses trailing or missing bytes. */
export function decodeFields(bytes: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = readU32(bytes, offset);
    offset += 4;
    if (offset + length > bytes.length) throw new FormatError('truncated field');
    fields.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}

/**
 * A reader over decoded fields that checks the tag, the count and each field's length,
 * so every parser states the exact shape it accepts.
 */
export class FieldReader {
  private index = 0;
  private readonly fields: Uint8Array[];

  constructor(bytes: Uint8Array, tag: string, count: number) {
    this.fields = decodeFields(bytes);
    if (this.fields.length !== count) throw new FormatError('wrong number of fields');
    if (this.text() !== tag) throw new FormatError('wrong purpose tag');
  }

  bytes(length?: number): Uint8Array {
    const field = this.fields[this.index++];
    if (field === undefined) throw new FormatError('missing field');
    if (length !== undefined && field.length !== length) throw new FormatError('wrong field length');
    return field;
  }

  text(): string {
    return fromUtf8(this.bytes());
  }

  number(): number {
    return readU64(this.bytes(8));
  }

  list(): Uint8Array[] {
    return decodeFields(this.bytes());
  }
}

/** A purpose tag: the first field of every payload. */
export function tag(purpose: string): string {
  return `coffer/v1/${purpose}`;
}
