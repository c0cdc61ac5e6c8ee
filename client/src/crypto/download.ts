// Download-and-decrypt of one file (docs/protocol.md §4; docs/threat-model.md, promise 6). The container
// streams in, each chunk is authenticated as it arrives, and the plaintext goes to a sink:
//
// - blob: collected here and handed to the page as one application/octet-stream Blob, only
//   after the whole file verified (files up to 100 MiB);
// - port: streamed to the download service worker (client/src/sw/), which the browser saves;
// - file: written to a file the user chose (File System Access API), which the browser swaps
//   into place only when it is closed.
//
// The container hash from the signed manifest is checked at the end; until then nothing says
// "done", and any failure aborts the sink: the Blob is dropped, the service worker's stream
// errors (the browser marks the download failed) and the chosen file is discarded. A dropped
// connection is resumed with a Range request from the last byte received, for minutes.
//
// Speed (docs/architecture.md, "Performance of downloads"): a large file's container hash is
// computed beside the decryption, on another thread (`hashThread`), and its digest is compared
// with the manifest before the last chunk is released, exactly where the decryptor would have
// compared its own. The container is read into buffers of our own that the other thread gives
// back (`byteReads`), not into fresh memory per read. The service worker runs in another
// process, so each piece posted to it is copied across, at a cost per byte whatever the piece
// size; each piece is new memory given away with its message, as a reused piece would only
// move the same cost into postMessage's copy.
import {
  bytesEqual,
  createContentDecryptor,
  createUnhashedContentDecryptor,
  CryptoError,
  type FileKey,
  type Id,
  type UnhashedContentDecryptor,
} from '../../../shared/crypto/index.js';
import type { PortToServiceWorker, ServiceWorkerToPort } from '../sw/messages';
import type { SaveFileHandle, TransferProgress } from './protocol';
import { byteReads } from './byte-reads';
import { figures, progressReporter } from './rate';
import {
  CONTAINER_READ_BYTES,
  OFF_THREAD_HASH_BACKLOG_BYTES,
  OFF_THREAD_HASH_MIN_BYTES,
  type HashThread,
} from './off-thread-hash';
import { WorkerError } from './operations/errors';
import { Cancelled, HttpFailure, NetworkFailure, type Clock, type Transport } from './transport';
import { withRetry } from './upload';

/** Plaintext reaches the sink in pieces of this size (the last one shorter). */
const SINK_PIECE_BYTES = 1024 * 1024;
/** How long a streamed download may wait for the browser to start saving it. */
const STREAM_START_TIMEOUT_MS = 30_000;

export interface PlaintextSink {
  /** Takes a piece of verified plaintext (the sink may keep the array, or transfer it). */
  write(bytes: Uint8Array): Promise<void>;
  /** The whole file verified. */
  close(): Promise<void>;
  /** The file failed: nothing of it may look complete. Never throws. */
  abort(): Promise<void>;
  /** Fires when the other side stopped the download (the user cancelled it in the browser). */
  readonly stopped?: AbortSignal;
  /** While true, the download waits for the other side to start (shown as `waiting`). */
  waiting?(): boolean;
}

export interface DownloadDeps {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly retryWindowMs?: number;
  /** Hashes a large container beside the decryption; without it (or when it answers null) the decryptor hashes. */
  readonly hashThread?: () => Promise<HashThread | null>;
}

export interface DownloadRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly containerSize: number;
  readonly fileKey: FileKey;
  readonly fileId: Id;
  /** From the verified manifest. */
  readonly ciphertextHash: Uint8Array;
  /** From the verified metadata: the plaintext must have exactly this length. */
  readonly plaintextSize: number;
}

