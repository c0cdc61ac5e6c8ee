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
import { sodium, sodiumHeap, type Sodium, type SodiumHeap } from './sodium.js';
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

/** The wrappers type a state as an object; at run time it is its address in the heap. */
const addressOf = (state: unknown): number => state as number;

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
export interface ContainerHasher {
  update(bytes: Uint8Array): void;
  /**
   * Hashes the bytes `fill` writes into `target`, a view of up to `length` bytes of
   * libsodium's heap (valid only during the call), and returns how many it wrote: a file is
   * read straight into the heap, with no buffer of its own and no copy.
   */
  updateFrom(length: number, fill: (target: Uint8Array) => number): number;
  /** The digest; frees the hash's state. */
  digest(): Uint8Array;
}

/**
 * The heap buffer updateFrom reads into, shared by every hasher of this process: each use is
 * synchronous, so one (as large as the largest asked for) serves all, and it is kept.
 */
let fillBuffer = { address: 0, size: 0 };

function fillBufferOf(heap: SodiumHeap, length: number): number {
  if (fillBuffer.size < length) {
    if (fillBuffer.size > 0) heap._free(fillBuffer.address);
    fillBuffer = { address: heap._malloc(length), size: length };
  }
  return fillBuffer.address;
}

export function createContainerHasher(): ContainerHasher {
  const s = sodium();
  const heap = sodiumHeap();
  const state = startCiphertextHash(s);
  let done = false;
  const check = (): void => {
    if (done) throw new Error('hasher already finished');
  };
  return {
    update(bytes) {
      check();
      s.crypto_generichash_update(state, bytes);
    },
    updateFrom(length, fill) {
      check();
      const address = fillBufferOf(heap, length);
      const wrote = fill(heap.HEAPU8.subarray(address, address + length));
      if (!Number.isInteger(wrote) || wrote < 0 || wrote > length) throw new Error('fill wrote an impossible length');
      heap._crypto_generichash_update(addressOf(state), address, wrote, 0);
      return wrote;
    },
    digest() {
      check();
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

/** The plaintext and container lengths counted, without the container hash (computed elsewhere). */
type ContentTotals = Omit<ContentSummary, 'ciphertextHash'>;

/**
 * Receives container or plaintext bytes as a view into libsodium's heap, valid only until the
 * sink returns: it copies what it keeps (into a part, a batch), so no array is made per chunk.
 */
type ChunkSink = (bytes: Uint8Array) => void;

export interface ContentEncryptor {
  /** Takes plaintext; returns the container bytes that are ready (possibly none), as new arrays. */
  update(plaintext: Uint8Array): Uint8Array[];
  /** As update, handing each ready piece of the container to `sink` instead (no copy made here). */
  updateInto(plaintext: Uint8Array, sink: ChunkSink): void;
  /** Ends the plaintext: returns the last bytes and the container's summary. */
  final(): { readonly output: Uint8Array[]; readonly summary: ContentSummary };
  /** As final, handing the last bytes to `sink`. */
  finalInto(sink: ChunkSink): ContentSummary;
  /** Wipes and frees the stream's state and buffers, for a file given up (final does it too). Safe to call again. */
  dispose(): void;
}

/**
 * Buffers of the given sizes in libsodium's heap, allocated together; `release` wipes and
 * frees them (and the secretstream state, which holds the content key) once.
 */
function heapBuffers(heap: SodiumHeap, sizes: readonly number[], state: number) {
  const addresses = sizes.map((size) => heap._malloc(size));
  let released = false;
  return {
    addresses,
    release(): void {
      if (released) return;
      released = true;
      sizes.forEach((size, i) => {
        const address = addresses[i] ?? 0;
        heap.HEAPU8.fill(0, address, address + size);
        heap._free(address);
      });
      heap.HEAPU8.fill(0, state, state + heap._crypto_secretstream_xchacha20poly1305_statebytes());
      heap._free(state);
    },
  };
}

/** Copies of what a sink is handed, for the array-returning calls. */
function collector(): { readonly out: Uint8Array[]; readonly sink: ChunkSink } {
  const out: Uint8Array[] = [];
  return { out, sink: (bytes) => out.push(bytes.slice()) };
}

export function createContentEncryptor(fileKey: FileKey, fileId: Id): ContentEncryptor {
  requireKey(fileKey);
  const s = sodium();
  const heap = sodiumHeap();
  const pushed = s.crypto_secretstream_xchacha20poly1305_init_push(contentKey(fileKey));
  const state = addressOf(pushed.state);
  const prefix = contentPrefix(pushed.header);
  const ad = chunkAd(prefix, fileId);
  const hash = startCiphertextHash(s);
  const hashState = addressOf(hash);
  // The pending plaintext chunk, the sealed chunk and the additional data, in the heap for the
  // whole stream: a chunk is copied in once and handed out as a view.
  const buffers = heapBuffers(heap, [CONTENT_CHUNK_BYTES, CIPHERTEXT_CHUNK_BYTES, ad.length], state);
  const [plainAt = 0, sealedAt = 0, adAt = 0] = buffers.addresses;
  heap.HEAPU8.set(ad, adAt);
  let filled = 0;
  let prefixSent = false;
  let finished = false;
  let plainTotal = 0;
  let cipherTotal = 0;

  function start(sink: ChunkSink): void {
    if (prefixSent) return;
    prefixSent = true;
    s.crypto_generichash_update(hash, prefix);
    cipherTotal += prefix.length;
    sink(prefix);
  }

  function seal(tag: number, sink: ChunkSink): void {
    const result = heap._crypto_secretstream_xchacha20poly1305_push(
      state,
      sealedAt,
      0,
      plainAt,
      filled,
      0,
      adAt,
      ad.length,
      0,
      tag,
    );
    if (result !== 0) throw new Error('secretstream push failed');
    const sealed = filled + CHUNK_ABYTES;
    heap._crypto_generichash_update(hashState, sealedAt, sealed, 0);
    cipherTotal += sealed;
    filled = 0;
    sink(heap.HEAPU8.subarray(sealedAt, sealedAt + sealed));
  }

  function dispose(): void {
    if (!finished) {
      finished = true;
      s.crypto_generichash_final(hash, HASH_BYTES); // frees the hash state
    }
    buffers.release();
  }

  function updateInto(plaintext: Uint8Array, sink: ChunkSink): void {
    if (finished) throw new Error('encryptor already finished');
    start(sink);
    plainTotal += plaintext.length;
    let offset = 0;
    while (offset < plaintext.length) {
      // A full chunk is sealed only once more plaintext exists, so the last one can carry TAG_FINAL.
      if (filled === CONTENT_CHUNK_BYTES) seal(s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, sink);
      const take = Math.min(CONTENT_CHUNK_BYTES - filled, plaintext.length - offset);
      heap.HEAPU8.set(plaintext.subarray(offset, offset + take), plainAt + filled);
      filled += take;
      offset += take;
    }
  }

  function finalInto(sink: ChunkSink): ContentSummary {
    if (finished) throw new Error('encryptor already finished');
    try {
      start(sink);
      seal(s.crypto_secretstream_xchacha20poly1305_TAG_FINAL, sink);
      finished = true;
      const ciphertextHash = s.crypto_generichash_final(hash, HASH_BYTES);
      return { ciphertextHash, ciphertextLength: cipherTotal, plaintextLength: plainTotal };
    } finally {
      dispose();
    }
  }

  return {
    update(plaintext) {
      const { out, sink } = collector();
      updateInto(plaintext, sink);
      return out;
    },
    updateInto,
    final() {
      const { out, sink } = collector();
      const summary = finalInto(sink);
      return { output: out, summary };
    },
    finalInto,
    dispose,
  };
}

export interface ContentDecryptor {
  /** Takes container bytes; returns the plaintext of every chunk verified so far (possibly none), as new arrays. */
  update(ciphertext: Uint8Array): Uint8Array[];
  /** As update, handing each verified chunk's plaintext to `sink` instead (no copy made here). */
  updateInto(ciphertext: Uint8Array, sink: ChunkSink): void;
  /**
   * Ends the container: verifies the final chunk and, when `expectedHash` is given, the
   * container hash from the signed manifest. Throws rather than return an incomplete file.
   */
  final(expectedHash?: Uint8Array): { readonly output: Uint8Array[]; readonly summary: ContentSummary };
  /** As final, handing the last chunk's plaintext to `sink` (only once the hash matched). */
  finalInto(sink: ChunkSink, expectedHash?: Uint8Array): ContentSummary;
  /** Wipes and frees the stream's state and buffers, for a download given up (final and failures do it too). */
  dispose(): void;
}

/**
 * A decryptor that leaves the container hash to its caller, who feeds the same bytes in the
 * same order to a ContainerHasher elsewhere (another thread) and compares the digest with the
 * signed manifest **before** calling final: final hands out the last chunk's plaintext, and
 * with it the file, unchecked. Everything else is as createContentDecryptor.
 */
export interface UnhashedContentDecryptor {
  updateInto(ciphertext: Uint8Array, sink: ChunkSink): void;
  finalInto(sink: ChunkSink): ContentTotals;
  dispose(): void;
}

export function createContentDecryptor(fileKey: FileKey, fileId: Id): ContentDecryptor {
  const decryptor = decryptorOf(fileKey, fileId, true);
  return {
    update(ciphertext) {
      const { out, sink } = collector();
      decryptor.updateInto(ciphertext, sink);
      return out;
    },
    updateInto: decryptor.updateInto,
    final(expectedHash) {
      const { out, sink } = collector();
      const summary = decryptor.finalInto(sink, expectedHash);
      return { output: out, summary };
    },
    finalInto: decryptor.finalInto,
    dispose: decryptor.dispose,
  };
}

export function createUnhashedContentDecryptor(fileKey: FileKey, fileId: Id): UnhashedContentDecryptor {
  const decryptor = decryptorOf(fileKey, fileId, false);
  return {
    updateInto: decryptor.updateInto,
    finalInto(sink) {
      const { ciphertextLength, plaintextLength } = decryptor.finalInto(sink);
      return { ciphertextLength, plaintextLength };
    },
    dispose: decryptor.dispose,
  };
}

/** The decryptor's workings; `hashing` false leaves the container hash to the caller. */
function decryptorOf(fileKey: FileKey, fileId: Id, hashing: boolean) {
  requireKey(fileKey);
  const s = sodium();
  const heap = sodiumHeap();
  const key = contentKey(fileKey);
  const hash = hashing ? startCiphertextHash(s) : null;
  const hashState = addressOf(hash);
  const prefix = new Uint8Array(CONTENT_PREFIX_BYTES);
  let prefixFilled = 0;
  let state: number | undefined;
  let buffers: ReturnType<typeof heapBuffers> | undefined;
  // Set with the state: the buffered ciphertext chunk, its plaintext, the tag and the additional data.
  let chunkAt = 0;
  let plainAt = 0;
  let tagAt = 0;
  let adAt = 0;
  let adLength = 0;
  let filled = 0;
  let plainTotal = 0;
  let cipherTotal = 0;
  let done = false;
  let failed = false;
  let hashOpen = hash !== null;

  function dispose(): void {
    done = true;
    if (hashOpen && hash !== null) {
      hashOpen = false;
      s.crypto_generichash_final(hash, HASH_BYTES); // frees the hash state
    }
    buffers?.release();
  }

  function fail(error: Error): never {
    failed = true;
    dispose();
    throw error;
  }

  function begin(): void {
    let streamHeader: Uint8Array;
    try {
      streamHeader = parseContentPrefix(prefix).streamHeader;
    } catch (error) {
      return fail(error as Error);
    }
    if (hash !== null) s.crypto_generichash_update(hash, prefix);
    const pulled = addressOf(s.crypto_secretstream_xchacha20poly1305_init_pull(streamHeader, key));
    const ad = chunkAd(prefix, fileId);
    buffers = heapBuffers(heap, [CIPHERTEXT_CHUNK_BYTES, CONTENT_CHUNK_BYTES, 1, ad.length], pulled);
    [chunkAt = 0, plainAt = 0, tagAt = 0, adAt = 0] = buffers.addresses;
    heap.HEAPU8.set(ad, adAt);
    adLength = ad.length;
    state = pulled;
  }

  /** Hashes and opens the buffered chunk; hands its plaintext to `sink` unless it is the last. */
  function pull(expectFinal: boolean, sink: ChunkSink | null): Uint8Array {
    if (state === undefined) return fail(new DecryptError('container ends inside its prefix'));
    if (hash !== null) heap._crypto_generichash_update(hashState, chunkAt, filled, 0);
    const result = heap._crypto_secretstream_xchacha20poly1305_pull(
      state,
      plainAt,
      0,
      tagAt,
      chunkAt,
      filled,
      0,
      adAt,
      adLength,
      0,
    );
    if (result !== 0) return fail(new DecryptError('chunk does not authenticate'));
    const tag = heap.HEAPU8[tagAt];
    const isFinal = tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (isFinal && !expectFinal) return fail(new DecryptError('bytes after the final chunk'));
    if (!isFinal && expectFinal) return fail(new DecryptError('the final chunk is missing'));
    if (!isFinal && tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
      return fail(new DecryptError('unexpected chunk tag'));
    }
    const length = filled - CHUNK_ABYTES;
    plainTotal += length;
    filled = 0;
    const plaintext = heap.HEAPU8.subarray(plainAt, plainAt + length);
    sink?.(plaintext);
    return plaintext;
  }

  function guard(): void {
    if (failed) throw new DecryptError('decryption already failed');
    if (done) throw new Error('decryptor already finished');
  }

  function updateInto(ciphertext: Uint8Array, sink: ChunkSink): void {
    guard();
    cipherTotal += ciphertext.length;
    let offset = 0;
    if (state === undefined) {
      const take = Math.min(CONTENT_PREFIX_BYTES - prefixFilled, ciphertext.length);
      prefix.set(ciphertext.subarray(0, take), prefixFilled);
      prefixFilled += take;
      offset = take;
      if (prefixFilled < CONTENT_PREFIX_BYTES) return;
      begin();
    }
    while (offset < ciphertext.length) {
      // A full buffered chunk is opened only when more bytes follow it: then it must not be final.
      if (filled === CIPHERTEXT_CHUNK_BYTES) pull(false, sink);
      const take = Math.min(CIPHERTEXT_CHUNK_BYTES - filled, ciphertext.length - offset);
      heap.HEAPU8.set(ciphertext.subarray(offset, offset + take), chunkAt + filled);
      filled += take;
      offset += take;
    }
  }

  function finalInto(sink: ChunkSink, expectedHash?: Uint8Array): ContentSummary {
    guard();
    done = true;
    if (state === undefined) return fail(new DecryptError('container ends inside its prefix'));
    if (filled < CHUNK_ABYTES) return fail(new DecryptError('container is truncated'));
    const last = pull(true, null);
    if (last.length === 0 && cipherTotal > CONTENT_PREFIX_BYTES + CHUNK_ABYTES) {
      return fail(new FormatError('an empty final chunk follows a full one'));
    }
    // Without a hash here (the caller checked it elsewhere), the summary's hash is empty;
    // createUnhashedContentDecryptor leaves it out.
    let ciphertextHash: Uint8Array = new Uint8Array(0);
    if (hash !== null) {
      hashOpen = false;
      ciphertextHash = s.crypto_generichash_final(hash, HASH_BYTES);
      if (expectedHash !== undefined && !bytesEqual(ciphertextHash, expectedHash)) {
        return fail(new MismatchError('container hash differs from the manifest'));
      }
    }
    try {
      sink(last);
    } finally {
      dispose();
    }
    return { ciphertextHash, ciphertextLength: cipherTotal, plaintextLength: plainTotal };
  }

  return { updateInto, finalInto, dispose };
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
  try {
    for await (const piece of source) yield* encryptor.update(piece);
    const { output, summary } = encryptor.final();
    yield* output;
    return summary;
  } finally {
    // A consumer that stopped early (or a source that failed) leaves nothing in the heap.
    encryptor.dispose();
  }
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
  try {
    for await (const piece of source) yield* decryptor.update(piece);
    const { output, summary } = decryptor.final(expectedHash);
    yield* output;
    return summary;
  } finally {
    decryptor.dispose();
  }
}
