// File content, format v1 (docs/protocol.md §4): a 29-byte prefix, then
// crypto_secretstream_xchacha20poly1305 chunks of 64 KiB plaintext each. Only the last
// chunk carries TAG_FINAL; a byte after it, a missing final chunk, or a chunk out of
// place fails. The encryptor and decryptor are incremental, so no file is ever held
// whole in memory; decrypted bytes are released one verified chunk at a time.
import { bytesEqual, concatBytes, u32, utf8 } from './bytes.js';
import { encodeFields } from './encoding.js';
import { CONTENT_CHUNK_BYTES, CONTENT_PREFIX_BYTES, contentPrefix, parseContentPrefix } from './envelope.js';
import { DecryptError, FormatError, MismatchError } from './errors.js';
import { deriveKey, HASH_BYTES, requireKey } from './primitives.js';
import { sodium, type Sodium } from './sodium.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { FileKey, Id } from './types.js';

const CHUNK_ABYTES = 17;
export const CIPHERTEXT_CHUNK_BYTES = CONTENT_CHUNK_BYTES + CHUNK_ABYTES;

/** Size of the container for a plaintext of `plaintextLength` bytes (a declared upload size). */
export function ciphertextLengthOf(plaintextLength: number): number {
  const chunks = Math.max(1, Math.ceil(plaintextLength / CONTENT_CHUNK_BYTES));
  return CONTENT_PREFIX_BYTES + plaintextLength + chunks * CHUNK_ABYTES;
}

/** Plaintext size for a well-formed container length, or undefined when no plaintext length gives it. */
export function plaintextLengthOf(containerLength: number): number | undefined {
  const body = containerLength - CONTENT_PREFIX_BYTES;
  if (body < CHUNK_ABYTES) return undefined;
  const fullChunks = Math.floor((body - 1) / CIPHERTEXT_CHUNK_BYTES);
  const last = body - fullChunks * CIPHERTEXT_CHUNK_BYTES;
  // An empty final chunk is written only for an empty file.
  if (last < CHUNK_ABYTES || (last === CHUNK_ABYTES && fullChunks > 0)) return undefined;
  return fullChunks * CONTENT_CHUNK_BYTES + last - CHUNK_ABYTES;
}

function chunkAd(prefix: Uint8Array, fileId: Id): Uint8Array {
  return encodeFields([TAG.contentChunk, prefix, fileId]);
}

/** Streaming BLAKE2b-256 over u32(len(tag)) ‖ tag ‖ the container bytes. */
function startCiphertextHash(s: Sodium) {
  const state = s.crypto_generichash_init(null, HASH_BYTES);
  const tagBytes = utf8(TAG.ciphertextHash);
  s.crypto_generichash_update(state, concatBytes(u32(tagBytes.length), tagBytes));
  return state;
}

/**
 * The container hash of bytes fed in order (the server computes it over a finished upload,
 * to check it against the signed manifest). The same value the encryptor reports.
 */
export function createContainerHasher(): { update(bytes: Uint8Array): void; digest(): Uint8Array } {
  const s = sodium();
  const state = startCiphertextHash(s);
  let done = false;
  return {
    update(bytes) {
      if (done) throw new Error('hasher already finished');
      s.crypto_generichash_update(state, bytes);
    },
    digest() {
      if (done) throw new Error('hasher already finished');
      done = true;
      return s.crypto_generichash_final(state, HASH_BYTES);
    },
  };
}

export function contentKey(fileKey: FileKey): Uint8Array {
  return deriveKey(fileKey, KDF_CONTEXT.file, SUBKEY.file.content);
}

export interface ContentSummary {
  /** BLAKE2b-256 of the whole container (signed in the share manifest). */
  readonly ciphertextHash: Uint8Array;
  readonly ciphertextLength: number;
  readonly plaintextLength: number;
}

export interface ContentEncryptor {
  /** Takes plaintext; returns the container bytes that are ready (possibly none). */
  update(plaintext: Uint8Array): Uint8Array[];
  /** Ends the plaintext: returns the last bytes and the container's summary. */
  final(): { readonly output: Uint8Array[]; readonly summary: ContentSummary };
}