export async function downloadAndDecrypt(
  request: DownloadRequest,
  sink: PlaintextSink,
  deps: DownloadDeps,
  callSignal: AbortSignal,
  onProgress: (progress: TransferProgress) => void,
): Promise<void> {
  const signal = sink.stopped ? AbortSignal.any([callSignal, sink.stopped]) : callSignal;
  const thread = deps.hashThread && request.containerSize >= OFF_THREAD_HASH_MIN_BYTES ? await deps.hashThread() : null;
  const offThread = thread?.begin() ?? null;
  const hashedHere = offThread ? null : createContentDecryptor(request.fileKey, request.fileId);
  const decryptor: UnhashedContentDecryptor =
    hashedHere ?? createUnhashedContentDecryptor(request.fileKey, request.fileId);
  let received = 0;
  let written = 0;
  let retrying = false;
  const total = Math.max(request.containerSize, 1);
  const reporter = progressReporter(
    total,
    (f) => onProgress({ ...f, phase: retrying ? 'retrying' : sink.waiting?.() ? 'waiting' : 'downloading' }),
    deps.clock.now,
  );

  // The decryptor hands out each verified chunk as a view into libsodium's heap; it is copied
  // into the piece being gathered, and full pieces go to the sink after the decryptor returns.
  let piece = new Uint8Array(SINK_PIECE_BYTES);
  let gathered = 0;
  const full: Uint8Array[] = [];
  const gather = (plain: Uint8Array): void => {
    written += plain.length;
    if (written > request.plaintextSize) throw new WorkerError('tampered');
    let offset = 0;
    while (offset < plain.length) {
      const take = Math.min(piece.length - gathered, plain.length - offset);
      piece.set(plain.subarray(offset, offset + take), gathered);
      gathered += take;
      offset += take;
      if (gathered === piece.length) {
        full.push(piece);
        piece = new Uint8Array(SINK_PIECE_BYTES);
        gathered = 0;
      }
    }
  };
  const deliver = async (): Promise<void> => {
    for (let next = full.shift(); next !== undefined; next = full.shift()) await sink.write(next);
  };

  try {
    await withRetry(
      async () => {
        const response = await deps.transport.fetchContainer(request.url, request.headers, received, signal);
        if (response.status >= 400)
          throw new HttpFailure(response.status, await response.errorCode(), response.retryAfter);
        if (response.body === null) throw new NetworkFailure('no body');
        // A server that ignores the Range header sends everything again: skip what we have.
        let skip = received > 0 && response.status !== 206 ? received : 0;
        if (received > 0 && response.status === 206 && response.rangeStart !== received)
          throw new HttpFailure(response.status, 'bad_response');
        const reads = byteReads(response.body, CONTAINER_READ_BYTES, () => thread?.spare());
        try {
          for (;;) {
            let read: Uint8Array | null;
            try {
              read = await reads.next();
            } catch {
              if (signal.aborted) throw new Cancelled();
              throw new NetworkFailure('connection lost');
            }
            if (read === null) break;
            let bytes = read;
            if (skip > 0) {
              const dropped = Math.min(skip, bytes.length);
              bytes = bytes.subarray(dropped);
              skip -= dropped;
              if (bytes.length === 0) continue;
            }
            received += bytes.length;
            retrying = false;
            decryptor.updateInto(bytes, gather);
            if (offThread && reads.owned && bytes.length >= CONTAINER_READ_BYTES / 2) {
              // The buffer goes to the hash thread, which gives it back once it hashed it.
              offThread.give(bytes, true);
            } else {
              // A short read goes there as a copy (a whole buffer per few bytes would let the
              // backlog hold many times its bytes in memory), and its buffer is read into again.
              offThread?.give(reads.owned ? bytes.slice() : bytes);
              reads.reuse(bytes);
            }
            await offThread?.whenBelow(OFF_THREAD_HASH_BACKLOG_BYTES);
            await deliver();
            reporter.update(Math.min(received, total));
          }
        } catch (error) {
          await reads.cancel();
          throw error;
        }
      },
      deps,
      signal,
      {
        onRetry: () => {
          retrying = true;
          reporter.update(Math.min(received, total), true);
        },
      },
    );
    onProgress({ ...figures(total, total, null), phase: 'verifying' });
    if (hashedHere) {
      hashedHere.finalInto(gather, request.ciphertextHash);
    } else {
      // The last chunk (and so the file) is released only once the other thread's hash matched.
      if (!offThread || !bytesEqual(await offThread.digest(), request.ciphertextHash))
        throw new WorkerError('tampered');
      decryptor.finalInto(gather);
    }
    if (written !== request.plaintextSize) throw new WorkerError('tampered');
    await deliver();
    if (gathered > 0) await sink.write(piece.slice(0, gathered));
    await sink.close();
  } catch (error) {
    decryptor.dispose();
    offThread?.drop();
    await sink.abort();
    if (error instanceof CryptoError) throw new WorkerError('tampered');
    if (error instanceof Cancelled && sink.stopped?.aborted && !callSignal.aborted) throw new WorkerError('cancelled');
    throw error;
  }
}

