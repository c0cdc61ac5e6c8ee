// The crypto worker: all libsodium work happens here, off the page's main thread, so the
// page stays responsive while files are encrypted or decrypted. On start it loads libsodium,
// checks that the library's constants are the ones format v1 fixes, and reports `ready`
// (or `failed`, with no details: internals never reach the page). Requests from the page are
// handled by `dispatch`, one case per message type.
import { checkLibraryConstants, libraryVersion, ready } from '../../../shared/crypto/index.js';
import { isPageMessage, type PageMessage, type WorkerMessage } from './protocol';

// tsconfig.client.json type-checks with the DOM library, where `self` is a Window; this is
// the part of DedicatedWorkerGlobalScope the worker uses.
interface WorkerScope {
  postMessage(message: WorkerMessage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

/** The libsodium version once the library is loaded and checked; null if that failed. */
const started: Promise<string | null> = ready()
  .then(() => {
    checkLibraryConstants();
    return libraryVersion();
  })
  .catch(() => null);

void started.then((version) => {
  scope.postMessage(version === null ? { type: 'failed' } : { type: 'ready', libsodium: version });
});

scope.addEventListener('message', (event) => {
  if (isPageMessage(event.data)) void dispatch(event.data);
});

async function dispatch(message: PageMessage): Promise<void> {
  // A request that arrives before libsodium is loaded waits for it; after a failed start the
  // page already knows (it got `failed`) and sends nothing more.
  if ((await started) === null) return;
  switch (message.type) {
    case 'ping':
      scope.postMessage({ type: 'pong', id: message.id });
      return;
  }
}
