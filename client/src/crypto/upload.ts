// Encrypt-and-upload of one file, streaming (docs/protocol.md, shared/wire/uploads.ts). The
// part size is chosen from the speed the last upload measured (small on a slow link, so a part
// arrives in seconds and a failed one costs little). The file is read as a stream, encrypted
// chunk by chunk, and copied into part buffers of the part size the server confirmed; each
// full part is sent while the next fills, with at most two parts in flight. A part's buffer is
// taken back as soon as the server confirmed it (204) and fills a later part, so at most four
// parts are ever held (two in flight, one full waiting for a slot, one filling), whatever the
// file's size, and the same few buffers carry the whole file instead of a fresh, zeroed one
// per part that is garbage a moment later.
//
// A failed part (no answer, a 5xx, a restarting server) is sent again with backoff for
// minutes; between attempts the worker asks the server which parts it has, so a part whose
// confirmation was lost is not sent twice. Parts the server confirmed are never resent: their
// bytes are gone (the stream cannot be encrypted again identically), so a server that lost a
// confirmed part fails the upload. At the end the server's hash of the container must equal
// the encryptor's.
//
// Where the worker's time goes (docs/architecture.md, "Encrypting and uploading a file: where
// the time goes"): about half in libsodium (secretstream and the container hash), a third
// inside `xhr.send` (Chromium's own work to take the part into its request, on this thread; see
// browser-transport.ts), a sixth in reading the file's stream, and under 5 % in the two copies
// made here. The file's stream is read with its own reads: reading it into one buffer of our own
// (a bring-your-own-buffer reader) cost the worker about 5 % less CPU, but Chromium sometimes
// never answers such a read of a picked file, and the upload then waited forever
// (./byte-reads.ts). Measured and left:
// reading the file as `slice().arrayBuffer()` slices instead of `source.stream()` (4 MiB slices
// cost the worker 6 % more CPU, 256 KiB slices 23 % more: each slice is a read of its own in
// the browser, the stream one read), and a third part in flight (no change in CPU or
// throughput).
import {
  bytesEqual,
  ciphertextLengthOf,
  createContentEncryptor,
  fromBase64Url,
  type ContentSummary,
  type FileKey,
  type Id,
} from '../../../shared/crypto/index.js';
import { UPLOAD_PART_BYTES, UPLOAD_PART_SIZES, type UploadCreateResponse } from '../../../shared/wire/uploads.js';
import type { TransferProgress } from './protocol.js';
import { streamReads } from './byte-reads.js';
import { figures, progressReporter } from './rate.js';
import { backoffMs, Cancelled, HttpFailure, isRetryable, type Clock, type Transport } from './transport.js';
import { WorkerError as TransferError } from './operations/errors.js';

/** A server may choose the part size, within reason: a huge one would exhaust memory here. */
const MAX_PART_BYTES = 64 * 1024 * 1024;
const MIN_PART_BYTES = 64 * 1024;
const PARTS_IN_FLIGHT = 2;
/** How long failed requests are retried (with backoff) before the upload gives up. */
const RETRY_WINDOW_MS = 5 * 60_000;

/** A part should take about this long at the speed last measured (two in flight share the link). */
export const PART_SECONDS = 10;
/**
 * The part size asked for before any speed was measured: the server's default, the largest.
 * On a slow link the first upload's parts take long, but they arrive (the server limits a
 * part's idle time, not its length); the uploads after it use parts to fit the link.
 */
export const FIRST_PART_BYTES = UPLOAD_PART_BYTES;
/** A speed is measured once an upload has sent for this long (shorter ones mostly measure latency). */
const MEASURE_AFTER_MS = 2000;

/** The upload speed this worker measured last (bytes per second): it chooses the next upload's part size. */
export interface LinkSpeed {
  estimate(): number | null;
  record(bytesPerSecond: number): void;
}

export function createLinkSpeed(): LinkSpeed {
  let last: number | null = null;
  return {
    estimate: () => last,
    record(bytesPerSecond) {
      if (Number.isFinite(bytesPerSecond) && bytesPerSecond > 0) last = bytesPerSecond;
    },
  };
}

/** The worker's own, shared by its uploads (a worker lives as long as its page). */
const workerLinkSpeed = createLinkSpeed();

/**
 * The part size to ask for: the largest allowed one that takes about PART_SECONDS at the
 * speed measured, the smallest on a slow link, FIRST_PART_BYTES before any measurement. The
 * server keeps it for the whole upload (docs/protocol.md).
 */
export function choosePartSize(bytesPerSecond: number | null): number {
  if (bytesPerSecond === null) return FIRST_PART_BYTES;
  const fitting = UPLOAD_PART_SIZES.filter((size) => size <= bytesPerSecond * PART_SECONDS);
  return fitting.at(-1) ?? UPLOAD_PART_SIZES[0];
}

export interface UploadDeps {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly partsInFlight?: number;
  readonly retryWindowMs?: number;
  /** Where the measured speed is kept between uploads (default: this worker's). */
  readonly linkSpeed?: LinkSpeed;
}

