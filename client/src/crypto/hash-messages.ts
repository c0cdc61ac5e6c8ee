// The messages between the crypto worker (hash-thread.ts) and its hash worker (hash-worker.ts).
// A job is one container's hash; its bytes arrive in order, each answered with `hashed` so the
// crypto worker knows how far behind the hash is. `hashed` carries the bytes' buffer back
// (transferred), for the crypto worker to read the next bytes into.

export type ToHashWorker =
  | { readonly type: 'start'; readonly job: number }
  | { readonly type: 'bytes'; readonly job: number; readonly bytes: Uint8Array }
  | { readonly type: 'end'; readonly job: number }
  | { readonly type: 'drop'; readonly job: number };

export type FromHashWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'failed' }
  | { readonly type: 'hashed'; readonly job: number; readonly length: number; readonly spent: ArrayBuffer }
  | { readonly type: 'digest'; readonly job: number; readonly hash: Uint8Array };
