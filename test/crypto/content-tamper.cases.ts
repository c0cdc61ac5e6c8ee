// Tampering with file content (docs/protocol.md §4): flipped bits, swapped, duplicated,
// dropped and truncated chunks, bytes after the end, the wrong key, file id or header, and
// containers a key holder could craft with other tags or layouts. Each must fail with the typed
// error and release no plaintext of a damaged chunk. The round trips are in content.cases.ts.
import fc from 'fast-check';
import {
  CONTENT_CHUNK_BYTES,
  CONTENT_PREFIX_BYTES,
  CIPHERTEXT_CHUNK_BYTES,
  concatBytes,
  createContentDecryptor,
  decryptContent,
  DecryptError,
  encodeFields,
  encryptContent,
  FormatError,
  newFileKey,
  newId,
  plaintextLengthOf,
  type FileKey,
  type Id,
} from '../../shared/crypto/index.js';
import { sodium } from '../../shared/crypto/sodium.js';
import { assert, assertBytes, assertEqual, assertThrows, defineSuite, patternBytes } from './harness.js';
import { decryptAttempt, threeChunkFile } from './content.cases.js';

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

function chunkAt(ciphertext: Uint8Array, index: number): Uint8Array {
  return ciphertext.subarray(P + index * CT, Math.min(P + (index + 1) * CT, ciphertext.length));
}

/**
 * Every tampering must (1) fail whole-buffer decryption with the typed error, returning
 * nothing, and (2) make the streaming decryptor fail having released only plaintext of
 * chunks before `firstBadChunk`, which must equal the original; the same for the streaming
 * decryptor that leaves the hash to another thread, without any hash to catch it.
 */
function expectTamperFails(
  file: ReturnType<typeof threeChunkFile>,
  tampered: Uint8Array,
  errorClass: typeof DecryptError | typeof FormatError,
  firstBadChunk: number,
  what: string,
): void {
  assertThrows(() => decryptContent(file.fileKey, file.fileId, tampered), errorClass, what);
  for (const unhashed of [false, true]) {
    for (const pieceSize of [1 << 20, 4096, 65_553]) {
      const how = `${what}${unhashed ? ' (hash left to another thread)' : ''}`;
      const attempt = decryptAttempt(file.fileKey, file.fileId, tampered, pieceSize, undefined, unhashed);
      assert(
        attempt.error instanceof errorClass,
        `${how}: streaming fails with ${errorClass.name} (got ${String(attempt.error)})`,
      );
      assert(
        attempt.released.length <= firstBadChunk * C,
        `${how}: released ${attempt.released.length} bytes, allowed ${firstBadChunk * C}`,
      );
      assertBytes(
        attempt.released,
        file.plaintext.subarray(0, attempt.released.length),
        `${how}: released bytes are the original's prefix`,
      );
    }
  }
}

export const contentTamperCases = defineSuite('content', {
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
