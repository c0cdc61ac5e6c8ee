// The page's handle on the crypto worker: starts it under the Trusted Types policy, tracks
// whether it is loading, ready or failed, and matches answers to requests.
import { trustedScriptURL } from '../security/trusted-types';
import { isWorkerMessage, type PageMessage, type WorkerMessage } from './protocol';
// `?worker&url` makes Vite bundle worker.ts as its own hashed file under assets/ and hand
// back only its URL, so the Worker can be constructed here, through the policy.
import workerUrl from './worker.ts?worker&url';

export type EngineState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly libsodium: string }
  | { readonly kind: 'failed' };

export interface CryptoEngine {
  readonly state: EngineState;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: (state: EngineState) => void): () => void;
  /** Resolves true once the worker answers, false if the engine failed. */
  ping(): Promise<boolean>;
}

export function startCryptoEngine(): CryptoEngine {
  let state: EngineState = { kind: 'loading' };
  const listeners = new Set<(state: EngineState) => void>();
  const pending = new Map<number, (answered: boolean) => void>();
  let nextId = 1;
  let worker: Worker | undefined;

  const setState = (next: EngineState): void => {
    if (state.kind === 'failed') return;
    state = next;
    for (const listener of listeners) listener(state);
  };

  const fail = (): void => {
    setState({ kind: 'failed' });
    worker?.terminate();
    for (const settle of pending.values()) settle(false);
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
      case 'pong':
        pending.get(message.id)?.(true);
        pending.delete(message.id);
        return;
    }
  };

  const send = (message: PageMessage): void => {
    worker?.postMessage(message);
  };

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

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ping() {
      if (state.kind === 'failed') return Promise.resolve(false);
      const id = nextId++;
      return new Promise<boolean>((resolve) => {
        pending.set(id, resolve);
        send({ type: 'ping', id });
      });
    },
  };
}
