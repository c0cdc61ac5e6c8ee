// The crypto worker's HTTP (transport.ts): same-origin requests with the session cookie,
// answers checked with the shared/wire schemas. Parts go up with XMLHttpRequest, which
// (unlike fetch) reports upload progress; each part is one whole Uint8Array body, because
// Chromium refuses streaming request bodies over HTTP/1.1.
import type { ZodType } from 'zod';
import { parseRetryAfter } from '../api/retry-after';
import { UploadCompleteResponse, UploadCreateResponse, UploadStatus } from '../../../shared/wire/uploads.js';
import { Cancelled, HttpFailure, NetworkFailure, type ContainerResponse, type Transport } from './transport';

const UPLOADS = '/api/v1/uploads';

function uploadPath(uploadId: string): string {
  return `${UPLOADS}/${encodeURIComponent(uploadId)}`;
}

async function errorCodeOf(response: Response): Promise<string | null> {
  if (!response.headers.get('Content-Type')?.toLowerCase().startsWith('application/json')) return null;
  try {
    const data = (await response.json()) as { error?: { code?: unknown } };
    return typeof data.error?.code === 'string' ? data.error.code : null;
  } catch {
    return null;
  }
}

async function send(method: string, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      signal,
    });
  } catch {
    if (signal.aborted) throw new Cancelled();
    throw new NetworkFailure('no answer');
  }
  if (!response.ok) throw new HttpFailure(response.status, await errorCodeOf(response), parseRetryAfter(response.headers.get('Retry-After')));
  return response;
}

async function json<T>(response: Response, schema: ZodType<T>): Promise<T> {
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

export const browserTransport: Transport = {
  async createUpload(size, signal) {
    return json(await send('POST', UPLOADS, { size }, signal), UploadCreateResponse);
  },

  putPart(uploadId, index, bytes, onSent, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(new Cancelled());
        return;
      }
      const xhr = new XMLHttpRequest();
      const onAbort = (): void => xhr.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      xhr.open('PUT', `${uploadPath(uploadId)}/parts/${index}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (event) => onSent(event.loaded);
      xhr.onload = () => {
        done();
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve();
          return;
        }
        let code: string | null = null;
        try {
          const data = JSON.parse(xhr.responseText) as { error?: { code?: unknown } };
          if (typeof data.error?.code === 'string') code = data.error.code;
        } catch {
          // not JSON: the status says enough
        }
        reject(new HttpFailure(xhr.status, code, parseRetryAfter(xhr.getResponseHeader('Retry-After'))));
      };
      xhr.onerror = () => {
        done();
        reject(new NetworkFailure('no answer'));
      };
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = () => {
        done();
        reject(signal.aborted ? new Cancelled() : new NetworkFailure('aborted'));
      };
      // A view sends exactly its bytes; the part buffers are plain ArrayBuffers.
      xhr.send(bytes as Uint8Array<ArrayBuffer>);
    });
  },

  async uploadStatus(uploadId, signal) {
    return json(await send('GET', uploadPath(uploadId), undefined, signal), UploadStatus);
  },

  async completeUpload(uploadId, signal) {
    return json(await send('POST', `${uploadPath(uploadId)}/complete`, {}, signal), UploadCompleteResponse);
  },

  async deleteUpload(uploadId) {
    try {
      await fetch(uploadPath(uploadId), { method: 'DELETE', credentials: 'same-origin', cache: 'no-store', redirect: 'error', keepalive: true });
    } catch {
      // The server removes unfinished uploads after 24 hours anyway.
    }
  },

  async fetchContainer(url, headers, from, signal): Promise<ContainerResponse> {
    const requestHeaders: Record<string, string> = { ...headers };
    if (from > 0) requestHeaders['Range'] = `bytes=${from}-`;
    let response: Response;
    try {
      response = await fetch(url, { headers: requestHeaders, credentials: 'same-origin', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer', signal });
    } catch {
      if (signal.aborted) throw new Cancelled();
      throw new NetworkFailure('no answer');
    }
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
