// Negative cases of the field encoding, base64url, the key commitment, file content and file
// metadata (docs/protocol.md §1, §2, §4–§6): each tampered or malformed input with the typed
// error a reader must give. docs/protocol.md §17 describes the layout and every operation.
import type { AccountContext } from './accounts.js';
import {
  negativesOf,
  append,
  c,
  flipBit,
  negative,
  otherId,
  patternBytes,
  setByte,
  type VectorFiles,
} from './common.js';
import { containerFromChunks, sealMetadataBytes, sealMetadataText } from './raw.js';

const CHUNK = 65536;
const SEALED_CHUNK = CHUNK + 17;
const PREFIX = 29;

export function fileNegatives(files: VectorFiles, a: AccountContext): void {
  const { fileKey, fileId } = a;

  files['encoding.json'] = {
    ...files['encoding.json'],
    negative: [
      negative(
        'length-past-end',
        'decodeFields',
        { bytes: c.fromHex('0000000561626364') },
        'FormatError',
        'a field length (5) runs past the end (4 bytes follow)',
      ),
      negative(
        'truncated-length',
        'decodeFields',
        { bytes: c.fromHex('000000') },
        'FormatError',
        'fewer than 4 bytes where a length must be',
      ),
      negative(
        'trailing-byte',
        'decodeFields',
        { bytes: c.fromHex('000000016100') },
        'FormatError',
        'one byte after the last field: it cannot be a length',
      ),
      negative(
        'base64url-padding',
        'base64url',
        { text: 'AAAAAAAAAAAAAAAAAAAAAA==', length: 16 },
        'FormatError',
        'padding is refused',
      ),
      negative(
        'base64url-alphabet',
        'base64url',
        { text: 'AAAAAAAAAAAAAAAAAAAAA+', length: 16 },
        'FormatError',
        "'+' belongs to the standard alphabet, not base64url",
      ),
      negative(
        'base64url-non-canonical',
        'base64url',
        { text: 'AAAAAAAAAAAAAAAAAAAAAB', length: 16 },
        'FormatError',
        'the unused low bits of the last character are not zero',
      ),
      negative(
        'base64url-wrong-length',
        'base64url',
        { text: 'AAAAAAAAAAAAAAAAAAAAAAA', length: 16 },
        'FormatError',
        '23 characters cannot be 16 bytes (and 4n+1 characters are never whole bytes)',
      ),
      negative(
        'base64url-too-short',
        'base64url',
        { text: 'AAAAAAAAAAAAAAAAAAAAAA', length: 32 },
        'FormatError',
        '16 bytes where 32 are expected',
      ),
    ],
  };

  const commitment = c.keyCommitment(fileKey, fileId);
  files['filekey.json'] = {
    ...files['filekey.json'],
    negative: [
      negative(
        'other-key',
        'checkKeyCommitment',
        { fileKey: flipBit(fileKey, 0), fileId, keyCommitment: commitment },
        'MismatchError',
        'a different file key (for example one the server sealed) does not match the signed commitment',
      ),
      negative(
        'other-file',
        'checkKeyCommitment',
        { fileKey, fileId: otherId(fileId), keyCommitment: commitment },
        'MismatchError',
        'the commitment binds the file id',
      ),
    ],
  };

  const small = a.containers.get(5)?.container as Uint8Array;
  /** content.json case 4: 131,072 bytes, two full chunks (MESSAGE, FINAL). */
  const seg = (start: number, end: number) => ({ case: 4, start, end });
  const content = negativesOf('decryptContent', (container: Uint8Array | Record<string, unknown>) => ({
    fileKey,
    fileId,
    container,
  }));
  const full = patternBytes(CHUNK);
  files['content.json'] = {
    ...files['content.json'],
    negative: [
      content(
        'flipped-bit-in-chunk',
        flipBit(small, PREFIX + 2),
        'DecryptError',
        'one ciphertext bit of the only chunk flipped',
      ),
      content(
        'flipped-bit-in-stream-header',
        flipBit(small, 10),
        'DecryptError',
        "the stream header is part of the prefix, which is in every chunk's additional data",
      ),
      content('flipped-bit-in-mac', flipBit(small, -1), 'DecryptError', "the last byte of the chunk's MAC"),
      content('wrong-key', small, 'DecryptError', 'another file key', { fileKey: flipBit(fileKey, 0) }),
      content(
        'wrong-additional-data',
        small,
        'DecryptError',
        'another file id in the additional data: a container moved to another file',
        { fileId: otherId(fileId) },
      ),
      content('wrong-magic', setByte(small, 0, 0x44), 'FormatError', 'not "CF"'),
      content('wrong-version', setByte(small, 2, 0x02), 'FormatError', 'format version 2 is unknown to a v1 reader'),
      content('wrong-kind', setByte(small, 3, 0x6d), 'FormatError', "kind 'm' where 'c' is expected"),
      content(
        'other-chunk-size',
        setByte(small, 4, 0x11),
        'FormatError',
        'chunk-size code 0x11 (128 KiB): v1 accepts only 0x10',
      ),
      content(
        'smaller-chunk-size',
        setByte(small, 4, 0x0c),
        'FormatError',
        'chunk-size code 0x0c (4 KiB): v1 accepts only 0x10',
      ),
      content('byte-after-the-end', append(small, [0]), 'DecryptError', 'one byte after the final chunk'),
      content('ends-inside-prefix', small.subarray(0, 20), 'DecryptError', 'only 20 bytes: the prefix is 29'),
      content(
        'prefix-only',
        small.subarray(0, PREFIX),
        'DecryptError',
        'no chunk at all: a container has at least one (17 bytes)',
      ),
      content(
        'last-byte-missing',
        small.subarray(0, small.length - 1),
        'DecryptError',
        'the final chunk is one byte short',
      ),
      content(
        'final-chunk-dropped',
        { segments: [seg(0, PREFIX + SEALED_CHUNK)] },
        'DecryptError',
        'two-chunk container (case 4) without its FINAL chunk: the last chunk read is a MESSAGE',
      ),
      content(
        'first-chunk-dropped',
        { segments: [seg(0, PREFIX), seg(PREFIX + SEALED_CHUNK, PREFIX + 2 * SEALED_CHUNK)] },
        'DecryptError',
        'case 4 without its first chunk: the stream state no longer matches',
      ),
      content(
        'chunks-swapped',
        {
          segments: [
            seg(0, PREFIX),
            seg(PREFIX + SEALED_CHUNK, PREFIX + 2 * SEALED_CHUNK),
            seg(PREFIX, PREFIX + SEALED_CHUNK),
          ],
        },
        'DecryptError',
        'case 4 with its two chunks in the other order',
      ),
      content(
        'chunk-repeated',
        { segments: [seg(0, PREFIX + SEALED_CHUNK), seg(PREFIX, PREFIX + 2 * SEALED_CHUNK)] },
        'DecryptError',
        'case 4 with its first chunk twice',
      ),
      content(
        'empty-final-chunk-after-full',
        containerFromChunks(fileKey, fileId, [
          { plaintext: full, tag: 0 },
          { plaintext: new Uint8Array(0), tag: 3 },
        ]),
        'FormatError',
        'a full MESSAGE chunk then an empty FINAL one: authentic, but not the canonical split of 65,536 bytes (one FINAL chunk)',
      ),
      content(
        'final-chunk-first',
        containerFromChunks(fileKey, fileId, [
          { plaintext: full, tag: 3 },
          { plaintext: patternBytes(5), tag: 0 },
        ]),
        'DecryptError',
        'a FINAL chunk followed by another chunk',
      ),
      content(
        'push-tag',
        containerFromChunks(fileKey, fileId, [
          { plaintext: full, tag: 1 },
          { plaintext: patternBytes(5), tag: 3 },
        ]),
        'DecryptError',
        'a chunk tagged PUSH: only MESSAGE and, last, FINAL are allowed',
      ),
      content(
        'hash-differs-from-manifest',
        small,
        'MismatchError',
        'authentic container, but not the one the manifest signed (ciphertextHash of case 2 given)',
        { ciphertextHash: a.containers.get(CHUNK + 5)?.ciphertextHash as Uint8Array },
      ),
    ],
  };

  const sealed = a.sealedMetadata;
  const meta = negativesOf('openMetadata', (input: Uint8Array) => ({ fileKey, fileId, sealed: input }));
  const text = (json: string) => sealMetadataText(fileKey, fileId, json);
  const base = '"type":"application/pdf","size":5,"lastModified":1780000000000';
  files['metadata.json'] = {
    ...files['metadata.json'],
    negative: [
      meta('flipped-bit', flipBit(sealed, 40), 'DecryptError', 'one ciphertext bit flipped'),
      meta('wrong-key', sealed, 'DecryptError', 'another file key', { fileKey: flipBit(fileKey, 0) }),
      meta('wrong-additional-data', sealed, 'DecryptError', 'another file id: metadata moved to another file', {
        fileId: otherId(fileId),
      }),
      meta('wrong-version', setByte(sealed, 2, 0x02), 'FormatError', 'format version 2'),
      meta('wrong-kind', setByte(sealed, 3, 0x67), 'FormatError', "kind 'g' where 'm' is expected"),
      meta('byte-after-the-end', append(sealed, [0]), 'DecryptError', 'one byte after the AEAD tag'),
      meta('too-short', sealed.subarray(0, 4 + 24 + 15), 'FormatError', 'shorter than a nonce and a tag'),
      meta(
        'bad-padding',
        sealMetadataBytes(fileKey, fileId, c.utf8(`{"v":1,"name":"a",${base}}`.padEnd(256, ' '))),
        'FormatError',
        'JSON followed by spaces to 256 bytes: no 0x80 marker, so not ISO/IEC 7816-4 padding',
      ),
      meta('not-json', text('{"v":1,"name":'), 'FormatError', 'unpads, but is not JSON'),
      meta('not-an-object', text('[1]'), 'FormatError', 'JSON, but an array'),
      meta(
        'unknown-key',
        text(`{"v":1,"name":"a.pdf",${base},"path":"../a.pdf"}`),
        'FormatError',
        'a key outside the six of v1',
      ),
      meta('version-2', text(`{"v":2,"name":"a.pdf",${base}}`), 'FormatError', 'v must be 1'),
      meta('empty-name', text(`{"v":1,"name":"",${base}}`), 'FormatError', 'a name has at least one character'),
      meta(
        'name-1025-units',
        text(JSON.stringify({ v: 1, name: 'a'.repeat(1025), type: '', size: 0, lastModified: 0 })),
        'FormatError',
        '1,025 UTF-16 code units',
      ),
      meta(
        'name-513-astral',
        text(JSON.stringify({ v: 1, name: '\u{1F4C4}'.repeat(513), type: '', size: 0, lastModified: 0 })),
        'FormatError',
        '513 code points, but 1,026 UTF-16 code units: names are counted in UTF-16 code units',
      ),
      meta(
        'type-256-units',
        text(JSON.stringify({ v: 1, name: 'a', type: 'x'.repeat(256), size: 0, lastModified: 0 })),
        'FormatError',
        'a type of 256 code units',
      ),
      meta(
        'negative-size',
        text(`{"v":1,"name":"a","type":"","size":-1,"lastModified":0}`),
        'FormatError',
        'size below zero',
      ),
      meta(
        'fractional-size',
        text(`{"v":1,"name":"a","type":"","size":1.5,"lastModified":0}`),
        'FormatError',
        'size not an integer',
      ),
      meta(
        'size-2-to-the-53',
        text(`{"v":1,"name":"a","type":"","size":9007199254740992,"lastModified":0}`),
        'FormatError',
        'size of 2^53: above the largest exact integer',
      ),
      meta(
        'time-as-text',
        text(`{"v":1,"name":"a","type":"","size":0,"lastModified":"0"}`),
        'FormatError',
        'lastModified as a string',
      ),
      meta(
        'message-10001-units',
        text(JSON.stringify({ v: 1, name: 'a', type: '', size: 0, lastModified: 0, message: 'm'.repeat(10001) })),
        'FormatError',
        'a message over 10,000 code units',
      ),
      meta(
        'message-null',
        text(`{"v":1,"name":"a","type":"","size":0,"lastModified":0,"message":null}`),
        'FormatError',
        'message present but not a string',
      ),
      meta(
        'duplicate-key',
        text(`{"v":1,"name":"a.pdf","name":"b.exe",${base}}`),
        'FormatError',
        'two "name" keys: readers that keep the first and readers that keep the last would show different names',
      ),
    ],
  };
}
