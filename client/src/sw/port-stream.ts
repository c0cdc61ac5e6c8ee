// The body of a streamed download: a ReadableStream the service worker fills from the crypto
// worker's port (the messages are in ./messages.ts). Pieces are asked for with a credit window:
// one `pull` per piece, and as many asked for as fit in the window, counting the pieces queued
// here and those asked for but not yet arrived. So the crypto worker always has a piece or
// more it may send and keeps decrypting while the browser writes to disk (with one piece per
// round trip, it waited on every message), and yet no more than the window ever waits in
// memory, however slow the disk.
//
// Imported by download-sw.ts only, so it is bundled into /sw.js (which must not import at run
// time); the tests drive it against the crypto worker's side over a real MessageChannel.
import type { PortToServiceWorker, ServiceWorkerToPort } from './messages';

/**
 * Pieces (1 MiB each, client/src/crypto/download.ts) queued or asked for at most. With four,
 * the crypto worker waited 0.05–0.15 s per 256 MiB for the next `pull` (the browser takes
 * the stream in bursts); with sixteen, about 4 ms (docs/architecture.md, "Performance of
 * downloads").
 */
export const PIECES_IN_WINDOW = 16;

export function portStream(port: MessagePort, window = PIECES_IN_WINDOW): ReadableStream<Uint8Array> {
  let finished = false;
  /** Pieces asked for that have not arrived yet. */
  let asked = 0;
  const post = (message: ServiceWorkerToPort): void => port.postMessage(message);
  const stop = (): void => {
    finished = true;
    port.onmessage = null;
    port.close();
  };

  let askForMore = (): void => undefined;

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // desiredSize: the window less the pieces queued (it is null only once errored).
        askForMore = () => {
          while (!finished && (controller.desiredSize ?? 0) - asked > 0) {
            asked++;
            post({ type: 'pull' });
          }
        };
        port.onmessage = (event: MessageEvent<PortToServiceWorker>) => {
          if (finished) return;
          const message = event.data;
          if (message.type === 'chunk' && message.bytes instanceof Uint8Array && asked > 0) {
            asked--;
            controller.enqueue(message.bytes);
          } else if (message.type === 'end') {
            stop();
            controller.close();
          } else {
            // `error`, a piece nobody asked for, or anything unexpected: the download must
            // fail, never end looking complete.
            stop();
            controller.error(new Error('download failed'));
          }
        };
        post({ type: 'started' });
        askForMore();
      },
      // Called whenever the browser took a piece (and after each arrives): ask for what fits.
      pull() {
        askForMore();
      },
      cancel() {
        // The user cancelled the download in the browser.
        if (finished) return;
        post({ type: 'cancel' });
        stop();
      },
    },
    new CountQueuingStrategy({ highWaterMark: window }),
  );
}
