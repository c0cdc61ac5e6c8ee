// File metadata, format v1 (docs/protocol.md §5): name, type, size, last-modified time and
// an optional message, as JSON padded to 256-byte blocks (so the length shows little about
// the name) and sealed with XChaCha20-Poly1305 under the file key's metadata subkey, with
// the file id in the additional data.
import { fromUtf8, randomBytes, utf8 } from './bytes.js';
import { encodeFields } from './encoding.js';
import { envelopeHeader, joinAead, KIND, NONCE_BYTES, splitAead } from './envelope.js';
import { FormatError } from './errors.js';
import { aeadDecrypt, aeadEncrypt, deriveKey, hashFields } from './primitives.js';
import { sodium } from './sodium.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { FileKey, Id, SealedMetadata } from './types.js';

const METADATA_BLOCK = 256;
export const MAX_NAME_LENGTH = 1024;
export const MAX_TYPE_LENGTH = 255;
const MAX_MESSAGE_LENGTH = 10_000;

export interface FileMetadata {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly lastModified: number;
  readonly message?: string;
}

function metadataKey(fileKey: FileKey): Uint8Array {
  return deriveKey(fileKey, KDF_CONTEXT.file, SUBKEY.file.metadata);
}

function metadataAd(header: Uint8Array, fileId: Id): Uint8Array {
  return encodeFields([TAG.metadata, header, fileId]);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * The keys of the outermost object of `json`, in order, decoded (so `"na\u006de"` is `name`),
 * duplicates kept. `json` must already have parsed (JSON.parse), so every string closes.
 * JSON.parse keeps the last of two equal keys; a reader elsewhere may keep the first, so a
 * duplicate would let one signed file show two names (docs/protocol.md §5).
 */
function outermostKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < json.length) {
    const ch = json[i];
    if (ch === '"') {
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const literal = json.slice(i, end + 1);
      i = end + 1;
      if (depth === 1) {
        let next = i;
        while (next < json.length && JSON_WHITESPACE.has(json[next] as string)) next++;
        if (json[next] === ':') keys.push(JSON.parse(literal) as string);
      }
      continue;
    }
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    i++;
  }
  return keys;
}

/** Refuses anything but the v1 shape, so a sender cannot smuggle fields a reader might trust. */
export function checkMetadata(value: unknown): FileMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FormatError('metadata is not an object');
  const record = value as Record<string, unknown>;
  const allowed = new Set(['v', 'name', 'type', 'size', 'lastModified', 'message']);
  for (const key of Object.keys(record)) if (!allowed.has(key)) throw new FormatError('unknown metadata field');
  const { v, name, type, size, lastModified, message } = record;
  if (v !== 1) throw new FormatError('unsupported metadata version');
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) throw new FormatError('bad name');
  if (typeof type !== 'string' || type.length > MAX_TYPE_LENGTH) throw new FormatError('bad type');
  if (!isCount(size) || !isCount(lastModified)) throw new FormatError('bad size or time');
  if (message !== undefined && (typeof message !== 'string' || message.length > MAX_MESSAGE_LENGTH))
    throw new FormatError('bad message');
  return message === undefined ? { name, type, size, lastModified } : { name, type, size, lastModified, message };
}

/** The JSON text sealed for `metadata`, keys in a fixed order. */
export function metadataJson(metadata: FileMetadata): string {
  const checked = checkMetadata({ v: 1, ...metadata });
  const ordered: Record<string, unknown> = {
    v: 1,
    name: checked.name,
    type: checked.type,
    size: checked.size,
    lastModified: checked.lastModified,
  };
  if (checked.message !== undefined) ordered['message'] = checked.message;
  return JSON.stringify(ordered);
}

export function sealMetadata(fileKey: FileKey, fileId: Id, metadata: FileMetadata): SealedMetadata {
  const padded = sodium().pad(utf8(metadataJson(metadata)), METADATA_BLOCK);
  const nonce = randomBytes(NONCE_BYTES);
  const header = envelopeHeader(KIND.metadata);
  const ciphertext = aeadEncrypt(metadataKey(fileKey), nonce, padded, metadataAd(header, fileId));
  return joinAead(KIND.metadata, nonce, ciphertext) as SealedMetadata;
}

export function openMetadata(fileKey: FileKey, fileId: Id, sealed: Uint8Array): FileMetadata {
  const { header, nonce, ciphertext } = splitAead(sealed, KIND.metadata);
  const padded = aeadDecrypt(metadataKey(fileKey), nonce, ciphertext, metadataAd(header, fileId));
  let json: string;
  try {
    json = fromUtf8(sodium().unpad(padded, METADATA_BLOCK));
  } catch {
    throw new FormatError('bad metadata padding');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new FormatError('metadata is not JSON');
  }
  const keys = outermostKeys(json);
  if (new Set(keys).size !== keys.length) throw new FormatError('duplicate key in metadata');
  return checkMetadata(parsed);
}

/** Hash of the sealed metadata, signed in manifests. */
export function metadataHash(sealed: SealedMetadata | Uint8Array): Uint8Array {
  return hashFields([TAG.metadataHash, sealed]);
}
