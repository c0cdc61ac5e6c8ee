// The page's handle on the crypto worker: starts it under the Trusted Types policy, tracks
// whether it is loading, ready or failed, and matches answers (and progress reports) to
// requests by their id. The worker (libsodium, most of what a phone downloads) is started
// only when a page asks for it (`start()`) or first uses it, so a page that does not need
// it yet is usable without it.
import { trustedScriptURL } from '../security/trusted-types';
import {
  isWorkerMessage,
  type AnswerOf,
  type Operation,
  type PageMessage,
  type ProgressStage,
  type RequestOf,
  type TransferProgress,
  type WorkerErrorCode,
  type WorkerMessage,
} from './protocol';
// `?worker&url` makes Vite bundle worker.ts as its own hashed file under assets/ and hand
// back only its URL, so the Worker can be constructed here, through the policy.
import workerUrl from './worker.ts?worker&url';

export type EngineState =
  { readonly kind: 'loading' } | { readonly kind: 'ready'; readonly libsodium: string } | { readonly kind: 'failed' };

/** A worker operation failed; `code` says why (see WORKER_ERRORS), or `engine_failed` when the worker cannot run. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(readonly code: WorkerErrorCode | 'engine_failed') {
    super(`crypto engine: ${code}`);
  }
}

export interface CallOptions {
  /** Called when a long operation (Argon2id, key generation) reaches a new stage. */
  readonly onProgress?: (stage: ProgressStage) => void;
  /** Called as a transfer moves on (bytes, percent, speed, time left). */
  readonly onTransfer?: (progress: TransferProgress) => void;
  /** Aborting it cancels the call in the worker, which then fails with `cancelled`. */
  readonly signal?: AbortSignal;
  /** Objects to move into the worker rather than copy (a MessagePort). */
  readonly transfer?: readonly Transferable[];
}

export interface CryptoEngine {
  /** `loading` until the worker has started and answered `ready`, including before `start()`. */
  readonly state: EngineState;
  /** Starts the worker if it has not been started yet (ping and call start it too). */
  start(): void;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: (state: EngineState) => void): () => void;
  /** Resolves true once the worker answers, false if the engine failed. */
  ping(): Promise<boolean>;
  /** Runs one operation in the worker. Rejects with EngineError. */
  call<K extends Operation>(op: K, request: RequestOf<K>, options?: CallOptions): Promise<AnswerOf<K>>;
  /** Forgets every key in the worker (sign-out, session ended). Never rejects. */
  lock(): Promise<void>;
}

interface Pending {
  readonly settle: (message: WorkerMessage | null) => void;
  readonly onProgress?: ((stage: ProgressStage) => void) | undefined;
  readonly onTransfer?: ((progress: TransferProgress) => void) | undefined;
}

export function createCryptoEngine(): CryptoEngine {
  let state: EngineState = { kind: 'loading' };
  const listeners = new Set<(state: EngineState) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: Worker | undefined;
  let started = false;

  const setState = (next: EngineState): void => {
    if (state.kind === 'failed') return;
    state = next;
    for (const listener of listeners) listener(state);
  };

  const fail = (): void => {
    setState({ kind: 'failed' });
    worker?.terminate();
    for (const { settle } of pending.values()) settle(null);
    pending.clear();
  };

  const receive = (message: WorkerMessage): void => {
    switch (message.type) {
      case 'ready':
        setState({ kind: 'ready', libsodium: message.libsodium });
        return;
      case 'failed':
        fail();
        return;
      case 'progress':
        pending.get(message.id)?.onProgress?.(message.stage);
        return;
      case 'transfer':
        pending.get(message.id)?.onTransfer?.(message.progress);
        return;
      case 'pong':
      case 'done':
      case 'error':
        pending.get(message.id)?.settle(message);
        pending.delete(message.id);
        return;
    }
  };

  const start = (): void => {
    if (started) return;
    started = true;
    try {
      // lib.dom's Worker constructor does not know TrustedScriptURL; the browser accepts it.
      worker = new Worker(trustedScriptURL(workerUrl) as string, { type: 'module', name: 'coffer-crypto' });
      worker.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isWorkerMessage(event.data)) receive(event.data);
      });
      // The script failed to load or threw while starting (for example: no module workers,
      // or no WebAssembly). Either way this browser cannot encrypt.
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        fail();
      });
      worker.addEventListener('messageerror', fail);
    } catch {
      fail();
    }
  };

  const send = (message: PageMessage, entry: Pending, transfer: readonly Transferable[] = []): void => {
    start();
    if (state.kind === 'failed' || !worker) {
      entry.settle(null);
      return;
    }
    pending.set(message.id, entry);
    worker.postMessage(message, [...transfer]);
  };

  const engine: CryptoEngine = {
    get state() {
      return state;
    },
    start,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ping() {
      return new Promise<boolean>((resolve) => {
        send({ type: 'ping', id: nextId++ }, { settle: (message) => resolve(message?.type === 'pong') });
      });
    },
    call(op, request, options = {}) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        const { signal } = options;
        if (signal?.aborted) {
          reject(new EngineError('cancelled'));
          return;
        }
        const onAbort = (): void => worker?.postMessage({ type: 'cancel', id } satisfies PageMessage);
        signal?.addEventListener('abort', onAbort, { once: true });
        send(
          { type: 'call', id, op, request },
          {
            onProgress: options.onProgress,
            onTransfer: options.onTransfer,
            settle: (message) => {
              signal?.removeEventListener('abort', onAbort);
              if (message?.type === 'done') resolve(message.answer as AnswerOf<typeof op>);
              else reject(new EngineError(message?.type === 'error' ? message.code : 'engine_failed'));
            },
          },
          options.transfer,
        );
      });
    },
    async lock() {
      // A worker never started holds nothing (and need not be started to be told so).
      if (!started) return;
      try {
        await engine.call('lock', {});
      } catch {
        // A failed engine holds nothing.
      }
    },
  };
  return engine;
}
