// How the crypto worker talks to the server for file transfers: the upload protocol of
// shared/wire/uploads.ts and the container downloads of shared/wire/shares.ts. An interface,
// so the upload and download engines run in Node tests against an in-memory server that
// fails on purpose; browser-transport.ts is the real one (fetch, and XMLHttpRequest for part
// uploads because only it reports upload progress).
import type { UploadCompleteResponse, UploadCreateResponse, UploadStatus } from '../../../shared/wire/uploads.js';
import type { WorkerErrorCode } from './protocol';

/** The server answered with an error status (`code` from `{ "error": { "code" } }` when it sent one). */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  constructor(
    readonly status: number,
    readonly code: string | null,
    /** Seconds from `Retry-After`, for 429 and 503. */
    readonly retryAfter: number | null = null,
  ) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}`);
  }
}

/** No answer arrived: offline, connection reset, server restarting. */
export class NetworkFailure extends Error {
  override readonly name = 'NetworkFailure';
}

/** The caller's signal fired. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/** A transfer failed for a reason the page is told by its code. */
export class TransferError extends Error {
  override readonly name = 'TransferError';
  constructor(readonly code: WorkerErrorCode) {
    super(code);
  }
}

/** The code the page hears for a failed transfer request. */
export function failureCode(error: unknown): WorkerErrorCode {
  if (error instanceof TransferError) return error.code;
  if (error instanceof Cancelled) return 'cancelled';
  if (error instanceof NetworkFailure) return 'network';
  if (error instanceof HttpFailure) {
    if (error.status === 401) return error.code === 'grant_invalid' ? 'grant_invalid' : 'signed_out';
    if (error.code === 'quota_exceeded' || error.code === 'payload_too_large' || error.status === 413 || error.status === 507) return 'quota_exceeded';
    if (error.code === 'share_expired' || error.code === 'share_revoked' || error.code === 'share_used_up') return error.code;
    if (error.status === 410) return 'share_expired';
    if (error.status === 404) return 'not_found';
    if (error.status === 409 || error.code === 'upload_incomplete') return 'upload_failed';
    if (error.status >= 500) return 'server';
  }
  return 'internal';
}

export interface Transport {
  createUpload(size: number, signal: AbortSignal): Promise<UploadCreateResponse>;
  /** Sends one part; `onSent` reports bytes handed to the network so far (for progress). */
  putPart(uploadId: string, index: number, bytes: Uint8Array, onSent: (bytes: number) => void, signal: AbortSignal): Promise<void>;
  uploadStatus(uploadId: string, signal: AbortSignal): Promise<UploadStatus>;
  completeUpload(uploadId: string, signal: AbortSignal): Promise<UploadCompleteResponse>;
  /** Best effort: a cancelled upload's parts are removed at once (else the server drops them after 24 h). */
  deleteUpload(uploadId: string): Promise<void>;
  /**
   * GET of a container: the response (status not checked) with a readable body. `from` > 0
   * asks for the rest from that byte (a resumed download).
   */
  fetchContainer(url: string, headers: Readonly<Record<string, string>>, from: number, signal: AbortSignal): Promise<ContainerResponse>;
}

export interface ContainerResponse {
  readonly status: number;
  /** The error code of a JSON error answer, read only for statuses ≥ 400. */
  errorCode(): Promise<string | null>;
  /** `Content-Range` start for a 206, else 0. */
  readonly rangeStart: number;
  readonly retryAfter: number | null;
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with Cancelled when `signal` fires. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(new Cancelled());
        return;
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Worth trying again: no answer, a server error, a timeout or a rate limit. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkFailure) return true;
  return error instanceof HttpFailure && (error.status >= 500 || error.status === 408 || error.status === 429);
}

/** The wait before attempt `n` (0-based) of a retry: 0.5 s doubling to 10 s, or what Retry-After asks (up to a minute). */
export function backoffMs(attempt: number, retryAfter: number | null = null): number {
  if (retryAfter !== null && retryAfter > 0) return Math.min(retryAfter, 60) * 1000;
  return Math.min(500 * 2 ** attempt, 10_000);
}
