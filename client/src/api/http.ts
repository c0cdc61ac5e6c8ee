// The one place the client talks HTTP to the Coffer API: JSON (or, for the logo, a
// multipart form) in, JSON out, same-origin cookies only, and every answer that is not 2xx
// turned into an ApiError that carries the server's stable error code
// (`{ "error": { "code", "message" } }`), never its message text. Answers are checked with
// the shared/wire schemas before anyone uses them.
//
// A 401 `signed_out` from any call means the session is gone (signed out elsewhere, expired,
// account disabled): listeners registered with `onSignedOut` hear about it, so the app can
// lock the keys and say so, wherever the call came from.
import type { ZodType } from 'zod';
import { parseRetryAfter } from './retry-after';

/** Codes the client itself uses when there is no server code to report. */
export const CLIENT_ERROR = {
  /** No answer arrived: offline, DNS, connection reset, blocked. */
  network: 'network_error',
  /** An answer arrived but not in the shape the endpoint promises. */
  badResponse: 'bad_response',
} as const;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when no answer arrived. */
    readonly status: number,
    /** The server's `error.code`, or one of CLIENT_ERROR. */
    readonly code: string,
    /** For 429: seconds until a retry may succeed, from `Retry-After`. */
    readonly retryAfter: number | null = null,
    /** For `invalid_input`: the paths of the fields that failed. */
    readonly fields: readonly string[] = [],
    /** For a 410 on a guest's link: whom to ask (the office, and the sender while a member). */
    readonly contact: { readonly office: string; readonly sender?: string } | null = null,
    /** For a wrong e-mail code: the tries that code has left. */
    readonly triesLeft: number | null = null,
  ) {
    super(`API request failed: ${status} ${code}`);
  }
}

/**
 * No answer, or the server (or a proxy before it) failing: what was asked may or may not have
 * been done, so it is not simply asked again as if it had not.
 */
export function mayHaveLanded(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500);
}

/**
 * Sends a request whose answer may be lost (mayHaveLanded). Then `landed` asks the server's own
 * record whether it was done: the result it stands for, or null when it was not (a failure of
 * that question counts as null). The request's failure stands unless it was done.
 */
export async function unlessLanded<T>(send: () => Promise<T>, landed: () => Promise<T | null>): Promise<T> {
  try {
    return await send();
  } catch (failure) {
    if (!mayHaveLanded(failure)) throw failure;
    const done = await landed().catch(() => null);
    if (done === null) throw failure;
    return done;
  }
}

/** For a read-back after a delete: true when `read` answers 404 (the thing is gone), false when it is still there. */
export async function isGone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') return true;
    throw error;
  }
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Sent as well: a capability a request carries besides the session (a drop's grant as `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Whose items a list shows: the caller's own, or every one of the office (to take one over). */
export type Scope = 'mine' | 'office';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Checks an answer's body; returns null for a body of the wrong shape. */
export type Parse<T> = (data: unknown) => T | null;

/** A Parse from a zod schema. */
export function schema<T>(type: ZodType<T>): Parse<T> {
  return (data) => {
    const result = type.safeParse(data);
    return result.success ? result.data : null;
  };
}

/** For endpoints whose answer carries nothing the client needs (204, or `{}`). */
export const noContent: Parse<void> = () => undefined;

const signedOutListeners = new Set<() => void>();

/** Calls `listener` whenever any request is answered 401 `signed_out`; returns the unsubscribe function. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

interface Body {
  readonly json?: unknown;
  readonly form?: FormData;
}

/**
 * Sends one request to `path` (a same-origin path under /api/) and returns the answer
 * checked by `parse`. Rejects with ApiError, or with the AbortError of `signal`.
 */
async function request<T>(
  method: Method,
  path: string,
  body: Body,
  parse: Parse<T>,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' };
  let payload: string | FormData | undefined;
  if (body.form !== undefined) {
    // The browser sets the multipart Content-Type with its boundary.
    payload = body.form;
  } else if (body.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body.json);
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: payload ?? null,
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, CLIENT_ERROR.network);
  }

  const data = await readJson(response);
  if (!response.ok) {
    const error = errorOf(data);
    const code = error?.code ?? CLIENT_ERROR.badResponse;
    if (response.status === 401 && code === 'signed_out') for (const listener of signedOutListeners) listener();
    const retryAfter = response.status === 429 ? parseRetryAfter(response.headers.get('Retry-After')) : null;
    throw new ApiError(
      response.status,
      code,
      retryAfter,
      error?.fields ?? [],
      error?.contact ?? null,
      error?.triesLeft ?? null,
    );
  }
  const parsed = parse(data);
  if (parsed === null) throw new ApiError(response.status, CLIENT_ERROR.badResponse);
  return parsed;
}

export function getJson<T>(path: string, parse: Parse<T>, options?: RequestOptions): Promise<T> {
  return request('GET', path, {}, parse, options);
}

export function postJson<T>(path: string, body: unknown, parse: Parse<T>, options?: RequestOptions): Promise<T> {
  return request('POST', path, { json: body }, parse, options);
}

export function putJson<T>(path: string, body: unknown, parse: Parse<T>, options?: RequestOptions): Promise<T> {
  return request('PUT', path, { json: body }, parse, options);
}

export function deleteJson<T>(path: string, parse: Parse<T>, options?: RequestOptions): Promise<T> {
  return request('DELETE', path, {}, parse, options);
}

export function putForm<T>(path: string, form: FormData, parse: Parse<T>, options?: RequestOptions): Promise<T> {
  return request('PUT', path, { form }, parse, options);
}

async function readJson(response: Response): Promise<unknown> {
  if (!response.headers.get('Content-Type')?.toLowerCase().startsWith('application/json')) return undefined;
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** A wrong code's tries left: a small whole number, or null. */
function triesLeftOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100 ? value : null;
}

function errorOf(data: unknown): {
  code: string;
  fields: string[];
  contact: { office: string; sender?: string } | null;
  triesLeft: number | null;
} | null {
  if (typeof data !== 'object' || data === null) return null;
  const error = (data as Record<string, unknown>)['error'];
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as Record<string, unknown>)['code'];
  if (typeof code !== 'string' || code === '') return null;
  const fields = (error as Record<string, unknown>)['fields'];
  return {
    code,
    fields: Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [],
    contact: contactOf((error as Record<string, unknown>)['contact']),
    triesLeft: triesLeftOf((error as Record<string, unknown>)['triesLeft']),
  };
}

/** A 410's `contact` (ErrorBody), if it has the shape the server writes. */
function contactOf(value: unknown): { office: string; sender?: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { office, sender } = value as Record<string, unknown>;
  if (typeof office !== 'string' || office === '') return null;
  return typeof sender === 'string' && sender !== '' ? { office, sender } : { office };
}

/** A path segment from an id (ids are base64url, but never trust a string into a URL unescaped). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
