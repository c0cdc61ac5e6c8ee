// Every stored or transmitted ciphertext, signature or MAC'd record of format v1 is an
// envelope: "CF", a version byte, a kind byte, then a body whose layout the kind fixes.
// This file is the only place that reads those four bytes and splits bodies
// (docs/protocol.md §3).
import { concatBytes, readU32, u32 } from './bytes.js';
import { FormatError } from './errors.js';
import { sodium } from './sodium.js';

const FORMAT_VERSION = 1;
const MAGIC_0 = 0x43; // 'C'
const MAGIC_1 = 0x46; // 'F'

export const KIND = {
  content: 0x63, // 'c' streamed file content
  metadata: 0x6d, // 'm' sealed file metadata
  keyBundle: 0x6b, // 'k' private keys under a key-encryption key
  guestWrap: 0x67, // 'g' a file key under a guest link key
  sealed: 0x62, // 'b' crypto_box_seal to an X25519 key
  signed: 0x73, // 's' a body with an Ed25519 signature
  authenticated: 0x61, // 'a' a body with a keyed BLAKE2b MAC
  atRest: 0x72, // 'r' a server-side secret under the server's own key
  batchPlan: 0x70, // 'p' a batch plan under the sender's personal key
} as const;

export type EnvelopeKind = (typeof KIND)[keyof typeof KIND];

const HEADER_BYTES = 4;
export const NONCE_BYTES = 24; // XChaCha20-Poly1305-IETF
const AEAD_ABYTES = 16;
const SIGNATURE_BYTES = 64;
const MAC_BYTES = 32;
const SEAL_OVERHEAD = 48; // ephemeral public key + Poly1305 tag

export function envelopeHeader(kind: EnvelopeKind): Uint8Array {
  return new Uint8Array([MAGIC_0, MAGIC_1, FORMAT_VERSION, kind]);
}

/** Checks magic, version and kind; returns the body. */
function openEnvelope(bytes: Uint8Array, kind: EnvelopeKind): Uint8Array {
  if (bytes.length < HEADER_BYTES) throw new FormatError('too short for an envelope');
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) throw new FormatError('not a Coffer envelope');
  if (bytes[2] !== FORMAT_VERSION) throw new FormatError('unsupported format version');
  if (bytes[3] !== kind) throw new FormatError('wrong envelope kind');
  return bytes.subarray(HEADER_BYTES);
}

export interface AeadParts {
  readonly header: Uint8Array;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** Splits an AEAD envelope (kinds m, k, g): header, 24-byte nonce, ciphertext with its 16-byte tag. */
export function splitAead(bytes: Uint8Array, kind: EnvelopeKind, plaintextLength?: number): AeadParts {
  const body = openEnvelope(bytes, kind);
  if (body.length < NONCE_BYTES + AEAD_ABYTES) throw new FormatError('too short');
  if (plaintextLength !== undefined && body.length !== NONCE_BYTES + plaintextLength + AEAD_ABYTES) {
    throw new FormatError('wrong length');
  }
  return {
    header: bytes.subarray(0, HEADER_BYTES),
    nonce: body.subarray(0, NONCE_BYTES),
    ciphertext: body.subarray(NONCE_BYTES),
  };
}

export function joinAead(kind: EnvelopeKind, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return concatBytes(envelopeHeader(kind), nonce, ciphertext);
}

/** Kind b: the body is a crypto_box_seal output. */
export function splitSealed(bytes: Uint8Array): Uint8Array {
  const body = openEnvelope(bytes, KIND.sealed);
  if (body.length < SEAL_OVERHEAD) throw new FormatError('too short');
  return body;
}

export interface TrailedBody {
  readonly body: Uint8Array;
  readonly trailer: Uint8Array;
}

/** Kinds s and a: a 4-byte body length, the body, then a fixed-size signature or MAC. */
export function joinTrailed(
  kind: typeof KIND.signed | typeof KIND.authenticated,
  body: Uint8Array,
  trailer: Uint8Array,
): Uint8Array {
  return concatBytes(envelopeHeader(kind), u32(body.length), body, trailer);
}

export function splitTrailed(bytes: Uint8Array, kind: typeof KIND.signed | typeof KIND.authenticated): TrailedBody {
  const rest = openEnvelope(bytes, kind);
  const trailerLength = kind === KIND.signed ? SIGNATURE_BYTES : MAC_BYTES;
  const bodyLength = readU32(rest, 0);
  if (rest.length !== 4 + bodyLength + trailerLength) throw new FormatError('wrong length');
  return { body: rest.subarray(4, 4 + bodyLength), trailer: rest.subarray(4 + bodyLength) };
}

/** Kind c (content): header, chunk-size code, 24-byte secretstream header. */
const CONTENT_CHUNK_SIZE_CODE = 16; // 2^16 = 64 KiB of plaintext per chunk
export const CONTENT_CHUNK_BYTES = 1 << CONTENT_CHUNK_SIZE_CODE;
const STREAM_HEADER_BYTES = 24;
export const CONTENT_PREFIX_BYTES = HEADER_BYTES + 1 + STREAM_HEADER_BYTES;

export function contentPrefix(streamHeader: Uint8Array): Uint8Array {
  return concatBytes(envelopeHeader(KIND.content), new Uint8Array([CONTENT_CHUNK_SIZE_CODE]), streamHeader);
}

/** Reads the 29-byte content prefix; v1 refuses every chunk size but 64 KiB (a header-chosen size could exhaust memory). */
export function parseContentPrefix(prefix: Uint8Array): { streamHeader: Uint8Array } {
  if (prefix.length !== CONTENT_PREFIX_BYTES) throw new FormatError('wrong content prefix length');
  openEnvelope(prefix, KIND.content);
  if (prefix[HEADER_BYTES] !== CONTENT_CHUNK_SIZE_CODE) throw new FormatError('unsupported chunk size');
  return { streamHeader: prefix.subarray(HEADER_BYTES + 1) };
}

/** Exposed for the sanity check that libsodium's constants are the ones the format fixes. */
export function checkLibraryConstants(): void {
  const s = sodium();
  const expected: [number, number][] = [
    [s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NONCE_BYTES],
    [s.crypto_aead_xchacha20poly1305_ietf_ABYTES, AEAD_ABYTES],
    [s.crypto_secretstream_xchacha20poly1305_HEADERBYTES, STREAM_HEADER_BYTES],
    [s.crypto_sign_BYTES, SIGNATURE_BYTES],
    [s.crypto_box_SEALBYTES, SEAL_OVERHEAD],
  ];
  for (const [actual, wanted] of expected) {
    if (actual !== wanted) throw new Error('libsodium constants differ from format v1');
  }
}
