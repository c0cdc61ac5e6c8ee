// How the crypto worker talks to the server for file transfers: the upload protocol of
// shared/wire/uploads.ts and the container downloads of shared/wire/shares.ts. An interface,
// so the upload and download engines run in Node tests against an in-memory server that
// fails on purpose. fetchTransport (at the end) is the real one over fetch, with answers
// checked against the shared/wire schemas: browser-transport.ts gives it the browser's fetch
// (and XMLHttpRequest for parts, because only it reports upload progress); the fault test
// gives it Node's fetch, to drive the same engine against the real server program.
import type { ZodType } from 'zod';
import {
  UploadCompleteResponse,
  UploadCreateResponse,
  UploadStatus,
  type UploadCreateRequest,
} from '../../../shared/wire/uploads.js';
import { parseRetryAfter } from '../api/retry-after.js';
import type { WorkerErrorCode } from './protocol.js';
import { WorkerError } from './operations/errors.js';

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

/** The code the page hears for a failed transfer request. */
export function failureCode(error: unknown): WorkerErrorCode {
  if (error instanceof WorkerError) return error.code;
  if (error instanceof Cancelled) return 'cancelled';
  if (error instanceof NetworkFailure) return 'network';
  if (error instanceof HttpFailure) {
    if (error.status === 401) return error.code === 'grant_invalid' ? 'grant_invalid' : 'signed_out';
    // A drop's limits, its end, and an upload the office rejected: each told apart.
    if (
      error.code === 'drop_too_large' ||
      error.code === 'drop_too_many_files' ||
      error.code === 'drop_closed' ||
      error.code === 'drop_expired' ||
      error.code === 'upload_rejected'
    ) {
      return error.code;
    }
    if (
      error.code === 'quota_exceeded' ||
      error.code === 'payload_too_large' ||
      error.status === 413 ||
      error.status === 507
    )
      return 'quota_exceeded';
    if (error.code === 'share_expired' || error.code === 'share_revoked' || error.code === 'share_used_up')
      return error.code;
    if (error.status === 410) return 'share_expired';
    if (error.status === 404) return 'not_found';
    if (error.status === 409 || error.code === 'upload_incomplete') return 'upload_failed';
    if (error.status >= 500) return 'server';
  }
  return 'internal';
}

export interface Transport {
  /** `partSize`: the part size to ask for (one of UPLOAD_PART_SIZES); the answer says what applies. */
  createUpload(size: number, signal: AbortSignal, partSize?: number): Promise<UploadCreateResponse>;
  /** Sends one part; `onSent` reports bytes handed to the network so far (for progress). */
  putPart(
    uploadId: string,
    index: number,
    bytes: Uint8Array,
    onSent: (bytes: number) => void,
    signal: AbortSignal,
  ): Promise<void>;
  uploadStatus(uploadId: string, signal: AbortSignal): Promise<UploadStatus>;
  completeUpload(uploadId: string, signal: AbortSignal): Promise<UploadCompleteResponse>;
  /** Best effort: a cancelled upload's parts are removed at once (else the server drops them after 24 h). */
  deleteUpload(uploadId: string): Promise<void>;
  /**
   * GET of a container: the response (status not checked) with a readable body. `from` > 0
   * asks for the rest from that byte (a resumed download).
   */
  fetchContainer(
    url: string,
    headers: Readonly<Record<string, string>>,
    from: number,
    signal: AbortSignal,
  ): Promise<ContainerResponse>;
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
  readonly now: () => number;
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

/**
 * Runs `step` until it succeeds, trying again while `again` says a failure may pass (a server
 * restarting) and `windowMs` has not run out, waiting backoffMs between tries. `onRetry(true)`
 * hears each failure it waits out, `onRetry(false)` the success after one. The batch runners'
 * loop (the page's and `coffer batch`'s); the transfer engines have their own, with recovery.
 */
export async function retryWithin<T>(
  step: () => Promise<T>,
  options: {
    readonly signal: AbortSignal;
    readonly windowMs: number;
    readonly again: (error: unknown) => boolean;
    readonly onRetry?: (retrying: boolean) => void;
    /** Seconds a failure's Retry-After asks for (HttpFailure's own when not given). */
    readonly retryAfter?: (error: unknown) => number | null;
    readonly clock?: Clock;
  },
): Promise<{ readonly value: T; readonly retried: boolean }> {
  const { signal, onRetry = () => {}, clock = systemClock } = options;
  const retryAfter = options.retryAfter ?? ((error) => (error instanceof HttpFailure ? error.retryAfter : null));
  const started = clock.now();
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw new Cancelled('cancelled');
    try {
      const value = await step();
      if (attempt > 0) onRetry(false);
      return { value, retried: attempt > 0 };
    } catch (error) {
      if (!options.again(error) || clock.now() - started > options.windowMs || signal.aborted) throw error;
      onRetry(true);
      await clock.sleep(backoffMs(attempt, retryAfter(error)), signal);
    }
  }
}

// ---- over fetch

