// The crypto ceilings, inside Chromium: a module Worker (where Coffer's crypto worker runs)
// that encrypts and decrypts `mib` MiB with raw libsodium secretstream in 64 KiB chunks, and
// with Coffer's content envelope (prefix, additional data per chunk, BLAKE2b of the whole
// container, checked at the end), best of `rounds`. No network, no disk, no page: what is left
// of an end-to-end figure below these is the cost of everything else.
//
// Built by scripts/bench/ceiling.ts with Vite, as the client is, and served with the
// production headers (its CSP allows WebAssembly with 'wasm-unsafe-eval').
import {
  CONTENT_CHUNK_BYTES,
  createContentDecryptor,
  createContentEncryptor,
  libraryVersion,
  newFileKey,
  newId,
  ready,
} from '../../../shared/crypto/index.js';
import { sodium } from '../../../shared/crypto/sodium.js';

export interface CeilingRequest {
  readonly mib: number;
  readonly rounds: number;
}

/** MiB/s of plaintext. */
export interface CeilingReport {
  readonly libsodium: string;
  readonly raw: { readonly encrypt: number; readonly decrypt: number };
  readonly envelope: { readonly encrypt: number; readonly decrypt: number };
}

const MIB = 1024 * 1024;
/** What a browser's file stream or a download hands over at a time. */
const PIECE = MIB;

function randomPiece(): Uint8Array {
  const piece = new Uint8Array(PIECE);
  // getRandomValues fills at most 64 KiB per call.
  for (let at = 0; at < PIECE; at += 65_536) crypto.getRandomValues(piece.subarray(at, at + 65_536));
  return piece;
}

/** The fastest of `rounds` runs, ms. */
function best(rounds: number, run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

async function measure({ mib, rounds }: CeilingRequest): Promise<CeilingReport> {
  await ready();
  const s = sodium();
  const piece = randomPiece(); // the plaintext is this piece, `mib` times over
  const bytes = mib * MIB;
  const rate = (ms: number): number => mib / (ms / 1000);

  // Raw secretstream: one push per 64 KiB chunk, no additional data, no hash.
  const key = s.crypto_secretstream_xchacha20poly1305_keygen();
  let header: Uint8Array = new Uint8Array(0);
  let chunks: Uint8Array[] = [];
  const rawEncrypt = best(rounds, () => {
    const pushed = s.crypto_secretstream_xchacha20poly1305_init_push(key);
    header = pushed.header;
    chunks = [];
    for (let offset = 0; offset < bytes; offset += CONTENT_CHUNK_BYTES) {
      const start = offset % PIECE;
      const tag =
        offset + CONTENT_CHUNK_BYTES >= bytes
          ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
          : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      const chunk = piece.subarray(start, start + CONTENT_CHUNK_BYTES);
      chunks.push(s.crypto_secretstream_xchacha20poly1305_push(pushed.state, chunk, null, tag));
    }
  });
  const rawDecrypt = best(rounds, () => {
    const state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
    for (const chunk of chunks)
      if (s.crypto_secretstream_xchacha20poly1305_pull(state, chunk, null) === false)
        throw new Error('raw pull failed');
  });
  chunks = [];

  // The envelope, fed 1 MiB pieces; decryption gets the container as the encryptor gave it
  // out and checks the container hash at the end, as a download does.
  const fileKey = newFileKey();
  const fileId = newId();
  let container: Uint8Array[] = [];
  let hash: Uint8Array = new Uint8Array(0);
  const envelopeEncrypt = best(rounds, () => {
    const encryptor = createContentEncryptor(fileKey, fileId);
    container = [];
    for (let offset = 0; offset < bytes; offset += PIECE) container.push(...encryptor.update(piece));
    const { output, summary } = encryptor.final();
    container.push(...output);
    hash = summary.ciphertextHash;
  });
  const envelopeDecrypt = best(rounds, () => {
    const decryptor = createContentDecryptor(fileKey, fileId);
    for (const part of container) decryptor.update(part);
    decryptor.final(hash);
  });
  container = [];

  return {
    libsodium: libraryVersion(),
    raw: { encrypt: rate(rawEncrypt), decrypt: rate(rawDecrypt) },
    envelope: { encrypt: rate(envelopeEncrypt), decrypt: rate(envelopeDecrypt) },
  };
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<CeilingRequest>) => void) | null;
  postMessage(message: unknown): void;
};
scope.onmessage = (event) => {
  measure(event.data).then(
    (report) => scope.postMessage({ report }),
    (error: unknown) =>
      scope.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
};
