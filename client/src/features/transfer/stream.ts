// Streamed downloads through Coffer's service worker (client/src/sw/, served at /sw.js with
// scope /download/; the message protocol is in sw/messages.ts). Registering a service worker
// is a Trusted Types sink, so its URL goes through the `coffer` policy, which admits exactly
// /sw.js besides the built assets.
import { trustedScriptURL } from '../../security/trusted-types';
import type { PageToServiceWorker, ServiceWorkerToPort } from '../../sw/messages';

/** The page's copy of the service worker's paths (client/src/sw/constants.ts; a test checks they agree). */
export const DOWNLOAD_SCOPE = '/download/';
export const SERVICE_WORKER_URL = '/sw.js';

export interface BrowserTraits {
  readonly userAgent: string;
  readonly maxTouchPoints: number;
  readonly serviceWorker: boolean;
  readonly readableStream: boolean;
}

function currentTraits(): BrowserTraits {
  return {
    userAgent: navigator.userAgent,
    maxTouchPoints: navigator.maxTouchPoints,
    serviceWorker: 'serviceWorker' in navigator && window.isSecureContext,
    readableStream: typeof ReadableStream === 'function',
  };
}

/**
 * Whether a download can be streamed to disk through a service worker. Every browser on an
 * iPhone or iPad is WebKit, which does not save a service worker's stream as a download, and
 * desktop Safari does not either; there, files over the in-memory limit get a clear message.
 */
export function canStreamToDisk(traits: BrowserTraits = currentTraits()): boolean {
  if (!traits.serviceWorker || !traits.readableStream) return false;
  const ua = traits.userAgent;
  const appleMobile = /\b(iPhone|iPad|iPod)\b/.test(ua) || (/\bMacintosh\b/.test(ua) && traits.maxTouchPoints > 1);
  if (appleMobile) return false;
  // Every Chromium and Firefox also says "Safari/"; only Safari itself names none of these.
  const safari = /\bSafari\//.test(ua) && !/(Chrome|Chromium|CriOS|Edg|OPR|Firefox|FxiOS|SamsungBrowser)\//.test(ua);
  return !safari;
}

/** The File System Access API's save dialog, where the browser has it (Chromium on a desktop). */
export interface SaveFilePicker {
  (options: { suggestedName: string }): Promise<unknown>;
}

export function saveFilePicker(): SaveFilePicker | null {
  const picker = (window as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  return typeof picker === 'function' ? picker.bind(window) : null;
}

let registering: Promise<ServiceWorkerRegistration | null> | null = null;

/** Registers (once per page) and waits until the download service worker is active; null when it cannot run. */
function downloadServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  registering ??= register().catch(() => {
    registering = null;
    return null;
  });
  return registering;
}

async function register(): Promise<ServiceWorkerRegistration | null> {
  if (!canStreamToDisk()) return null;
  // lib.dom's register() does not know TrustedScriptURL; the browser accepts it.
  const registration = await navigator.serviceWorker.register(trustedScriptURL(SERVICE_WORKER_URL) as string, {
    scope: DOWNLOAD_SCOPE,
    updateViaCache: 'none',
  });
  const worker = registration.installing ?? registration.waiting ?? registration.active;
  if (!worker) return null;
  if (worker.state !== 'activated') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('service worker did not activate')), 15_000);
      const check = (): void => {
        if (worker.state === 'activated') {
          clearTimeout(timer);
          resolve();
        } else if (worker.state === 'redundant') {
          clearTimeout(timer);
          reject(new Error('service worker became redundant'));
        }
      };
      worker.addEventListener('statechange', check);
      check();
    });
  }
  return registration;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface OpenedStream {
  /** Hand this to the crypto worker's download (transfer it). */
  readonly port: MessagePort;
  /** Starts the browser's download of the stream (call right after the worker got the port). */
  start(): void;
  /** Keeps the service worker alive while the download runs; call the result when it ends. */
  keepAlive(): () => void;
}

/** Opens a stream with the service worker for one file; rejects when streaming is not possible. */
export async function openStream(name: string, size: number): Promise<OpenedStream> {
  const registration = await downloadServiceWorker();
  const active = registration?.active;
  if (!registration || !active) throw new Error('no download service worker');
  const id = randomId();
  const channel = new MessageChannel();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('service worker did not answer')), 10_000);
    channel.port2.onmessage = (event: MessageEvent<ServiceWorkerToPort>) => {
      if (event.data.type !== 'ready') return;
      clearTimeout(timer);
      resolve();
    };
    const open: PageToServiceWorker = { type: 'coffer-download-open', id, name, size };
    active.postMessage(open, [channel.port1]);
  });
  channel.port2.onmessage = null;
  return {
    port: channel.port2,
    start() {
      // A navigation, not <a download>: browsers send an <a download> request through the
      // service worker controlling *this page* (none: the scope is /download/), but route a
      // navigation by its URL's scope. The answer is an attachment, so the browser turns the
      // navigation into a download and this page stays where it is. The service worker has
      // just confirmed it holds this id, so the request does not reach the server.
      location.assign(`${DOWNLOAD_SCOPE}${id}`);
    },
    keepAlive() {
      const keepalive: PageToServiceWorker = { type: 'coffer-download-keepalive' };
      const timer = setInterval(() => registration.active?.postMessage(keepalive), 10_000);
      return () => clearInterval(timer);
    },
  };
}
