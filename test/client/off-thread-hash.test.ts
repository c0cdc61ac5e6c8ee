// A large download's container hash computed on another thread (client/src/crypto/off-thread-hash.ts;
// the browser's is hash-thread.ts): the file is released only once that hash equals the signed
// manifest's, exactly as when the decryptor hashes it itself. Here the other thread is played in
// this process by a hasher fed in later turns (libsodium's BLAKE2b, as the hash worker runs it),
// and the server by the fake server's container answers (Range, a connection cut halfway).
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { downloadAndDecrypt, type PlaintextSink } from '../../client/src/crypto/download.js';
import {
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
  const seen = { begun: 0, given: 0, dropped: 0 };
  const thread: HashThread = {
    begin(): OffThreadHash {
      seen.begun++;
      const hasher = createContainerHasher();
      let queue = Promise.resolve();
      let pending = 0;
      return {
        give(bytes) {
          seen.given += bytes.length;
          pending += bytes.length;
          queue = queue.then(async () => {
            await new Promise((resolve) => setTimeout(resolve, 0));
            hasher.update(bytes);
            pending -= bytes.length;
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
  return { thread, seen };
}

/** A file just large enough to be hashed on the other thread, stored and served. */
function largeFile() {
  const server = fakeServer();
  const fileKey = newFileKey();
  const fileId = newId();
  const plaintext = randomBytes(OFF_THREAD_HASH_MIN_BYTES + 100_000);
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

describe('a large download hashed on another thread', () => {
  it('saves the file when the other thread hashed every container byte once, in order, even across a cut connection', async () => {
    const { server, plaintext, ciphertext, request } = largeFile();
    const { thread, seen } = laterHashThread();
    const sink = recordingSink();
    server.cutDownloadAfter = 10_000_000; // the rest comes with a Range request
    await downloadAndDecrypt(
      request,
      sink,
      { transport: server.transport, clock: server.clock, hashThread: () => Promise.resolve(thread) },
      new AbortController().signal,
      () => undefined,
    );
    expect(server.stats.rangeRequests).toBe(1);
    expect(seen).toEqual({ begun: 1, given: ciphertext.length, dropped: 0 });
    expect(sink.closed).toBe(true);
    expect(sink.aborted).toBe(false);
    expect(sink.bytes().equals(plaintext)).toBe(true);
  });

  it('fails a container that is not the one the manifest names, and never hands out its last chunk', async () => {
    // A server answering with another container than the sender signed: every chunk opens
    // (this test has the key), but its hash is not the manifest's.
    const { server, plaintext, request } = largeFile();
    const signedHash = request.ciphertextHash.slice();
    signedHash[0] = (signedHash[0] as number) ^ 1;
    const { thread, seen } = laterHashThread();
    const sink = recordingSink();
    await expect(
      downloadAndDecrypt(
        { ...request, ciphertextHash: signedHash },
        sink,
        { transport: server.transport, clock: server.clock, hashThread: () => Promise.resolve(thread) },
        new AbortController().signal,
        () => undefined,
      ),
    ).rejects.toThrow('tampered');
    expect(seen.begun).toBe(1);
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBe(true);
    // The last chunk (and the piece it would have completed) never reached the sink.
    expect(sink.written()).toBeLessThan(plaintext.length);
  });

  it('fails the download, never completing the file, when the other thread stops before it answers', async () => {
    const { server, plaintext, request } = largeFile();
    const { thread, seen } = laterHashThread({ broken: true });
    const sink = recordingSink();
    await expect(
      downloadAndDecrypt(
        request,
        sink,
        { transport: server.transport, clock: server.clock, hashThread: () => Promise.resolve(thread) },
        new AbortController().signal,
        () => undefined,
      ),
    ).rejects.toThrow('the hash worker stopped');
    expect(seen.dropped).toBe(1);
    expect(sink.closed).toBe(false);
    expect(sink.aborted).toBe(true);
    expect(sink.written()).toBeLessThan(plaintext.length);
  });

  it('hashes here when there is no other thread, and for files below the threshold', async () => {
    const { server, plaintext, request } = largeFile();
    const noThread = recordingSink();
    await downloadAndDecrypt(
      request,
      noThread,
      { transport: server.transport, clock: server.clock, hashThread: () => Promise.resolve(null) },
      new AbortController().signal,
      () => undefined,
    );
    expect(noThread.bytes().equals(plaintext)).toBe(true);
    // Here too a container other than the signed one fails.
    const signedHash = request.ciphertextHash.slice();
    signedHash[5] = (signedHash[5] as number) ^ 1;
    const refused = recordingSink();
    await expect(
      downloadAndDecrypt(
        { ...request, ciphertextHash: signedHash },
        refused,
        { transport: server.transport, clock: server.clock, hashThread: () => Promise.resolve(null) },
        new AbortController().signal,
        () => undefined,
      ),
    ).rejects.toThrow('tampered');
    expect(refused.closed).toBe(false);

    const small = fakeServer();
    const fileKey = newFileKey();
    const fileId = newId();
    const bytes = randomBytes(1_000_000);
    const { ciphertext, summary } = encryptContent(fileKey, fileId, bytes);
    small.serve(URL, ciphertext);
    let asked = 0;
    const sink = recordingSink();
    await downloadAndDecrypt(
      {
        url: URL,
        headers: {},
        containerSize: ciphertext.length,
        fileKey,
        fileId,
        ciphertextHash: summary.ciphertextHash,
        plaintextSize: bytes.length,
      },
      sink,
      {
        transport: small.transport,
        clock: small.clock,
        hashThread: () => {
          asked++;
          return Promise.resolve(laterHashThread().thread);
        },
      },
      new AbortController().signal,
      () => undefined,
    );
    expect(asked).toBe(0);
    expect(sink.bytes().equals(bytes)).toBe(true);
  });
});