/** One request as fetchTransport makes it; a Fetcher adds what its side needs (credentials, the server's address). */
export interface FetchRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BodyInit | null;
  readonly signal?: AbortSignal;
  /** For a request that must outlive the page (a cancelled upload's DELETE). */
  readonly keepalive?: boolean;
}

/** fetch, as one side makes it: rejects when no answer came, resolves with any status. */
export type Fetcher = (url: string, request: FetchRequest) => Promise<Response>;

/**
 * Where uploads go and what proves the right to make them: a member's own uploads (the session
 * cookie), or a drop's upload session (`/api/v1/d/<dropId>/uploads` with its grant as a
 * bearer token, shared/wire/drops.ts). The protocol below `base` is the same.
 */
export interface UploadTarget {
  readonly base: string;
  readonly headers: Readonly<Record<string, string>>;
}

export const MEMBER_UPLOADS: UploadTarget = { base: '/api/v1/uploads', headers: {} };

export function dropUploadTarget(dropId: string, grant: string): UploadTarget {
  return { base: `/api/v1/d/${encodeURIComponent(dropId)}/uploads`, headers: { Authorization: `Bearer ${grant}` } };
}

function uploadPath(uploadId: string, target: UploadTarget): string {
  return `${target.base}/${encodeURIComponent(uploadId)}`;
}

export function partPath(uploadId: string, index: number, target: UploadTarget = MEMBER_UPLOADS): string {
  return `${uploadPath(uploadId, target)}/parts/${index}`;
}

/** The code of a JSON error answer (`{ "error": { "code" } }`), or null. */
async function errorCodeOf(response: Response): Promise<string | null> {
  if (!response.headers.get('Content-Type')?.toLowerCase().startsWith('application/json')) return null;
  try {
    const data = (await response.json()) as { error?: { code?: unknown } };
    return typeof data.error?.code === 'string' ? data.error.code : null;
  } catch {
    return null;
  }
}

/**
 * One request through `fetch`, answered with any status. Cancelled when `signal` fired;
 * NetworkFailure when no answer came, whatever fetch threw (offline, refused, reset, the
 * socket closed mid-body).
 */
async function reach(
  fetch: Fetcher,
  url: string,
  request: FetchRequest & { readonly signal: AbortSignal },
): Promise<Response> {
  try {
    return await fetch(url, request);
  } catch {
    if (request.signal.aborted) throw new Cancelled();
    throw new NetworkFailure('no answer');
  }
}

/** One request through `fetch`, as `reach`, whose answer must be 2xx: else HttpFailure with the error code and Retry-After. */
export async function sendRequest(
  fetch: Fetcher,
  url: string,
  request: FetchRequest & { readonly signal: AbortSignal },
): Promise<Response> {
  const response = await reach(fetch, url, request);
  if (!response.ok)
    throw new HttpFailure(
      response.status,
      await errorCodeOf(response),
      parseRetryAfter(response.headers.get('Retry-After')),
    );
  return response;
}

async function answerOf<T>(response: Response, schema: ZodType<T>): Promise<T> {
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    throw new HttpFailure(response.status, 'bad_response');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new HttpFailure(response.status, 'bad_response');
  return parsed.data;
}

/**
 * The transport over `fetch` for uploads to `target`; parts go up through `putPart` (made for
 * the same target), which the two sides make differently.
 */
export function fetchTransport(
  fetch: Fetcher,
  putPart: Transport['putPart'],
  target: UploadTarget = MEMBER_UPLOADS,
): Transport {
  const call = (method: FetchRequest['method'], url: string, body: unknown, signal: AbortSignal): Promise<Response> =>
    sendRequest(fetch, url, {
      method,
      headers: {
        ...target.headers,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
      signal,
    });

  return {
    async createUpload(size, signal, partSize) {
      const request: UploadCreateRequest = partSize === undefined ? { size } : { size, partSize };
      return answerOf(await call('POST', target.base, request, signal), UploadCreateResponse);
    },

    putPart,

    async uploadStatus(uploadId, signal) {
      return answerOf(await call('GET', uploadPath(uploadId, target), undefined, signal), UploadStatus);
    },

    async completeUpload(uploadId, signal) {
      return answerOf(
        await call('POST', `${uploadPath(uploadId, target)}/complete`, {}, signal),
        UploadCompleteResponse,
      );
    },

    async deleteUpload(uploadId) {
      try {
        await fetch(uploadPath(uploadId, target), {
          method: 'DELETE',
          headers: { ...target.headers },
          body: null,
          keepalive: true,
        });
      } catch {
        // The server removes unfinished uploads after 24 hours anyway.
      }
    },

    async fetchContainer(url, headers, from, signal): Promise<ContainerResponse> {
      const requestHeaders: Record<string, string> = { ...headers };
      if (from > 0) requestHeaders['Range'] = `bytes=${from}-`;
      const response = await reach(fetch, url, { method: 'GET', headers: requestHeaders, body: null, signal });
      const range = /^bytes (\d+)-/.exec(response.headers.get('Content-Range') ?? '');
      return {
        status: response.status,
        errorCode: () => errorCodeOf(response),
        rangeStart: response.status === 206 && range ? Number(range[1]) : 0,
        retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
        body: response.body,
      };
    },
  };
}
