// The browser client's transfer transport (client/src/crypto/transport.ts's fetchTransport)
// made with Node's fetch, so tests drive the client's real upload engine against a real
// server: every request goes to `base` with the session cookie, and a non-GET request with
// the Origin header, as a browser sends them. Connection errors and error statuses become
// NetworkFailure and HttpFailure in the same shared code the browser's transport uses.
//
// A part goes up as a stream of 1 MiB pieces with its Content-Length, so `onSent` reports
// bytes handed to the socket as XMLHttpRequest's upload progress does in the browser, and a
// test can hold a part part-way (`holdPart`) knowing the server has no more of it than that.
import {
  fetchTransport,
  partPath,
  sendRequest,
  type Fetcher,
  type Transport,
} from '../../client/src/crypto/transport.js';

const PIECE_BYTES = 1024 * 1024;

export interface NodeTransportOptions {
  /** The server's address, e.g. `http://127.0.0.1:8123`. */
  readonly base: string;
  /** The public origin the server expects in Origin. */
  readonly origin: string;
  /** The Cookie header: `__Host-coffer-session=<token>`. */
  readonly cookie: string;
  /**
   * Called before each piece of a part after the first is handed over, with the bytes handed
   * so far; the part waits while the returned promise is pending (a fault test cuts it there).
   */
  readonly holdPart?: (uploadId: string, index: number, sent: number, length: number) => Promise<void> | undefined;
}

export function nodeTransport(options: NodeTransportOptions): Transport {
  const nodeFetch: Fetcher = (url, request) => {
    const headers: Record<string, string> = { ...request.headers, Cookie: options.cookie };
    if (request.method !== 'GET') headers['Origin'] = options.origin;
    // undici sends a streamed body only when told it goes one way (duplex: 'half').
    const init: RequestInit & { duplex?: 'half' } = { ...request, headers, redirect: 'error' };
    if (request.body instanceof ReadableStream) init.duplex = 'half';
    return fetch(new URL(url, options.base), init);
  };

  const putPart: Transport['putPart'] = async (uploadId, index, bytes, onSent, signal) => {
    let sent = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (sent > 0 && sent < bytes.length) await options.holdPart?.(uploadId, index, sent, bytes.length);
          // The request failed while the part was held.
          if (cancelled) return;
          if (sent === bytes.length) {
            controller.close();
            return;
          }
          const piece = bytes.subarray(sent, Math.min(sent + PIECE_BYTES, bytes.length));
          controller.enqueue(piece);
          sent += piece.length;
          onSent(sent);
        },
        cancel() {
          cancelled = true;
        },
      },
      // Pulled only as the socket takes it, so `sent` runs little ahead of the wire.
      { highWaterMark: 0 },
    );
    await sendRequest(nodeFetch, partPath(uploadId, index), {
      method: 'PUT',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(bytes.length),
      },
      body,
      signal,
    });
  };

  return fetchTransport(nodeFetch, putPart);
}
