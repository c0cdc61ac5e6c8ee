// The crypto worker's HTTP: transport.ts's fetchTransport with same-origin requests that carry
// the session cookie (a member's uploads and downloads) or a drop's grant (a drop's uploader,
// `browserTransportTo`). Parts go up with XMLHttpRequest, which (unlike fetch) reports upload
// progress; each part is one whole Uint8Array body, because Chromium refuses streaming
// request bodies over HTTP/1.1.
//
// The part goes as the Uint8Array itself, not as `new Blob([bytes])`. Measured (see
// docs/architecture.md): a Blob takes a fifth of the crypto worker's CPU off it, because the
// copy into the request then happens in the browser process, but the browser's other threads
// spend more than the worker saves, and the browser process holds every part's copy until the
// worker's garbage collector drops the Blob (80 to 100 MiB more for a 256 MiB file).
import { parseRetryAfter } from '../api/retry-after';
import {
  Cancelled,
  fetchTransport,
  HttpFailure,
  MEMBER_UPLOADS,
  NetworkFailure,
  partPath,
  type Fetcher,
  type Transport,
  type UploadTarget,
} from './transport';

const sameOriginFetch: Fetcher = (url, request) =>
  fetch(url, {
    ...request,
    credentials: 'same-origin',
    cache: 'no-store',
    redirect: 'error',
    referrerPolicy: 'no-referrer',
  });

const xhrPutPart =
  (target: UploadTarget): Transport['putPart'] =>
  (uploadId, index, bytes, onSent, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(new Cancelled());
        return;
      }
      const xhr = new XMLHttpRequest();
      const onAbort = (): void => xhr.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      xhr.open('PUT', partPath(uploadId, index, target));
      for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
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

export const browserTransport: Transport = fetchTransport(sameOriginFetch, xhrPutPart(MEMBER_UPLOADS));

/** Uploads to another target (a drop's upload session); downloads as browserTransport. */
export const browserTransportTo = (target: UploadTarget): Transport =>
  fetchTransport(sameOriginFetch, xhrPutPart(target), target);
