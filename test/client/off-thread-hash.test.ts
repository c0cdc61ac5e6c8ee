// A large download's container hash computed on another thread (client/src/crypto/off-thread-hash.ts;
// the browser's is hash-thread.ts): the file is released only once that hash equals the signed
// manifest's, exactly as when the decryptor hashes it itself. Here the other thread is played in
// this process by a hasher fed in later turns (libsodium's BLAKE2b, as the hash worker runs it),
// and the server by the fake server's container answers (Range, a connection cut halfway).
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { downloadAndDecrypt, type PlaintextSink } from '../../client/src/crypto/download.js';
import {
  CONTAINER_READ_BYTES,
  OFF_THREAD_HASH_BACKLOG_BYTES,
  OFF_THREAD_HASH_MIN_BYTES,
  type HashThread,
  type OffThreadHash,
} from '../../client/src/crypto/off-thread-hash.js';
import { createContainerHasher, encryptContent, newFileKey, newId, ready } from '../../shared/crypto/index.js';
import { fakeServer } from './support/fake-server.js';

const URL = '/api/v1/files/large';

beforeAll(async () => {
  await ready();
});

/** What the sink was given, and how the download ended for it. */
function recordingSink() {
  const pieces: Uint8Array[] = [];
  const sink = {
    closed: false,
    aborted: false,
    written: () => pieces.reduce((sum, piece) => sum + piece.length, 0),
    bytes: () => Buffer.concat(pieces),
    write(bytes: Uint8Array) {
      pieces.push(bytes.slice());
      return Promise.resolve();
    },
    close() {
      sink.closed = true;
      return Promise.resolve();
    },
    abort() {
      sink.aborted = true;
      return Promise.resolve();
    },
  };
  return sink satisfies PlaintextSink;
}

/**
 * Another thread's hash, played here: bytes are hashed a turn after they are given (so the
 * download runs ahead of its hash, as with a real thread), and `broken` makes the thread stop
 * before it answers.
 */
function laterHashThread(options: { broken?: boolean } = {}) {
  const seen = { begun: 0, given: 0, dropped: 0, largestBuffer: 0 };
  /** Buffers given with `owned` and hashed since: given back, as the hash worker transfers them back. */
  const spares: ArrayBuffer[] = [];
  const reads = { owned: 0, fromSpare: 0 };
  const thread: HashThread = {
    spare() {
      const buffer = spares.pop();
      if (buffer) reads.fromSpare++;
      return buffer;
    },
    begin(): OffThreadHash {
      seen.begun++;
      const hasher = createContainerHasher();
      let queue = Promise.resolve();
      let pending = 0;
      return {
        give(bytes, owned = false) {
          seen.given += bytes.length;
          seen.largestBuffer = Math.max(seen.largestBuffer, bytes.buffer.byteLength);
          pending += bytes.length;
          if (owned) reads.owned++;
          queue = queue.then(async () => {
            await new Promise((resolve) => setTimeout(resolve, 0));
            hasher.update(bytes);
            pending -= bytes.length;
            if (owned) spares.push(bytes.buffer as ArrayBuffer);
          });
        },
        async whenBelow(limit) {
          while (pending > limit) await queue;
        },
        async digest() {
          await queue;
          if (options.broken) throw new Error('the hash worker stopped');
          return hasher.digest();
        },
        drop() {
          seen.dropped++;
        },
      };
    },
  };
  return { thread, seen, reads };
}

/** A file of `size` bytes (by default just large enough to be hashed on the other thread), stored and served. */
function storedFile(size = OFF_THREAD_HASH_MIN_BYTES + 100_000) {
  const server = fakeServer();
  const fileKey = newFileKey();
  const fileId = newId();
  const plaintext = randomBytes(size);
  const { ciphertext, summary } = encryptContent(fileKey, fileId, plaintext);
  server.serve(URL, ciphertext);
  const request = {
    url: URL,
    headers: {},
    containerSize: ciphertext.length,
    fileKey,
    fileId,
    ciphertextHash: summary.ciphertextHash,
    plaintextSize: plaintext.length,
  };
  return { server, plaintext, ciphertext, request };
}

/** Downloads the stored file into a recording sink, with `thread` as the other thread; `signedHash` as the manifest's. */
function download(
  file: ReturnType<typeof storedFile>,
  thread: () => Promise<HashThread | null>,
  signedHash = file.request.ciphertextHash,
) {
  const sink = recordingSink();
  const outcome = downloadAndDecrypt(
    { ...file.request, ciphertextHash: signedHash },
    sink,
    { transport: file.server.transport, clock: file.server.clock, hashThread: thread },
    new AbortController().signal,
    () => undefined,
  );
  return { sink, outcome };
}

/** The manifest's hash with one bit changed: the container served is not the one signed. */
function otherHash(hash: Uint8Array): Uint8Array {
  const other = hash.slice();
  other[0] = (other[0] as number) ^ 1;
  return other;
}

