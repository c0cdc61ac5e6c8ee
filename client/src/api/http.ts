// The one place the client talks HTTP to the Coffer API: JSON in, JSON out, same-origin
// cookies only, and every answer that is not 2xx turned into an ApiError that carries the
// server's stable error code (`{ "error": { "code", "message" } }`), never its message text.

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
  ) {
    super(`API request failed: ${status} ${code}`);
  }
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

/**
 * POSTs `body` as JSON to `path` (a same-origin path under /api/) and returns the answer
 * checked by `parse`, which returns null for a body of the wrong shape.
 * Rejects with ApiError, or with the AbortError of `signal`.
 */
export async function postJson<T>(
  path: string,
  body: unknown,
  parse: (data: unknown) => T | null,
  options: RequestOptions = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
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
  if (!response.ok) throw new ApiError(response.status, errorCode(data) ?? CLIENT_ERROR.badResponse);
  const parsed = parse(data);
  if (parsed === null) throw new ApiError(response.status, CLIENT_ERROR.badResponse);
  return parsed;
}

async function readJson(response: Response): Promise<unknown> {
  if (!response.headers.get('Content-Type')?.toLowerCase().startsWith('application/json')) return undefined;
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

function errorCode(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const error = (data as Record<string, unknown>)['error'];
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as Record<string, unknown>)['code'];
  return typeof code === 'string' && code !== '' ? code : null;
}
