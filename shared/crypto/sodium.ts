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

/** Version of the loaded libsodium, for the status line and bug reports. */
export function libraryVersion(): string {
  return sodium().SODIUM_VERSION_STRING;
}
