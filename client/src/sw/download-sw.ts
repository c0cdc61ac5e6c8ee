// Coffer's service worker (built to /sw.js, scope /download/): it streams large decrypted
// files to disk without ever holding them whole in memory (docs/threat-model.md, promise 6; protocol in
// ./messages.ts). It does nothing else: it answers only requests for /download/<id> that a
// page of this origin opened a moment before, and never caches or touches any other request.
//
// The answer is an attachment of type application/octet-stream, so the browser saves it and
// never renders it; its body errors when the crypto worker reports a failed or tampered
// file, so the browser marks the download failed and a partial file never looks complete.
//
// This file must not import anything at run time: it is registered as a classic script.
import { contentDisposition } from './content-disposition';
import { DOWNLOAD_ID_PATTERN, DOWNLOAD_SCOPE } from './constants';
import type { PageToServiceWorker, ServiceWorkerToPort } from './messages';
import { portStream } from './port-stream';

// tsconfig.client.json type-checks with the DOM library; these are the parts of
// ServiceWorkerGlobalScope used here.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly origin: string;
  readonly ports: readonly MessagePort[];
}
interface ServiceWorkerScope {
  readonly location: Location;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
}
const sw = globalThis as unknown as ServiceWorkerScope;

interface Pending {
  readonly port: MessagePort;
  readonly name: string;
  readonly size: number;
  readonly openedAt: number;
}

/** Downloads a page opened and has not started yet; forgotten after a minute. */
const pending = new Map<string, Pending>();
const OPEN_FOR_MS = 60_000;

function post(port: MessagePort, message: ServiceWorkerToPort): void {
  port.postMessage(message);
}

sw.addEventListener('install', (event) => {
  event.waitUntil(sw.skipWaiting());
});

sw.addEventListener('message', (event) => {
  if (event.origin !== sw.location.origin) return;
  const message = event.data as PageToServiceWorker | null;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'coffer-download-keepalive') return;
  if (message.type !== 'coffer-download-open') return;
  const port = event.ports[0];
  if (!port || typeof message.id !== 'string' || !DOWNLOAD_ID_PATTERN.test(message.id)) return;
  if (typeof message.name !== 'string' || !Number.isSafeInteger(message.size) || message.size < 0) return;
  const now = Date.now();
  for (const [id, entry] of pending) if (now - entry.openedAt > OPEN_FOR_MS) pending.delete(id);
  pending.set(message.id, { port, name: message.name, size: message.size, openedAt: now });
  post(port, { type: 'ready' });
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== sw.location.origin || !url.pathname.startsWith(DOWNLOAD_SCOPE)) return;
  const id = url.pathname.slice(DOWNLOAD_SCOPE.length);
  const entry = pending.get(id);
  pending.delete(id);
  if (!entry || event.request.method !== 'GET') {
    // Downloads start as navigations (features/transfer/stream.ts): a 204 leaves the page as
    // it is, where a 404 would replace it. The crypto worker then reports that saving did
    // not start.
    event.respondWith(new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } }));
    return;
  }
  event.respondWith(streamedResponse(entry));
});

function streamedResponse({ port, name, size }: Pending): Response {
  const stream = portStream(port);
  return new Response(stream, {
    status: 200,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': contentDisposition(name),
      'Content-Length': String(size),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'no-store',
    },
  });
}
