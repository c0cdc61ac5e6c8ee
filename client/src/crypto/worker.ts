// The crypto worker: all libsodium work happens here, off the page's main thread, so the
// page stays responsive while Argon2id runs or files are encrypted. On start it loads
// libsodium, checks that the library's constants are the ones format v1 fixes, and reports
// `ready` (or `failed`, with no details: internals never reach the page). Each request is
// checked against its schema and handed to its operation (operations.ts, sharing.ts, drops.ts), which
// is also where a signed-in user's secrets live: in this worker's memory only, never sent to
// the page. Transfers (uploads, downloads) run concurrently with other calls; each can be
// cancelled by its id, and `lock` stops them all.
import '../security/zod';
import { checkLibraryConstants, libraryVersion, ready } from '../../../shared/crypto/index.js';
import { browserTransport, browserTransportTo } from './browser-transport';
import { createOperations, errorCode, type CallContext, type Report } from './operations';
import { isPageMessage, REQUESTS, type PageMessage, type WorkerMessage } from './protocol';
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

/** Calls still running, by id, so `cancel` and `lock` can stop them. */
const running = new Map<number, AbortController>();

scope.addEventListener('message', (event) => {
  if (!isPageMessage(event.data)) return;
  if (event.data.type === 'cancel') {
    running.get(event.data.id)?.abort();
    return;
  }
  void dispatch(event.data);
});

const operations = createOperations({
  transport: browserTransport,
  transportFor: browserTransportTo,
  clock: systemClock,
});

async function dispatch(message: Exclude<PageMessage, { type: 'cancel' }>): Promise<void> {
  // A request that arrives before libsodium is loaded waits for it; after a failed start the
  // page already knows (it got `failed`) and sends nothing more.
  if ((await started) === null) return;
  if (message.type === 'ping') {
    scope.postMessage({ type: 'pong', id: message.id });
    return;
  }
  const { id, op } = message;
  const parsed = REQUESTS[op].safeParse(message.request);
  if (!parsed.success) {
    scope.postMessage({ type: 'error', id, code: 'bad_request' });
    return;
  }
  if (op === 'lock') for (const controller of running.values()) controller.abort();
  const controller = new AbortController();
  running.set(id, controller);
  const report: Report = (stage) => scope.postMessage({ type: 'progress', id, stage });
  const context: CallContext = {
    signal: controller.signal,
    transfer: (progress) => scope.postMessage({ type: 'transfer', id, progress }),
  };
  try {
    const handler = operations[op] as (request: unknown, report: Report, context: CallContext) => unknown;
    const answer = await handler(parsed.data, report, context);
    scope.postMessage({ type: 'done', id, answer });
  } catch (error) {
    scope.postMessage({ type: 'error', id, code: errorCode(error) });
  } finally {
    running.delete(id);
  }
}
