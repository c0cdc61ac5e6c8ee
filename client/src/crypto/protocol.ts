// The messages between the page and the crypto worker (client/src/crypto/worker.ts).
// Both sides use these types; the worker checks what it receives with `isPageMessage`,
// since a structured clone carries no types. Encrypt and decrypt jobs join these unions.

/** Page → worker. Every request carries an id that its answer repeats. */
export type PageMessage = { readonly type: 'ping'; readonly id: number };

/** Worker → page. */
export type WorkerMessage =
  /** libsodium loaded and its constants match format v1. Sent once, unprompted. */
  | { readonly type: 'ready'; readonly libsodium: string }
  /** The engine cannot work in this browser. Deliberately carries no error details. */
  | { readonly type: 'failed' }
  /** Answer to `ping`: the worker is alive and its library loaded. */
  | { readonly type: 'pong'; readonly id: number };

export function isPageMessage(data: unknown): data is PageMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return message['type'] === 'ping' && Number.isSafeInteger(message['id']);
}

export function isWorkerMessage(data: unknown): data is WorkerMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  switch (message['type']) {
    case 'ready':
      return typeof message['libsodium'] === 'string';
    case 'failed':
      return true;
    case 'pong':
      return Number.isSafeInteger(message['id']);
    default:
      return false;
  }
}