describe('a large download hashed on another thread', () => {
  it('saves the file when the other thread hashed every container byte once, in order, even across a cut connection', async () => {
    const file = storedFile();
    const { thread, seen } = laterHashThread();
    file.server.cutDownloadAfter = 10_000_000; // the rest comes with a Range request
    const { sink, outcome } = download(file, () => Promise.resolve(thread));
    await outcome;
    expect(file.server.stats.rangeRequests).toBe(1);
    expect(seen).toMatchObject({ begun: 1, given: file.ciphertext.length, dropped: 0 });
    expect(sink.closed).toBe(true);
    expect(sink.aborted).toBe(false);
    expect(sink.bytes().equals(file.plaintext)).toBe(true);
  });

  it('reads a byte-stream body into the buffers the other thread gave back once it hashed them', async () => {
    // A browser's fetch body is a byte stream, which hands out up to 2 MiB per read: the
    // download reads it into buffers of its own and gets them back from the hash worker,
    // instead of fresh memory for every read.
    const file = storedFile(64 * 1024 * 1024);
    file.server.byteBodies = true;
    file.server.bodyChunkBytes = CONTAINER_READ_BYTES;
    file.server.cutDownloadAfter = 10 * CONTAINER_READ_BYTES;
    const { thread, seen, reads } = laterHashThread();
    const { sink, outcome } = download(file, () => Promise.resolve(thread));
    await outcome;
    expect(file.server.stats.rangeRequests).toBe(1);
    expect(sink.bytes().equals(file.plaintext)).toBe(true);
    expect(seen.given).toBe(file.ciphertext.length);
    // Every full read; the last, short one goes as a copy.
    expect(reads.owned).toBe(Math.floor(file.ciphertext.length / CONTAINER_READ_BYTES));
    // New buffers only until the first ones come back: at most the backlog's worth waits at
    // the other thread, besides the one being read.
    expect(reads.owned - reads.fromSpare).toBeLessThanOrEqual(OFF_THREAD_HASH_BACKLOG_BYTES / CONTAINER_READ_BYTES + 2);
  });

  it('copies a short read to the other thread, so its backlog never holds a whole buffer for a few bytes', async () => {
    const file = storedFile();
    file.server.byteBodies = true; // 50,000 bytes per read
    const { thread, seen, reads } = laterHashThread();
    const { sink, outcome } = download(file, () => Promise.resolve(thread));
    await outcome;
    expect(sink.bytes().equals(file.plaintext)).toBe(true);
    expect(seen.given).toBe(file.ciphertext.length);
    expect(seen.largestBuffer).toBe(50_000);
    expect(reads.owned).toBe(0);
  });

  it('fails a container that is not the one the manifest names, and never hands out its last chunk', async () => {
    // A server answering with another container than the sender signed: every chunk opens
    // (this test has the key), but its hash is not the manifest's.
    const file = storedFile();
    const { thread, seen } = laterHashThread();
    const { sink, outcome } = download(file, () => Promise.resolve(thread), otherHash(file.request.ciphertextHash));
    await expect(outcome).rejects.toThrow('tampered');
    expect(seen.begun).toBe(1);
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBe(true);
    // The last chunk (and the piece it would have completed) never reached the sink.
    expect(sink.written()).toBeLessThan(file.plaintext.length);
  });

  it('fails the download, never completing the file, when the other thread stops before it answers', async () => {
    const file = storedFile();
    const { thread, seen } = laterHashThread({ broken: true });
    const { sink, outcome } = download(file, () => Promise.resolve(thread));
    await expect(outcome).rejects.toThrow('the hash worker stopped');
    expect(seen.dropped).toBe(1);
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBe(true);
    expect(sink.written()).toBeLessThan(file.plaintext.length);
  });

  it('hashes here when there is no other thread, and for files below the threshold', async () => {
    const file = storedFile();
    const noThread = download(file, () => Promise.resolve(null));
    await noThread.outcome;
    expect(noThread.sink.bytes().equals(file.plaintext)).toBe(true);
    // The same from a byte-stream body, read into one buffer again and again.
    file.server.byteBodies = true;
    const fromBytes = download(file, () => Promise.resolve(null));
    await fromBytes.outcome;
    expect(fromBytes.sink.bytes().equals(file.plaintext)).toBe(true);
    // Here too a container other than the signed one fails.
    const refused = download(file, () => Promise.resolve(null), otherHash(file.request.ciphertextHash));
    await expect(refused.outcome).rejects.toThrow('tampered');
    expect(refused.sink.closed).toBe(false);

    const small = storedFile(1_000_000);
    let asked = 0;
    const { sink, outcome } = download(small, () => {
      asked++;
      return Promise.resolve(laterHashThread().thread);
    });
    await outcome;
    expect(asked).toBe(0);
    expect(sink.bytes().equals(small.plaintext)).toBe(true);
  });
});
