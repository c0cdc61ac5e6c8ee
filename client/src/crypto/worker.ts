// The crypto worker: all libsodium work happens here, off the page's main thread, so the
// page stays responsive while Argon2id runs or files are encrypted. On start it loads
// libsodium, checks that the library's constants are the ones format v1 fixes, and reports
// `ready` (or `failed`, with no details: internals never reach the page). Then it hands each
// message to the dispatcher (operations/dispatcher.ts), which runs the operations of
// operations/ over this worker's state: a signed-in user's secrets live in this worker's
// memory only, never sent to the page.
import '../security/zod';
import { checkLibraryConstants, libraryVersion, ready } from '../../../shared/crypto/index.js';
import { browserTransport, browserTransportTo } from './browser-transport';
import { browserHashThread } from './hash-thread';
import { indexedDbKeepStore } from './keep-store';
import { createOperations } from './operations';
import { createDispatcher } from './operations/dispatcher';
import { isPageMessage, type WorkerMessage } from './protocol';
import { systemClock } from './transport';

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

const dispatcher = createDispatcher(
  createOperations({
    transport: browserTransport,
    transportFor: browserTransportTo,
    clock: systemClock,
    keep: indexedDbKeepStore,
    hashThread: browserHashThread,
  }),
  (message) => scope.postMessage(message),
);

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (!isPageMessage(message)) return;
  if (message.type === 'cancel') {
    dispatcher.cancel(message.id);
    return;
  }
  void (async () => {
    // A request that arrives before libsodium is loaded waits for it; after a failed start the
    // page already knows (it got `failed`) and sends nothing more.
    if ((await started) === null) return;
    if (message.type === 'ping') scope.postMessage({ type: 'pong', id: message.id });
    else await dispatcher.call(message);
  })();
});
