// Messages of a streamed download (docs/threat-model.md, promise 6). Three parties:
//
//   page ──open(id, name, size, port)──▶ service worker          (ServiceWorker.postMessage)
//   crypto worker ◀──────── port ────────▶ service worker          (a MessageChannel)
//
// The page makes the channel, gives one end to the service worker with `open`, waits for
// `ready`, hands the other end to the crypto worker's download, and then starts the browser's
// download of /download/<id>. The service worker answers that request with a stream it fills
// from the port: it asks for data with `pull`, one chunk per pull, keeping a window of chunks
// asked for or queued (./port-stream.ts: the crypto worker need not wait a round trip per
// chunk, and at most the window waits in memory), and the crypto worker sends decrypted
// chunks, only as many as it was asked for, then `end` once the whole
// file verified, or `error` when it did not, which errors the stream so the browser marks
// the download failed. `cancel` tells the crypto worker the user stopped the download.
//
// Types only: a value imported from here by both the page and the service worker would be
// split into a shared chunk, and /sw.js must stand alone (vite.config.ts checks). The paths
// and the id pattern are in ./constants.ts for the service worker and in
// features/transfer/stream.ts for the page; a test checks that they agree.

/** Page → service worker. */
export type PageToServiceWorker =
  | { readonly type: 'coffer-download-open'; readonly id: string; readonly name: string; readonly size: number }
  /** Sent every few seconds while a download runs, so the browser keeps the service worker alive. */
  | { readonly type: 'coffer-download-keepalive' };

/** Service worker → the channel (first the page, then the crypto worker). */
export type ServiceWorkerToPort =
  { readonly type: 'ready' } | { readonly type: 'started' } | { readonly type: 'pull' } | { readonly type: 'cancel' };

/** Crypto worker → service worker. */
export type PortToServiceWorker =
  { readonly type: 'chunk'; readonly bytes: Uint8Array } | { readonly type: 'end' } | { readonly type: 'error' };
