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
  decryptContent,
  decryptStream,
  DecryptError,
  encodeFields,
  encryptContent,
  encryptStream,
  FormatError,
  MismatchError,
  newFileKey,
  newId,
  plaintextLengthOf,
  type FileKey,
  type Id,
} from '../../shared/crypto/index.js';
import { sodium } from '../../shared/crypto/sodium.js';
import { assert, assertBytes, assertEqual, assertThrows, defineSuite, patternBytes } from './harness.js';

const C = CONTENT_CHUNK_BYTES;
type ChunkTag = 'message' | 'final' | 'push' | 'rekey';

/**
 * Builds a container chunk by chunk with chosen tags, as a sender holding the key could,
 * to check that the decryptor enforces the layout and not only the authentication.
 */
function craftContainer(fileKey: FileKey, fileId: Id, chunks: readonly [number, ChunkTag][]): Uint8Array {
  const s = sodium();
  const tags = {
    message: s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    final: s.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    push: s.crypto_secretstream_xchacha20poly1305_TAG_PUSH,
    rekey: s.crypto_secretstream_xchacha20poly1305_TAG_REKEY,
  };
  const contentKey = s.crypto_kdf_derive_from_key(32, 1, 'CFv1file', fileKey);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(contentKey);
  const prefix = concatBytes(new Uint8Array([0x43, 0x46, 1, 0x63, 16]), header);
  const ad = encodeFields(['coffer/v1/content-chunk', prefix, fileId]);
  const out = [prefix];
  for (const [length, tag] of chunks)
    out.push(s.crypto_secretstream_xchacha20poly1305_push(state, patternBytes(length, out.length), ad, tags[tag]));
  return concatBytes(...out);
}

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

/** Streams ciphertext through the decryptor and records what it released before failing. */
function decryptAttempt(
  fileKey: FileKey,
  fileId: Id,
  ciphertext: Uint8Array,
  pieceSize = 10_000,
  expectedHash?: Uint8Array,
): Attempt {
  const released: Uint8Array[] = [];
  try {
    const decryptor = createContentDecryptor(fileKey, fileId);
    for (let offset = 0; offset < ciphertext.length; offset += pieceSize) {
      released.push(...decryptor.update(ciphertext.subarray(offset, offset + pieceSize)));
    }
    released.push(...decryptor.final(expectedHash).output);
    return { released: concatBytes(...released), error: undefined };
  } catch (error) {
    return { released: concatBytes(...released), error };
  }
}

/** Three chunks: two full, one partial. */
function threeChunkFile() {
  const fileKey = newFileKey();
  const fileId = newId();
  const plaintext = patternBytes(2 * C + 1000, 7);
  const { ciphertext, summary } = encryptContent(fileKey, fileId, plaintext);
  return { fileKey, fileId, plaintext, ciphertext, summary };
}

function chunkAt(ciphertext: Uint8Array, index: number): Uint8Array {
  return ciphertext.subarray(P + index * CT, Math.min(P + (index + 1) * CT, ciphertext.length));
}

/**
 * Every tampering must (1) fail whole-buffer decryption with the typed error, returning
 * nothing, and (2) make the streaming decryptor fail having released only plaintext of
 * chunks before `firstBadChunk`, which must equal the original.
 */
