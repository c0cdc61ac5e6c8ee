// Reading a byte stream into buffers of our own (client/src/crypto/byte-reads.ts), as downloads
// read a container and uploads read a file: the bytes come out as the stream has them, each
// read lands in the buffer freed last (or one given by `spare`), and a stream that is not a
// byte stream is read with its own reads.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { byteReads } from '../../client/src/crypto/byte-reads.js';

const KIB = 1024;

/** A byte stream of `data` handing out at most `chunk` bytes per pull, as a browser's fetch body or File stream. */
function byteStream(data: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (offset >= data.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const end = Math.min(data.length, offset + chunk);
      // A copy: a byte stream takes the chunk's buffer away.
      controller.enqueue(new Uint8Array(data.subarray(offset, end)));
      offset = end;
    },
  });
}

async function readAll(reads: ReturnType<typeof byteReads>, reuse: boolean) {
  const seen: Uint8Array[] = [];
  const bufferSizes = new Set<number>();
  for (let read = await reads.next(); read !== null; read = await reads.next()) {
    seen.push(read.slice());
    bufferSizes.add(read.buffer.byteLength);
    if (reuse) reads.reuse(read);
  }
  return { bytes: Buffer.concat(seen), reads: seen.length, bufferSizes };
}

describe('reading a byte stream into buffers of our own', () => {
  it('reads into the buffer freed last, asking for a spare or a new one only when none is free', async () => {
    const data = randomBytes(1000 * KIB);
    let asked = 0;
    const reads = byteReads(byteStream(data, 64 * KIB), 256 * KIB, () => {
      asked++;
      return undefined;
    });
    expect(reads.owned).toBe(true);
    const all = await readAll(reads, true);
    expect(all.bytes.equals(data)).toBe(true);
    expect(all.reads).toBe(Math.ceil(data.length / (64 * KIB)));
    // Every read went into a buffer of the size asked for; only the first needed a new one.
    expect([...all.bufferSizes]).toEqual([256 * KIB]);
    expect(asked).toBe(1);
  });

  it('takes the spares it is given while no buffer was freed', async () => {
    const data = randomBytes(300 * KIB);
    const spares = [new ArrayBuffer(128 * KIB), new ArrayBuffer(128 * KIB)];
    let asked = 0;
    const reads = byteReads(byteStream(data, 100 * KIB), 128 * KIB, () => {
      asked++;
      return spares.pop();
    });
    const all = await readAll(reads, false);
    expect(all.bytes.equals(data)).toBe(true);
    // Three reads and the end, none freed: two spares, then new buffers.
    expect(asked).toBe(4);
    expect(spares).toHaveLength(0);
  });

  it("reads a stream that is not a byte stream with the stream's own reads", async () => {
    const data = randomBytes(200 * KIB);
    const plain = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(data.subarray(0, 150 * KIB));
        controller.enqueue(data.subarray(150 * KIB));
        controller.close();
      },
    });
    const reads = byteReads(plain, 64 * KIB);
    expect(reads.owned).toBe(false);
    const all = await readAll(reads, true);
    expect(all.bytes.equals(data)).toBe(true);
    expect(all.reads).toBe(2);
  });

  it('stops a stream on cancel without throwing', async () => {
    let cancelled = false;
    const stream = new ReadableStream({
      type: 'bytes',
      pull(controller) {
        controller.enqueue(new Uint8Array(16));
      },
      cancel() {
        cancelled = true;
      },
    }) as ReadableStream<Uint8Array>;
    const reads = byteReads(stream, 64);
    expect(await reads.next()).toHaveLength(16);
    await reads.cancel();
    expect(cancelled).toBe(true);
  });
});
