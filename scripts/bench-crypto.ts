// npm run bench:crypto — throughput of the content envelope next to raw libsodium
// secretstream on the same 256 MiB buffer, so the envelope's own cost is visible.
// A measurement, not a test: it prints figures and never fails on them.
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  CONTENT_CHUNK_BYTES,
  createContentDecryptor,
  createContentEncryptor,
  libraryVersion,
  newFileKey,
  newId,
  ready,
} from '../shared/crypto/index.js';
import { sodium } from '../shared/crypto/sodium.js';

const MIB = 1024 * 1024;
const SIZE = Number(process.env['BENCH_MIB'] ?? 256) * MIB;
const PIECE = 1 * MIB; // how a browser or a Node stream would hand over data
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

await ready();
const s = sodium();
// Node's generator fills the buffer: libsodium's randombytes_buf in WebAssembly asks the
// host for 4 bytes at a time, which is fine for keys and far too slow for 256 MiB.
const plaintext = randomFillSync(new Uint8Array(SIZE));

function rate(bytes: number, ms: number): number {
  return bytes / MIB / (ms / 1000);
}

function best(run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

// Raw secretstream: one push per 64 KiB chunk, no additional data, no hashing.
const rawKey = s.crypto_secretstream_xchacha20poly1305_keygen();
let rawChunks: Uint8Array[] = [];
let rawHeader: Uint8Array = new Uint8Array(0);
const rawEncrypt = best(() => {
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(rawKey);
  rawHeader = header;
  rawChunks = [];
  for (let offset = 0; offset < SIZE; offset += CONTENT_CHUNK_BYTES) {
    const last = offset + CONTENT_CHUNK_BYTES >= SIZE;
    rawChunks.push(
      s.crypto_secretstream_xchacha20poly1305_push(
        state,
        plaintext.subarray(offset, offset + CONTENT_CHUNK_BYTES),
        null,
        last ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
      ),
    );
  }
});
const rawDecrypt = best(() => {
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(rawHeader, rawKey);
  for (const chunk of rawChunks)
    if (s.crypto_secretstream_xchacha20poly1305_pull(state, chunk, null) === false) throw new Error('raw pull failed');
});
rawChunks = [];

// The envelope: prefix, additional data per chunk, container hash, 1 MiB pieces in and out.
const fileKey = newFileKey();
const fileId = newId();
let container: Uint8Array[] = [];
const envelopeEncrypt = best(() => {
  container = [];
  const encryptor = createContentEncryptor(fileKey, fileId);
  for (let offset = 0; offset < SIZE; offset += PIECE)
    container.push(...encryptor.update(plaintext.subarray(offset, offset + PIECE)));
  container.push(...encryptor.final().output);
});
// Hand the decryptor 1 MiB pieces, as a download would.
const joined = new Uint8Array(container.reduce((n, c) => n + c.length, 0));
let at = 0;
for (const piece of container) {
  joined.set(piece, at);
  at += piece.length;
}
container = [];
const envelopeDecrypt = best(() => {
  const decryptor = createContentDecryptor(fileKey, fileId);
  for (let offset = 0; offset < joined.length; offset += PIECE)
    decryptor.update(joined.subarray(offset, offset + PIECE));
  decryptor.final();
});

const rows = [
  ['raw secretstream', rate(SIZE, rawEncrypt), rate(SIZE, rawDecrypt)],
  ['Coffer envelope v1', rate(SIZE, envelopeEncrypt), rate(SIZE, envelopeDecrypt)],
] as const;
console.log(
  `content encryption, ${SIZE / MIB} MiB of random data, best of ${ROUNDS}, libsodium ${libraryVersion()}, Node ${process.version}`,
);
console.log('                      encrypt MiB/s   decrypt MiB/s');
for (const [name, enc, dec] of rows)
  console.log(`${name.padEnd(22)}${enc.toFixed(1).padStart(13)}${dec.toFixed(1).padStart(16)}`);
console.log(
  `envelope cost: encrypt ${((1 - rows[1][1] / rows[0][1]) * 100).toFixed(1)}%, decrypt ${((1 - rows[1][2] / rows[0][2]) * 100).toFixed(1)}% slower than raw`,
);