function expectTamperFails(
  file: ReturnType<typeof threeChunkFile>,
  tampered: Uint8Array,
  errorClass: typeof DecryptError | typeof FormatError,
  firstBadChunk: number,
  what: string,
): void {
  assertThrows(() => decryptContent(file.fileKey, file.fileId, tampered), errorClass, what);
  for (const pieceSize of [1 << 20, 4096, 65_553]) {
    const attempt = decryptAttempt(file.fileKey, file.fileId, tampered, pieceSize);
    assert(
      attempt.error instanceof errorClass,
      `${what}: streaming fails with ${errorClass.name} (got ${String(attempt.error)})`,
    );
    assert(
      attempt.released.length <= firstBadChunk * C,
      `${what}: released ${attempt.released.length} bytes, allowed ${firstBadChunk * C}`,
    );
    assertBytes(
      attempt.released,
      file.plaintext.subarray(0, attempt.released.length),
      `${what}: released bytes are the original's prefix`,
    );
  }
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

  async 'async-iterable stream helpers match the whole-buffer functions'() {
    const file = threeChunkFile();
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

  'tamper: a flipped bit anywhere fails and releases nothing from the damaged chunk on'() {
    const file = threeChunkFile();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: file.ciphertext.length - 1 }),
        fc.integer({ min: 0, max: 7 }),
        (position, bit) => {
          const tampered = file.ciphertext.slice();
          tampered[position] = (tampered[position] as number) ^ (1 << bit);
          const chunk = position < P ? 0 : Math.floor((position - P) / CT);
          const headerByte = position < 5;
          expectTamperFails(
            file,
            tampered,
            headerByte ? FormatError : DecryptError,
            chunk,
            `bit ${bit} of byte ${position}`,
          );
        },
      ),
      { numRuns: 60 },
    );
  },

  'tamper: swapped chunks'() {
    const file = threeChunkFile();
    const tampered = concatBytes(
      file.ciphertext.subarray(0, P),
      chunkAt(file.ciphertext, 1),
      chunkAt(file.ciphertext, 0),
      chunkAt(file.ciphertext, 2),
    );
    expectTamperFails(file, tampered, DecryptError, 0, 'chunks 0 and 1 swapped');
  },

  'tamper: a duplicated chunk'() {
    const file = threeChunkFile();
    const tampered = concatBytes(
      file.ciphertext.subarray(0, P),
      chunkAt(file.ciphertext, 0),
      chunkAt(file.ciphertext, 0),
      chunkAt(file.ciphertext, 1),
      chunkAt(file.ciphertext, 2),
    );
    expectTamperFails(file, tampered, DecryptError, 1, 'chunk 0 twice');
  },

  'tamper: a dropped middle chunk'() {
    const file = threeChunkFile();
    const tampered = concatBytes(
      file.ciphertext.subarray(0, P),
      chunkAt(file.ciphertext, 0),
      chunkAt(file.ciphertext, 2),
    );
    expectTamperFails(file, tampered, DecryptError, 1, 'chunk 1 dropped');
  },

  'tamper: a dropped final chunk'() {
    const file = threeChunkFile();
    const tampered = file.ciphertext.subarray(0, P + 2 * CT);
    expectTamperFails(file, tampered, DecryptError, 1, 'final chunk dropped');
  },

  'tamper: truncation inside a chunk'() {
    const file = threeChunkFile();
    expectTamperFails(file, file.ciphertext.subarray(0, file.ciphertext.length - 1), DecryptError, 2, 'last byte cut');
    expectTamperFails(file, file.ciphertext.subarray(0, P + CT + 100), DecryptError, 1, 'cut inside the second chunk');
    expectTamperFails(file, file.ciphertext.subarray(0, P + 10), DecryptError, 0, 'cut inside the first chunk');
    expectTamperFails(file, file.ciphertext.subarray(0, 20), DecryptError, 0, 'cut inside the prefix');
    expectTamperFails(file, new Uint8Array(0), DecryptError, 0, 'nothing at all');
  },

  'tamper: bytes after the final chunk'() {
    const file = threeChunkFile();
    expectTamperFails(
      file,
      concatBytes(file.ciphertext, new Uint8Array([0])),
      DecryptError,
      2,
      'one zero byte appended',
    );
    expectTamperFails(
      file,
      concatBytes(file.ciphertext, chunkAt(file.ciphertext, 2)),
      DecryptError,
      2,
      'final chunk repeated',
    );
    const oneChunk = encryptContent(file.fileKey, file.fileId, new Uint8Array(10));
    assertThrows(
      () => decryptContent(file.fileKey, file.fileId, concatBytes(oneChunk.ciphertext, new Uint8Array(17))),
      DecryptError,
      '17 bytes after a one-chunk file',
    );
  },

  'a crafted container with the reference layout decrypts (the crafting helper is faithful)'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const container = craftContainer(fileKey, fileId, [
      [C, 'message'],
      [10, 'final'],
    ]);
    assertEqual(decryptContent(fileKey, fileId, container).length, C + 10, 'decrypts');
  },

  'key holder: chunks after a final chunk are refused, even when they authenticate'() {
    const fileKey = newFileKey();
    const fileId = newId();
    for (const layout of [
      [
        [C, 'final'],
        [10, 'final'],
      ],
      [
        [C, 'final'],
        [C, 'message'],
        [1, 'final'],
      ],
      [
        [C, 'message'],
        [C, 'final'],
        [C, 'final'],
      ],
    ] as [number, ChunkTag][][]) {
      const container = craftContainer(fileKey, fileId, layout);
      assertThrows(() => decryptContent(fileKey, fileId, container), DecryptError, layout.map(([, t]) => t).join(','));
    }
  },

  'key holder: only MESSAGE and FINAL tags are accepted'() {
    const fileKey = newFileKey();
    const fileId = newId();
    for (const tag of ['push', 'rekey'] as const) {
      const container = craftContainer(fileKey, fileId, [
        [C, tag],
        [5, 'final'],
      ]);
      assertThrows(() => decryptContent(fileKey, fileId, container), DecryptError, `${tag} tag`);
    }
  },

  'key holder: an empty final chunk after a full one is not canonical'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const container = craftContainer(fileKey, fileId, [
      [C, 'message'],
      [0, 'final'],
    ]);
    assertThrows(() => decryptContent(fileKey, fileId, container), FormatError, 'empty final chunk');
    const empty = craftContainer(fileKey, fileId, [[0, 'final']]);
    assertEqual(decryptContent(fileKey, fileId, empty).length, 0, 'an empty file is one empty final chunk');
  },

  'key holder: a short chunk before the end is refused'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const container = craftContainer(fileKey, fileId, [
      [100, 'message'],
      [C, 'message'],
      [5, 'final'],
    ]);
    assertThrows(() => decryptContent(fileKey, fileId, container), DecryptError, 'short middle chunk');
  },

  'tamper: the wrong file id'() {
    const file = threeChunkFile();
    const attempt = decryptAttempt(file.fileKey, newId(), file.ciphertext);
    assert(attempt.error instanceof DecryptError, 'fails with DecryptError');
    assertEqual(attempt.released.length, 0, 'released nothing');
  },

  'tamper: the wrong key'() {
    const file = threeChunkFile();
    const attempt = decryptAttempt(newFileKey(), file.fileId, file.ciphertext);
    assert(attempt.error instanceof DecryptError, 'fails with DecryptError');
    assertEqual(attempt.released.length, 0, 'released nothing');
  },

  'tamper: a header from another file'() {
    const file = threeChunkFile();
    // Same key and file id, so only the stream header differs.
    const other = encryptContent(file.fileKey, file.fileId, file.plaintext);
    const tampered = concatBytes(other.ciphertext.subarray(0, P), file.ciphertext.subarray(P));
    expectTamperFails(file, tampered, DecryptError, 0, 'prefix of another container');
  },

  'tamper: an unknown version is refused before any decryption'() {
    const file = threeChunkFile();
    for (const version of [0, 2, 255]) {
      const tampered = file.ciphertext.slice();
      tampered[2] = version;
      expectTamperFails(file, tampered, FormatError, 0, `version ${version}`);
    }
  },

  'tamper: a chunk size other than 64 KiB is refused'() {
    const file = threeChunkFile();
    for (const code of [15, 17, 20, 0]) {
      const tampered = file.ciphertext.slice();
      tampered[4] = code;
      expectTamperFails(file, tampered, FormatError, 0, `chunk size code ${code}`);
    }
  },

  'tamper: wrong magic or kind'() {
    const file = threeChunkFile();
    for (const [index, value] of [
      [0, 0x44],
      [1, 0],
      [3, 0x6d],
    ] as const) {
      const tampered = file.ciphertext.slice();
      tampered[index] = value;
      expectTamperFails(file, tampered, FormatError, 0, `byte ${index} = ${value}`);
    }
  },

  'a failed decryptor stays failed'() {
    const file = threeChunkFile();
    const decryptor = createContentDecryptor(file.fileKey, newId());
    assertThrows(() => decryptor.update(file.ciphertext), DecryptError, 'first failure');
    assertThrows(() => decryptor.update(new Uint8Array(1)), DecryptError, 'refuses more input');
    assertThrows(() => decryptor.final(), DecryptError, 'refuses to finish');
  },

  'plaintextLengthOf refuses impossible container lengths'() {
    // P + CT + 17 would be a full chunk followed by an empty final chunk, which v1 never writes.
    for (const length of [0, P, P + 16, P + CT + 5, P + CT + 17])
      assertEqual(plaintextLengthOf(length), undefined, `length ${length}`);
    assertEqual(plaintextLengthOf(P + 17), 0, 'empty');
    assertEqual(plaintextLengthOf(P + CT), C, 'one full chunk');
    assertEqual(plaintextLengthOf(P + CT + 18), C + 1, 'a full chunk and one byte');
  },
});
