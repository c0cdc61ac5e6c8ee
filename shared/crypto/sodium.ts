// The one place in Coffer that imports libsodium. Every other module asks for the
// loaded library through `sodium()`, after `ready()` has resolved once.
//
// The sumo build is required: the standard libsodium-wrappers build has no
// crypto_pwhash (Argon2id) at run time, although its type definitions declare it.
import libsodium from 'libsodium-wrappers-sumo';

export type Sodium = typeof libsodium;

let loaded: Sodium | undefined;
let loading: Promise<Sodium> | undefined;

/** Loads libsodium (WebAssembly). Safe to call many times; resolves to the same instance. */
export function ready(): Promise<Sodium> {
  loading ??= libsodium.ready.then(() => {
    loaded = libsodium;
    return libsodium;
  });
  return loading;
}

/** The loaded library. Throws if `ready()` has not resolved yet: a programming error, not a user error. */
export function sodium(): Sodium {
  if (loaded === undefined) throw new Error('libsodium is not loaded: await ready() first');
  return loaded;
}

/**
 * The WebAssembly module under the wrappers: its heap and the few exports that content.ts
 * calls directly, so a file streams through buffers allocated once in the heap instead of a
 * copy in and a new array out for every 64 KiB chunk (docs/protocol.md §28). C's 64-bit
 * lengths are passed as two 32-bit halves (low, high). `HEAPU8` is replaced when the heap
 * grows, so it is read again at each use, never kept.
 */
export interface SodiumHeap {
  readonly HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(address: number): void;
  _crypto_secretstream_xchacha20poly1305_statebytes(): number;
  _crypto_secretstream_xchacha20poly1305_push(
    state: number,
    out: number,
    outLengthAddress: 0,
    message: number,
    messageLength: number,
    messageLengthHigh: 0,
    ad: number,
    adLength: number,
    adLengthHigh: 0,
    tag: number,
  ): number;
  _crypto_secretstream_xchacha20poly1305_pull(
    state: number,
    out: number,
    outLengthAddress: 0,
    tagAddress: number,
    ciphertext: number,
    ciphertextLength: number,
    ciphertextLengthHigh: 0,
    ad: number,
    adLength: number,
    adLengthHigh: 0,
  ): number;
  _crypto_generichash_update(state: number, input: number, inputLength: number, inputLengthHigh: 0): number;
}

/** The loaded library's WebAssembly module (see SodiumHeap). */
export function sodiumHeap(): SodiumHeap {
  return (sodium() as unknown as { libsodium: SodiumHeap }).libsodium;
}

/** Version of the loaded libsodium, for the status line and bug reports. */
export function libraryVersion(): string {
  return sodium().SODIUM_VERSION_STRING;
}
