// The container hash of a stored upload (docs/protocol.md §4), computed by reading its bytes
// once, in order. The hashing itself is shared/crypto's (the only libsodium import); this
// only feeds it a stream.
import type { Readable } from 'node:stream';
import { createContainerHasher } from '../../../shared/crypto/index.js';

export async function containerHashOf(source: Readable): Promise<{ hash: Uint8Array; length: number }> {
  const hasher = createContainerHasher();
  let length = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    hasher.update(chunk);
    length += chunk.length;
  }
  return { hash: hasher.digest(), length };
}
