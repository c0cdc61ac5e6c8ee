// The command-line client's HTTP: every request goes to the device's server with its device token
// (`Authorization: Bearer`; no cookie, so the server's Origin check does not apply). JSON answers are checked against the shared/wire schemas;
// failures are the browser transport's HttpFailure and NetworkFailure, so one mapping
// (errors.ts) turns them into exit codes. Files go up and down through the browser client's own
// engines (client/src/crypto/upload.ts and download.ts) over `transport`.
import type { ZodType } from 'zod';
import {
  fetchTransport,
  HttpFailure,
  partPath,
  sendRequest,
  type Fetcher,
  type Transport,
} from '../client/src/crypto/transport.js';

export interface Api {
  get<T>(path: string, schema: ZodType<T>): Promise<T>;
  post<T>(path: string, body: unknown, schema: ZodType<T>): Promise<T>;
  /** A POST whose answer carries nothing (204). */
  act(path: string, body: unknown): Promise<void>;
  put(path: string, body: unknown): Promise<void>;
  readonly transport: Transport;
}

export function createApi(device: {
  readonly server: string;
  /** The device token, opened from the state file; null while a device enrols (its first requests are public). */
  readonly token: string | null;
}): Api {
  const credential: Record<string, string> = device.token === null ? {} : { Authorization: `Bearer ${device.token}` };

  const fetcher: Fetcher = (url, request) => {
    const headers: Record<string, string> = { ...credential, ...request.headers };
    return fetch(new URL(url, device.server), {
      method: request.method,
      headers,
      body: request.body,
      redirect: 'error',
      ...(request.signal ? { signal: request.signal } : {}),
    });
  };

  const json = async (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
  ): Promise<{ status: number; data: unknown }> => {
    const response = await sendRequest(fetcher, path, {
      method,
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    if (response.status === 204) return { status: 204, data: undefined };
    try {
      return { status: response.status, data: (await response.json()) as unknown };
    } catch {
      throw new HttpFailure(response.status, 'bad_response');
    }
  };

  const checked = <T>(status: number, data: unknown, schema: ZodType<T>): T => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new HttpFailure(status, 'bad_response');
    return parsed.data;
  };

  const putPart: Transport['putPart'] = async (uploadId, index, bytes, onSent, signal) => {
    await sendRequest(fetcher, partPath(uploadId, index), {
      method: 'PUT',
      headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream' },
      body: bytes as Uint8Array<ArrayBuffer>,
      signal,
    });
    onSent(bytes.length);
  };

  return {
    async get(path, schema) {
      const { status, data } = await json('GET', path, undefined);
      return checked(status, data, schema);
    },
    async post(path, body, schema) {
      const { status, data } = await json('POST', path, body);
      return checked(status, data, schema);
    },
    async act(path, body) {
      await json('POST', path, body);
    },
    async put(path, body) {
      await json('PUT', path, body);
    },
    transport: fetchTransport(fetcher, putPart),
  };
}