export function createContentEncryptor(fileKey: FileKey, fileId: Id): ContentEncryptor {
  requireKey(fileKey);
  const s = sodium();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(contentKey(fileKey));
  const prefix = contentPrefix(header);
  const ad = chunkAd(prefix, fileId);
  const hash = startCiphertextHash(s);
  const pending = new Uint8Array(CONTENT_CHUNK_BYTES);
  let filled = 0;
  let prefixSent = false;
  let finished = false;
  let plainTotal = 0;
  let cipherTotal = 0;

  function emit(out: Uint8Array[], bytes: Uint8Array): void {
    s.crypto_generichash_update(hash, bytes);
    cipherTotal += bytes.length;
    out.push(bytes);
  }

  function start(out: Uint8Array[]): void {
    if (!prefixSent) {
      emit(out, prefix);
      prefixSent = true;
    }
  }

  return {
    update(plaintext) {
      if (finished) throw new Error('encryptor already finished');
      const out: Uint8Array[] = [];
      start(out);
      plainTotal += plaintext.length;
      let offset = 0;
      while (offset < plaintext.length) {
        // A full chunk is sealed only once more plaintext exists, so the last one can carry TAG_FINAL.
        if (filled === CONTENT_CHUNK_BYTES) {
          emit(
            out,
            s.crypto_secretstream_xchacha20poly1305_push(
              state,
              pending,
              ad,
              s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
            ),
          );
          filled = 0;
        }
        const take = Math.min(CONTENT_CHUNK_BYTES - filled, plaintext.length - offset);
        pending.set(plaintext.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
      }
      return out;
    },
    final() {
      if (finished) throw new Error('encryptor already finished');
      finished = true;
      const output: Uint8Array[] = [];
      start(output);
      emit(
        output,
        s.crypto_secretstream_xchacha20poly1305_push(
          state,
          pending.subarray(0, filled),
          ad,
          s.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
        ),
      );
      s.memzero(pending);
      const ciphertextHash = s.crypto_generichash_final(hash, HASH_BYTES);
      return { output, summary: { ciphertextHash, ciphertextLength: cipherTotal, plaintextLength: plainTotal } };
    },
  };
}

export interface ContentDecryptor {
  /** Takes container bytes; returns the plaintext of every chunk verified so far (possibly none). */
  update(ciphertext: Uint8Array): Uint8Array[];
  /**
   * Ends the container: verifies the final chunk and, when `expectedHash` is given, the
   * container hash from the signed manifest. Throws rather than return an incomplete file.
   */
  final(expectedHash?: Uint8Array): { readonly output: Uint8Array[]; readonly summary: ContentSummary };
}

export function createContentDecryptor(fileKey: FileKey, fileId: Id): ContentDecryptor {
  requireKey(fileKey);
  const s = sodium();
  const key = contentKey(fileKey);
  const hash = startCiphertextHash(s);
  const prefix = new Uint8Array(CONTENT_PREFIX_BYTES);
  let prefixFilled = 0;
  let state: ReturnType<Sodium['crypto_secretstream_xchacha20poly1305_init_pull']> | undefined;
  let ad: Uint8Array | undefined;
  const chunk = new Uint8Array(CIPHERTEXT_CHUNK_BYTES);
  let filled = 0;
  let plainTotal = 0;
  let cipherTotal = 0;
  let done = false;
  let failed = false;

  function fail(error: Error): never {
    failed = true;
    throw error;
  }

  function pull(bytes: Uint8Array, expectFinal: boolean): Uint8Array {
    if (state === undefined || ad === undefined) return fail(new DecryptError('container ends inside its prefix'));
    let result: { message: Uint8Array; tag: number } | false;
    try {
      result = s.crypto_secretstream_xchacha20poly1305_pull(state, bytes, ad);
    } catch {
      result = false;
    }
    if (result === false) return fail(new DecryptError('chunk does not authenticate'));
    const isFinal = result.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (isFinal && !expectFinal) return fail(new DecryptError('bytes after the final chunk'));
    if (!isFinal && expectFinal) return fail(new DecryptError('the final chunk is missing'));
    if (!isFinal && result.tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
      return fail(new DecryptError('unexpected chunk tag'));
    }
    plainTotal += result.message.length;
    return result.message;
  }

  function guard(): void {
    if (failed) throw new DecryptError('decryption already failed');
    if (done) throw new Error('decryptor already finished');
  }

  return {
    update(ciphertext) {
      guard();
      s.crypto_generichash_update(hash, ciphertext);
      cipherTotal += ciphertext.length;
      const out: Uint8Array[] = [];
      let offset = 0;
      if (state === undefined) {
        const take = Math.min(CONTENT_PREFIX_BYTES - prefixFilled, ciphertext.length);
        prefix.set(ciphertext.subarray(0, take), prefixFilled);
        prefixFilled += take;
        offset = take;
        if (prefixFilled < CONTENT_PREFIX_BYTES) return out;
        let streamHeader: Uint8Array;
        try {
          streamHeader = parseContentPrefix(prefix).streamHeader;
        } catch (error) {
          return fail(error as Error);
        }
        state = s.crypto_secretstream_xchacha20poly1305_init_pull(streamHeader, key);
        ad = chunkAd(prefix, fileId);
      }
      while (offset < ciphertext.length) {
        // A full buffered chunk is opened only when more bytes follow it: then it must not be final.
        if (filled === CIPHERTEXT_CHUNK_BYTES) {
          out.push(pull(chunk, false));
          filled = 0;
        }
        const take = Math.min(CIPHERTEXT_CHUNK_BYTES - filled, ciphertext.length - offset);
        chunk.set(ciphertext.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
      }
      return out;
    },
    final(expectedHash) {
      guard();
      done = true;
      if (state === undefined) return fail(new DecryptError('container ends inside its prefix'));
      if (filled < CHUNK_ABYTES) return fail(new DecryptError('container is truncated'));
      const last = pull(chunk.subarray(0, filled), true);
      if (last.length === 0 && cipherTotal > CONTENT_PREFIX_BYTES + CHUNK_ABYTES) {
        return fail(new FormatError('an empty final chunk follows a full one'));
      }
      const ciphertextHash = s.crypto_generichash_final(hash, HASH_BYTES);
      if (expectedHash !== undefined && !bytesEqual(ciphertextHash, expectedHash)) {
        return fail(new MismatchError('container hash differs from the manifest'));
      }
      return {
        output: [last],
        summary: { ciphertextHash, ciphertextLength: cipherTotal, plaintextLength: plainTotal },
      };
    },
  };
}

/** Whole-buffer encryption, for small files, tests and vectors. */
export function encryptContent(
  fileKey: FileKey,
  fileId: Id,
  plaintext: Uint8Array,
): { ciphertext: Uint8Array; summary: ContentSummary } {
  const encryptor = createContentEncryptor(fileKey, fileId);
  const head = encryptor.update(plaintext);
  const { output, summary } = encryptor.final();
  return { ciphertext: concatBytes(...head, ...output), summary };
}

/** Whole-buffer decryption: returns plaintext only when the entire container verified. */
export function decryptContent(
  fileKey: FileKey,
  fileId: Id,
  ciphertext: Uint8Array,
  expectedHash?: Uint8Array,
): Uint8Array {
  const decryptor = createContentDecryptor(fileKey, fileId);
  const head = decryptor.update(ciphertext);
  const { output } = decryptor.final(expectedHash);
  return concatBytes(...head, ...output);
}

/**
 * Encrypts an async stream of plaintext pieces, yielding container bytes; returns the summary.
 * Works with Node streams and anything else that is async-iterable.
 */
export async function* encryptStream(
  fileKey: FileKey,
  fileId: Id,
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, ContentSummary> {
  const encryptor = createContentEncryptor(fileKey, fileId);
  for await (const piece of source) yield* encryptor.update(piece);
  const { output, summary } = encryptor.final();
  yield* output;
  return summary;
}

/**
 * Decrypts an async stream of container bytes, yielding verified plaintext chunk by chunk.
 * On any failure the generator throws, so a consumer writing to disk must treat the file
 * as failed (never as complete) unless the generator returned normally.
 */
export async function* decryptStream(
  fileKey: FileKey,
  fileId: Id,
  source: AsyncIterable<Uint8Array>,
  expectedHash?: Uint8Array,
): AsyncGenerator<Uint8Array, ContentSummary> {
  const decryptor = createContentDecryptor(fileKey, fileId);
  for await (const piece of source) yield* decryptor.update(piece);
  const { output, summary } = decryptor.final(expectedHash);
  yield* output;
  return summary;
}
