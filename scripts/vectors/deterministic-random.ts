// A deterministic crypto.getRandomValues for scripts/gen-vectors.ts: SHA-256 of the seed and a
// counter, byte after byte, so every run draws the same "random" values. Installed before
// libsodium loads, which takes its randomness from getRandomValues.
import { createHash } from 'node:crypto';

export function installDeterministicRandom(seed: string): void {
  let counter = 0;
  let pool = new Uint8Array(0);
  function deterministicFill<T extends ArrayBufferView | null>(array: T): T {
    if (array === null) return array;
    const out = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < out.length; i++) {
      if (pool.length === 0) pool = new Uint8Array(createHash('sha256').update(`${seed}/${counter++}`).digest());
      out[i] = pool[0] as number;
      pool = pool.subarray(1);
    }
    return array;
  }
  Object.defineProperty(globalThis.crypto, 'getRandomValues', {
    configurable: true,
    writable: true,
    value: deterministicFill,
  });
}