// ---- sinks

/** Collects the plaintext; `blob()` only after `close()`. */
export function blobSink(): PlaintextSink & { blob(): Blob } {
  let pieces: Uint8Array[] = [];
  let result: Blob | null = null;
  return {
    write(bytes) {
      pieces.push(bytes);
      return Promise.resolve();
    },
    close() {
      // Never the file's own type: a blob: URL of text/html would render in Coffer's origin.
      result = new Blob(pieces as BlobPart[], { type: 'application/octet-stream' });
      pieces = [];
      return Promise.resolve();
    },
    abort() {
      pieces = [];
      result = null;
      return Promise.resolve();
    },
    blob() {
      if (result === null) throw new Error('blob sink not closed');
      return result;
    },
  };
}

/**
 * Streams to the download service worker through `port` (client/src/sw/messages.ts): one
 * piece per `pull`, so only a few pieces ever wait in memory. Fails with `stream_unavailable`
 * when the browser does not start the download in time.
 */
export function portSink(
  port: MessagePort,
  clock: Clock,
  callSignal: AbortSignal,
  startTimeoutMs = STREAM_START_TIMEOUT_MS,
): PlaintextSink {
  const stopped = new AbortController();
  let started = false;
  let credits = 0;
  let wake: (() => void) | null = null;
  let closed = false;
  const post = (message: PortToServiceWorker, transfer: Transferable[] = []): void =>
    port.postMessage(message, transfer);

  port.onmessage = (event: MessageEvent<ServiceWorkerToPort>) => {
    const message = event.data;
    if (message.type === 'started') started = true;
    else if (message.type === 'pull') credits++;
    else if (message.type === 'cancel') stopped.abort();
    const resume = wake;
    wake = null;
    resume?.();
  };

  const waitFor = async (ready: () => boolean): Promise<void> => {
    const startedWaiting = clock.now();
    while (!ready()) {
      if (stopped.signal.aborted || callSignal.aborted) throw new Cancelled();
      if (!started && clock.now() - startedWaiting > startTimeoutMs) throw new WorkerError('stream_unavailable');
      // Woken by the next message, or after a second to check the clock and the signals.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve();
        }, 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };

  return {
    stopped: stopped.signal,
    waiting: () => !started,
    async write(piece) {
      await waitFor(() => started && credits > 0);
      credits--;
      post({ type: 'chunk', bytes: piece }, [piece.buffer]);
    },
    async close() {
      await waitFor(() => started);
      closed = true;
      post({ type: 'end' });
      port.close();
    },
    abort() {
      if (!closed) {
        closed = true;
        try {
          post({ type: 'error' });
          port.close();
        } catch {
          // The port is already gone; the stream errored with it.
        }
      }
      return Promise.resolve();
    },
  };
}

/** Writes to a file the user chose; the browser replaces the file only on `close()`. */
export async function fileSink(handle: SaveFileHandle): Promise<PlaintextSink> {
  let writable: Awaited<ReturnType<SaveFileHandle['createWritable']>>;
  try {
    writable = await handle.createWritable();
  } catch {
    throw new WorkerError('write_failed');
  }
  let done = false;
  return {
    async write(piece) {
      try {
        await writable.write(piece);
      } catch {
        throw new WorkerError('write_failed');
      }
    },
    async close() {
      try {
        await writable.close();
      } catch {
        throw new WorkerError('write_failed');
      }
      done = true;
    },
    async abort() {
      if (done) return;
      done = true;
      await writable.abort().catch(() => undefined);
    },
  };
}
