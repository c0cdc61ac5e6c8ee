// A streamed download's two ends (client/src/sw/messages.ts): the crypto worker's port sink
// (client/src/crypto/download.ts) and the service worker's stream (client/src/sw/port-stream.ts),
// over a real MessageChannel. The worker may send a window of pieces before the browser reads
// any (so it never waits a round trip per piece), and not one more until the browser took
// one; the pieces arrive whole and in order; a failed file, a piece nobody asked for and a
// cancel in the browser each end the stream the way the user must see it.
import { afterEach, describe, expect, it } from 'vitest';
import { portSink, type PlaintextSink } from '../../client/src/crypto/download.js';
import { systemClock } from '../../client/src/crypto/transport.js';
import { PIECES_IN_WINDOW, portStream } from '../../client/src/sw/port-stream.js';

const PIECE = 64 * 1024;
const channels: MessageChannel[] = [];

afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

function connected(window = PIECES_IN_WINDOW) {
  const channel = new MessageChannel();
  channels.push(channel);
  const calls = new AbortController();
  const sink = portSink(channel.port2, systemClock, calls.signal);
  const stream = portStream(channel.port1, window);
  return { sink, reader: stream.getReader(), channel, calls };
}

/** A piece whose every byte is its number, so order and wholeness show. */
function piece(n: number): Uint8Array {
  return new Uint8Array(PIECE).fill(n);
}

/** Whether `promise` settled within a few turns of both ports' message loops. */
async function settles(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  return settled;
}

/** The whole numbers from `from` up to, not including, `to`. */
function numbers(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** The number of a whole piece (NaN for anything else). */
function numberOf(bytes: Uint8Array | undefined): number {
  if (bytes?.length !== PIECE || !bytes.every((byte) => byte === bytes[0])) return NaN;
  return bytes[0] as number;
}

async function writeAll(sink: PlaintextSink, numbers: readonly number[]): Promise<void> {
  for (const n of numbers) await sink.write(piece(n));
}

describe('a streamed download between the crypto worker and the service worker', () => {
  it('lets the worker send a window of pieces before the browser reads, and no more until it takes one', async () => {
    const { sink, reader } = connected();
    const w = PIECES_IN_WINDOW;
    expect(w).toBe(16);
    // Nobody reads: the whole window goes out anyway.
    await writeAll(sink, numbers(0, w));
    const beyond = sink.write(piece(w));
    expect(await settles(beyond)).toBe(false);

    // The browser takes one: the next may go, and no more.
    const first = await reader.read();
    expect(numberOf(first.value)).toBe(0);
    await beyond;
    const next = sink.write(piece(w + 1));
    expect(await settles(next)).toBe(false);

    const closing = (async () => {
      await next;
      await writeAll(sink, [w + 2, w + 3]);
      await sink.close();
    })();
    const rest: number[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      rest.push(numberOf(read.value));
    }
    await closing;
    expect(rest).toEqual(numbers(1, w + 4));
  });

  it('asks for the whole window at once, and one more piece for each the browser took', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const heard: string[] = [];
    channel.port2.onmessage = (event: MessageEvent<{ type: string }>) => heard.push(event.data.type);
    const reader = portStream(channel.port1).getReader();
    // Before any piece arrived: started, and a pull for every piece of the window.
    await expect.poll(() => heard.length).toBe(1 + PIECES_IN_WINDOW);
    expect(heard).toEqual(['started', ...numbers(0, PIECES_IN_WINDOW).map(() => 'pull')]);
    // A piece arrives and waits in the queue: nothing more is asked for.
    channel.port2.postMessage({ type: 'chunk', bytes: piece(0) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard.length).toBe(1 + PIECES_IN_WINDOW);
    // The browser takes it: one more.
    expect(numberOf((await reader.read()).value)).toBe(0);
    await expect.poll(() => heard.length).toBe(2 + PIECES_IN_WINDOW);
    expect(heard.at(-1)).toBe('pull');
  });

  it('with a window of one, sends one piece per piece the browser took', async () => {
    const { sink, reader } = connected(1);
    await sink.write(piece(0));
    const second = sink.write(piece(1));
    expect(await settles(second)).toBe(false);
    expect(numberOf((await reader.read()).value)).toBe(0);
    await second;
    expect(numberOf((await reader.read()).value)).toBe(1);
  });

  it('errors the stream when the file failed, so the browser marks the download failed', async () => {
    const { sink, reader } = connected();
    await writeAll(sink, [0, 1]);
    await sink.abort();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toThrow('download failed');
  });

  it('errors the stream when a piece arrives that it did not ask for', async () => {
    const { channel, reader } = connected(2);
    // A sender that ignores the window: the third piece was never asked for.
    for (let n = 0; n < 3; n++) channel.port2.postMessage({ type: 'chunk', bytes: piece(n) });
    await expect(
      (async () => {
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          if ((await reader.read()).done) return 'ended';
        }
      })(),
    ).rejects.toThrow('download failed');
  });

  it('tells the worker when the user cancels the download in the browser', async () => {
    const { sink, reader } = connected();
    await sink.write(piece(0));
    expect(sink.stopped?.aborted).toBe(false);
    await reader.cancel();
    await expect.poll(() => sink.stopped?.aborted).toBe(true);
  });
});
