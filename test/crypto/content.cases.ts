// File content (docs/protocol.md §4): round trips of every awkward size with random piece
// boundaries, the container's layout, its hash, and the streaming helpers. Tampering is in
// content-tamper.cases.ts.
import fc from 'fast-check';
import {
  CONTENT_CHUNK_BYTES,
  CONTENT_PREFIX_BYTES,
  CIPHERTEXT_CHUNK_BYTES,
  ciphertextLengthOf,
  concatBytes,
  createContainerHasher,
  createContentDecryptor,
  createContentEncryptor,
  createUnhashedContentDecryptor,
  decryptContent,
  decryptStream,
  encryptContent,
  encryptStream,
  MismatchError,
  newFileKey,
  newId,
  plaintextLengthOf,
  type FileKey,
  type Id,
} from '../../shared/crypto/index.js';

import { sodiumHeap } from '../../shared/crypto/sodium.js';
import { assert, assertBytes, assertEqual, assertThrows, defineSuite, patternBytes } from './harness.js';

const C = CONTENT_CHUNK_BYTES;
const CT = CIPHERTEXT_CHUNK_BYTES;
const P = CONTENT_PREFIX_BYTES;

/** Splits bytes at the given cut points (sorted, deduplicated, clamped). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let last = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(last, point));
    last = point;
  }
  pieces.push(bytes.subarray(last));
  return pieces;
}

function encryptPieces(fileKey: FileKey, fileId: Id, pieces: Uint8Array[]): Uint8Array {
  const encryptor = createContentEncryptor(fileKey, fileId);
  const out: Uint8Array[] = [];
  for (const piece of pieces) out.push(...encryptor.update(piece));
  out.push(...encryptor.final().output);
  return concatBytes(...out);
}

interface Attempt {
  readonly released: Uint8Array;
  readonly error: unknown;
}

/**
 * Streams ciphertext through the decryptor and records what it released before failing. With
 * `unhashed`, through the decryptor that leaves the container hash to another thread (the
 * browser's large downloads): it must refuse every damaged container by itself all the same.
 */
export function decryptAttempt(
  fileKey: FileKey,
  fileId: Id,
  ciphertext: Uint8Array,
  pieceSize = 10_000,
  expectedHash?: Uint8Array,
  unhashed = false,
): Attempt {
  const released: Uint8Array[] = [];
  const keep = (bytes: Uint8Array): void => {
    released.push(bytes.slice());
  };
  try {
    if (unhashed) {
      const decryptor = createUnhashedContentDecryptor(fileKey, fileId);
      for (let offset = 0; offset < ciphertext.length; offset += pieceSize) {
        decryptor.updateInto(ciphertext.subarray(offset, offset + pieceSize), keep);
      }
      decryptor.finalInto(keep);
    } else {
      const decryptor = createContentDecryptor(fileKey, fileId);
      for (let offset = 0; offset < ciphertext.length; offset += pieceSize) {
        released.push(...decryptor.update(ciphertext.subarray(offset, offset + pieceSize)));
      }
      released.push(...decryptor.final(expectedHash).output);
    }
    return { released: concatBytes(...released), error: undefined };
  } catch (error) {
    return { released: concatBytes(...released), error };
  }
}

/** Whether `needle` occurs anywhere in libsodium's heap. */
function inHeap(needle: Uint8Array): boolean {
  const heap = sodiumHeap().HEAPU8;
  const first = needle[0];
  for (let at = heap.indexOf(first as number); at !== -1; at = heap.indexOf(first as number, at + 1)) {
    let i = 1;
    while (i < needle.length && heap[at + i] === needle[i]) i++;
    if (i === needle.length) return true;
  }
  return false;
}

/** Runs `fn`, which must throw a plain Error (a misuse, not a crypto failure). */
function refuses(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof Error, `${message}: it went on`);
}

/** Three chunks: two full, one partial. */
export function threeChunkFile() {
  const fileKey = newFileKey();
  const fileId = newId();
  const plaintext = patternBytes(2 * C + 1000, 7);
  const { ciphertext, summary } = encryptContent(fileKey, fileId, plaintext);
  return { fileKey, fileId, plaintext, ciphertext, summary };
}