export interface UploadResult {
  readonly uploadId: string;
  readonly summary: ContentSummary;
}

/**
 * Runs `attempt` until it succeeds, retrying what is retryable for `windowMs` after the first
 * failure. `onRetry` hears each failure (to show "reconnecting"); `recovered` may say, after a
 * failure, that the work was done after all (e.g. the server has the part). `worthRetrying`
 * may say, once a retry is under way, that an answer which would otherwise be final is not
 * (e.g. a 404 from a server that restarted mid-request while its status says the upload is there).
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  deps: UploadDeps,
  signal: AbortSignal,
  hooks: {
    readonly onRetry?: () => void;
    readonly recovered?: () => Promise<{ readonly value: T } | null>;
    readonly worthRetrying?: (error: unknown) => Promise<boolean>;
  } = {},
): Promise<T> {
  const windowMs = deps.retryWindowMs ?? RETRY_WINDOW_MS;
  let firstFailure: number | null = null;
  for (let n = 0; ; n++) {
    if (signal.aborted) throw new Cancelled();
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted || error instanceof Cancelled) throw new Cancelled();
      if (!isRetryable(error)) {
        if (firstFailure === null || hooks.worthRetrying === undefined) throw error;
        let worth: boolean;
        try {
          worth = await hooks.worthRetrying(error);
        } catch (check) {
          if (signal.aborted || check instanceof Cancelled) throw new Cancelled();
          // The question went unanswered: the failure stands.
          worth = false;
        }
        if (!worth) throw error;
      }
      firstFailure ??= deps.clock.now();
      if (deps.clock.now() - firstFailure >= windowMs) throw error;
      hooks.onRetry?.();
      await deps.clock.sleep(backoffMs(n, error instanceof HttpFailure ? error.retryAfter : null), signal);
      if (hooks.recovered) {
        try {
          const done = await hooks.recovered();
          if (done !== null) return done.value;
        } catch (check) {
          if (signal.aborted || check instanceof Cancelled) throw new Cancelled();
          if (!isRetryable(check)) throw check;
        }
      }
    }
  }
}

function checkPlan(created: UploadCreateResponse, containerSize: number): void {
  const { partSize, partCount } = created;
  if (partSize < MIN_PART_BYTES || partSize > MAX_PART_BYTES || partCount !== Math.ceil(containerSize / partSize)) {
    throw new HttpFailure(200, 'bad_response');
  }
}

export async function encryptAndUpload(
  source: Blob,
  fileKey: FileKey,
  fileId: Id,
  deps: UploadDeps,
  signal: AbortSignal,
  onProgress: (progress: TransferProgress) => void,
): Promise<UploadResult> {
  const containerSize = ciphertextLengthOf(source.size);
  const linkSpeed = deps.linkSpeed ?? workerLinkSpeed;
  const askedPartSize = choosePartSize(linkSpeed.estimate());
  const created = await withRetry(
    () => deps.transport.createUpload(containerSize, signal, askedPartSize),
    deps,
    signal,
  );
  checkPlan(created, containerSize);
  const { uploadId, partSize, partCount } = created;
  try {
    return await sendParts();
  } catch (error) {
    // Nothing of a failed or cancelled upload is kept on the server.
    void deps.transport.deleteUpload(uploadId);
    throw error;
  }

  async function sendParts(): Promise<UploadResult> {
    const maxInFlight = Math.max(1, deps.partsInFlight ?? PARTS_IN_FLIGHT);
    const failed = new AbortController();
    const partSignal = AbortSignal.any([signal, failed.signal]);
    let retrying = 0;
    let confirmed = 0;
    let sendingSince: number | null = null;
    const sending = new Map<number, number>();
    /** Buffers of confirmed parts, partSize long, to fill again. */
    const spare: Uint8Array[] = [];
    const inFlight = new Set<Promise<void>>();
    // The first part that failed for good (every error here is an Error: the transport's own).
    let failure: Error | null = null;
    /** Throws the failure of a part, if one failed (read here, where the compiler sees every write). */
    const stopIfFailed = (): void => {
      if (failure !== null) throw failure;
    };

    const reporter = progressReporter(
      containerSize,
      (figures) => onProgress({ ...figures, phase: retrying > 0 ? 'retrying' : 'uploading' }),
      () => deps.clock.now(),
    );
    const report = (force = false): void => {
      let partial = 0;
      for (const sent of sending.values()) partial += sent;
      // Bytes handed to the network count only up to the part's size, and confirmed ones fully.
      reporter.update(Math.min(containerSize, confirmed + partial), force);
    };

    const sendPart = async (index: number, bytes: Uint8Array): Promise<void> => {
      sendingSince ??= deps.clock.now();
      let waiting = false;
      await withRetry(
        async () => {
          sending.set(index, 0);
          await deps.transport.putPart(
            uploadId,
            index,
            bytes,
            (sent) => {
              sending.set(index, Math.min(sent, bytes.length));
              report();
            },
            partSignal,
          );
        },
        deps,
        partSignal,
        {
          onRetry: () => {
            sending.delete(index);
            if (!waiting) retrying++;
            waiting = true;
            report(true);
          },
          // After a failure, ask what the server has: a part it stored (only the answer was
          // lost) is done; any other is sent again.
          recovered: async () => {
            const status = await deps.transport.uploadStatus(uploadId, partSignal);
            return status.received.includes(index) ? { value: undefined } : null;
          },
        },
      ).finally(() => {
        if (waiting) retrying--;
      });
      sending.delete(index);
      confirmed += bytes.length;
      // The request is over (a retried one too): its buffer may fill a later part.
      if (bytes.byteOffset === 0 && bytes.buffer.byteLength === partSize) spare.push(new Uint8Array(bytes.buffer));
      report();
      // The speed so far (retries and all) chooses the next upload's part size.
      const elapsed = sendingSince === null ? 0 : deps.clock.now() - sendingSince;
      if (elapsed >= MEASURE_AFTER_MS) linkSpeed.record((confirmed * 1000) / elapsed);
    };

    /** Starts sending a full part, after waiting for a free slot. */
    const dispatch = async (index: number, bytes: Uint8Array): Promise<void> => {
      while (inFlight.size >= maxInFlight && failure === null) await Promise.race(inFlight);
      stopIfFailed();
      const running: Promise<void> = sendPart(index, bytes).then(
        () => undefined,
        (error: unknown) => {
          failure ??= error instanceof Error ? error : new TransferError('internal');
          failed.abort();
        },
      );
      const tracked = running.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    };

    // ---- read, encrypt, fill parts
    // The encryptor hands out each sealed chunk as a view into libsodium's heap; it is copied
    // straight into the part being filled, and full parts wait in `ready` (one, mostly) until
    // they are dispatched after the encryptor call returns.
    const encryptor = createContentEncryptor(fileKey, fileId);
    let index = 0;
    // The part being filled (made when its first byte arrives, so a full part waiting for a
    // slot does not hold a fresh one as well), its number, and how much of it is filled.
    let part: Uint8Array | null = null;
    let filling = 0;
    let filled = 0;
    let overflow = false;
    const ready: Uint8Array[] = [];

    const fill = (bytes: Uint8Array): void => {
      let offset = 0;
      while (offset < bytes.length) {
        if (part === null) {
          // More container bytes than the declared size: the file grew while it was read.
          if (filling >= partCount) {
            overflow = true;
            return;
          }
          const length = Math.min(partSize, containerSize - filling * partSize);
          part = spare.pop()?.subarray(0, length) ?? new Uint8Array(length);
        }
        const take = Math.min(part.length - filled, bytes.length - offset);
        part.set(bytes.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === part.length) {
          ready.push(part);
          part = null;
          filling++;
          filled = 0;
        }
      }
    };
    const sendReady = async (): Promise<void> => {
      if (overflow) throw new TransferError('file_unreadable');
      for (let full = ready.shift(); full !== undefined; full = ready.shift()) {
        await dispatch(index, full);
        index++;
      }
    };

    const reads = streamReads(source.stream());
    try {
      for (;;) {
        stopIfFailed();
        if (signal.aborted) throw new Cancelled();
        let read: Uint8Array | null;
        try {
          read = await reads.next();
        } catch {
          throw new TransferError('file_unreadable');
        }
        if (read === null) break;
        encryptor.updateInto(read, fill);
        await sendReady();
      }
      const summary = encryptor.finalInto(fill);
      await sendReady();
      // Fewer bytes than declared: the file shrank while it was read.
      if (index !== partCount || summary.plaintextLength !== source.size) throw new TransferError('file_unreadable');
      while (inFlight.size > 0) await Promise.race(inFlight);
      stopIfFailed();

      // ---- complete, and compare the server's hash with ours
      onProgress({ ...figures(containerSize, containerSize, null), phase: 'verifying' });
      // A completion whose answer was lost may meet a server that restarted meanwhile: a 404 or
      // 409 then is not final while the server's status still has the upload with every part
      // (it finishes an interrupted completion when asked again).
      const completed = await withRetry(() => deps.transport.completeUpload(uploadId, signal), deps, signal, {
        worthRetrying: async (error) => {
          if (!(error instanceof HttpFailure) || (error.status !== 404 && error.status !== 409)) return false;
          const status = await deps.transport.uploadStatus(uploadId, signal);
          return status.completed || status.received.length === status.partCount;
        },
      });
      if (!bytesEqual(fromBase64Url(completed.ciphertextHash, 32), summary.ciphertextHash))
        throw new TransferError('upload_failed');
      return { uploadId, summary };
    } catch (error) {
      encryptor.dispose();
      failed.abort();
      await reads.cancel();
      // Let the parts still in flight see the abort before the upload is deleted.
      await Promise.allSettled(inFlight);
      throw error;
    }
  }
}