export const contentCases = defineSuite('content', {
  'round trip for sizes 0, 1, chunk-1, chunk, chunk+1 and random, with random piece boundaries'() {
    const size = fc.oneof(
      fc.constantFrom(0, 1, C - 1, C, C + 1, 2 * C, 2 * C + 1),
      fc.integer({ min: 0, max: 3 * C + 17 }),
    );
    fc.assert(
      fc.property(
        size,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer(),
        (length, plainCuts, cipherCuts, seed) => {
          const fileKey = newFileKey();
          const fileId = newId();
          const plaintext = patternBytes(length, seed);
          const ciphertext = encryptPieces(
            fileKey,
            fileId,
            split(
              plaintext,
              plainCuts.map((c) => c % (length + 1)),
            ),
          );
          assertEqual(ciphertext.length, ciphertextLengthOf(length), 'container length formula');
          assertEqual(plaintextLengthOf(ciphertext.length), length, 'plaintext length from container length');
          const decryptor = createContentDecryptor(fileKey, fileId);
          const out: Uint8Array[] = [];
          for (const piece of split(
            ciphertext,
            cipherCuts.map((c) => c % (ciphertext.length + 1)),
          ))
            out.push(...decryptor.update(piece));
          out.push(...decryptor.final().output);
          assertBytes(concatBytes(...out), plaintext, 'decrypted plaintext');
        },
      ),
      { numRuns: 40 },
    );
  },

  'container layout: 29-byte prefix, full chunks of 65553 bytes, TAG_FINAL only on the last'() {
    const file = threeChunkFile();
    assertBytes(
      file.ciphertext.subarray(0, 5),
      new Uint8Array([0x43, 0x46, 1, 0x63, 16]),
      'magic, version, kind, chunk-size code',
    );
    assertEqual(file.ciphertext.length, P + 2 * CT + 1000 + 17, 'total length');
    assertEqual(file.summary.ciphertextLength, file.ciphertext.length, 'summary length');
    assertEqual(file.summary.plaintextLength, file.plaintext.length, 'summary plaintext length');
  },

  'a file of exactly one chunk has one final chunk, an empty file one empty final chunk'() {
    const fileKey = newFileKey();
    const fileId = newId();
    assertEqual(encryptContent(fileKey, fileId, new Uint8Array(0)).ciphertext.length, P + 17, 'empty file');
    assertEqual(encryptContent(fileKey, fileId, new Uint8Array(C)).ciphertext.length, P + CT, 'one full chunk');
  },

  'the container hash is the same on both sides and checked against the manifest'() {
    const file = threeChunkFile();
    const hasher = createContainerHasher();
    for (let offset = 0; offset < file.ciphertext.length; offset += 40_000)
      hasher.update(file.ciphertext.subarray(offset, offset + 40_000));
    assertBytes(
      hasher.digest(),
      file.summary.ciphertextHash,
      'a server hashing the stored container gets the same hash',
    );
    const attempt = decryptAttempt(file.fileKey, file.fileId, file.ciphertext, 7777, file.summary.ciphertextHash);
    assertEqual(attempt.error, undefined, 'decrypts with the right hash');
    const wrongHash = file.summary.ciphertextHash.slice();
    wrongHash[0] = (wrongHash[0] as number) ^ 1;
    assertThrows(
      () => decryptContent(file.fileKey, file.fileId, file.ciphertext, wrongHash),
      MismatchError,
      'hash from the manifest differs',
    );
  },

  'the decryptor that leaves the hash elsewhere opens what the hashing one opens, with the same totals'() {
    for (const length of [0, 1, C, 2 * C + 1000]) {
      const fileKey = newFileKey();
      const fileId = newId();
      const plaintext = patternBytes(length, length + 3);
      const { ciphertext, summary } = encryptContent(fileKey, fileId, plaintext);
      const attempt = decryptAttempt(fileKey, fileId, ciphertext, 30_001, undefined, true);
      assertEqual(attempt.error, undefined, `${length} bytes: opens`);
      assertBytes(attempt.released, plaintext, `${length} bytes: the plaintext`);
      const decryptor = createUnhashedContentDecryptor(fileKey, fileId);
      decryptor.updateInto(ciphertext, () => undefined);
      const totals = decryptor.finalInto(() => undefined);
      assertEqual(totals.ciphertextLength, summary.ciphertextLength, `${length} bytes: container length`);
      assertEqual(totals.plaintextLength, summary.plaintextLength, `${length} bytes: plaintext length`);
      assert(!('ciphertextHash' in totals), `${length} bytes: no hash is claimed`);
    }
  },

  'the heap views of updateInto, finalInto and updateFrom carry the same bytes as the copying calls'() {
    const file = threeChunkFile();
    const container: Uint8Array[] = [];
    const keep = (bytes: Uint8Array): void => void container.push(bytes.slice());
    const encryptor = createContentEncryptor(file.fileKey, file.fileId);
    for (let offset = 0; offset < file.plaintext.length; offset += 20_000)
      encryptor.updateInto(file.plaintext.subarray(offset, offset + 20_000), keep);
    const summary = encryptor.finalInto(keep);
    const ciphertext = concatBytes(...container);
    assertEqual(ciphertext.length, file.ciphertext.length, 'container length');
    assertBytes(decryptContent(file.fileKey, file.fileId, ciphertext, summary.ciphertextHash), file.plaintext, 'opens');

    const plain: Uint8Array[] = [];
    const decryptor = createContentDecryptor(file.fileKey, file.fileId);
    for (let offset = 0; offset < ciphertext.length; offset += 30_000)
      decryptor.updateInto(ciphertext.subarray(offset, offset + 30_000), (bytes) => plain.push(bytes.slice()));
    decryptor.finalInto((bytes) => plain.push(bytes.slice()), summary.ciphertextHash);
    assertBytes(concatBytes(...plain), file.plaintext, 'plaintext through the views');

    const hasher = createContainerHasher();
    for (let offset = 0; offset < ciphertext.length;) {
      const piece = ciphertext.subarray(offset, offset + 50_000);
      offset += hasher.updateFrom(50_000, (target) => {
        target.set(piece);
        return piece.length;
      });
    }
    assertBytes(hasher.digest(), summary.ciphertextHash, 'the hash of bytes read straight into the heap');
  },

  'no plaintext stays in the heap once a stream ended, and a stream given up refuses more'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const plaintext = patternBytes(2 * C + 1000, Date.now());
    // From the end of the second chunk: the last chunk (1000 bytes) does not overwrite it.
    const needle = plaintext.slice(2 * C - 200, 2 * C - 136);
    const container: Uint8Array[] = [];
    const encryptor = createContentEncryptor(fileKey, fileId);
    encryptor.updateInto(plaintext, (bytes) => container.push(bytes.slice()));
    const { ciphertextHash } = encryptor.finalInto((bytes) => container.push(bytes.slice()));
    assert(!inHeap(needle), 'the encryptor wiped its plaintext buffer');

    const decryptor = createContentDecryptor(fileKey, fileId);
    decryptor.updateInto(concatBytes(...container), () => undefined);
    assert(inHeap(needle), 'mid-stream the opened chunk is in the heap (so the search can find it)');
    decryptor.finalInto(() => undefined, ciphertextHash);
    assert(!inHeap(needle), 'the decryptor wiped its plaintext buffer');

    const givenUp = createContentDecryptor(fileKey, fileId);
    givenUp.updateInto(concatBytes(...container).subarray(0, P + CT + 10), () => undefined);
    assert(inHeap(plaintext.slice(100, 164)), 'the first chunk is open');
    givenUp.dispose();
    assert(!inHeap(plaintext.slice(100, 164)), 'dispose wiped it');
    refuses(() => givenUp.updateInto(new Uint8Array(10), () => undefined), 'a disposed decryptor');
    const abandoned = createContentEncryptor(fileKey, fileId);
    abandoned.updateInto(plaintext.subarray(0, 1000), () => undefined);
    abandoned.dispose();
    assert(!inHeap(plaintext.slice(100, 164)), 'dispose wiped the pending plaintext');
    refuses(() => abandoned.updateInto(new Uint8Array(10), () => undefined), 'a disposed encryptor');
  },

  async 'async-iterable stream helpers match the whole-buffer functions'() {
    const file = threeChunkFile();
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source is what this case feeds the helpers
    async function* pieces(bytes: Uint8Array, size: number) {
      for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
    }
    const encrypted: Uint8Array[] = [];
    const encryptor = encryptStream(file.fileKey, file.fileId, pieces(file.plaintext, 50_000));
    let step = await encryptor.next();
    while (!step.done) {
      encrypted.push(step.value);
      step = await encryptor.next();
    }
    const ciphertext = concatBytes(...encrypted);
    assertEqual(ciphertext.length, file.ciphertext.length, 'stream container length');
    const decrypted: Uint8Array[] = [];
    for await (const piece of decryptStream(
      file.fileKey,
      file.fileId,
      pieces(ciphertext, 30_000),
      step.value.ciphertextHash,
    ))
      decrypted.push(piece);
    assertBytes(concatBytes(...decrypted), file.plaintext, 'stream round trip');
  },
});
