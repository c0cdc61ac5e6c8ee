// Saving a decrypted file (docs/threat-model.md, promise 6): it leaves Coffer only as a download, never rendered
// in Coffer's origin. Up to 100 MiB the crypto worker decrypts into an application/octet-stream
// Blob, which a temporary <a download> saves (its blob: URL is revoked soon after). Larger
// files stream to disk: into a file the user chose (File System Access API), or through the
// download service worker; where neither is possible the call fails with
// `stream_unavailable`, and the page says why instead of failing silently.
import { diskName } from '../../../../shared/files/disk-name.js';
import type { CryptoEngine } from '../../crypto/engine';
import { EngineError } from '../../crypto/engine';
import { BLOB_LIMIT_BYTES, type TransferProgress } from '../../crypto/protocol';
import { canStreamToDisk, openStream } from './stream';

export interface SaveRequest {
  readonly shareId: string;
  readonly fileId: string;
  readonly name: string;
  /** Plaintext bytes (signed metadata). */
  readonly size: number;
  readonly containerSize: number;
  /** Where the container is fetched (a path under /api/v1/). */
  readonly url: string;
  readonly grant?: string;
}

export interface SaveOptions {
  readonly signal: AbortSignal;
  readonly onTransfer: (progress: TransferProgress) => void;
  /** A file the user chose with showSaveFilePicker (for a large file). */
  readonly fileHandle?: unknown;
}

/** Whether this browser can save a file of `size` bytes at all (in memory, or streamed). */
export function canSave(size: number): boolean {
  return size <= BLOB_LIMIT_BYTES || canStreamToDisk();
}

/** Saves a Blob the worker made, under `name`, through a temporary link. */
export function saveBlob(blob: Blob, name: string): void {
  // Never a blob: URL with the file's own type (a text/html one would render in this origin).
  const download =
    blob.type === 'application/octet-stream' ? blob : new Blob([blob], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(download);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = diskName(name);
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser has taken the data once the download started; give it a minute.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function saveFile(engine: CryptoEngine, request: SaveRequest, options: SaveOptions): Promise<void> {
  const common = {
    shareId: request.shareId,
    fileId: request.fileId,
    url: request.url,
    containerSize: request.containerSize,
    ...(request.grant !== undefined ? { grant: request.grant } : {}),
  };
  const callOptions = { signal: options.signal, onTransfer: options.onTransfer };

  if (options.fileHandle !== undefined) {
    await engine.call(
      'downloadFile',
      { ...common, sink: { kind: 'file', handle: options.fileHandle as never } },
      callOptions,
    );
    return;
  }
  if (request.size <= BLOB_LIMIT_BYTES) {
    const { blob } = await engine.call('downloadFile', { ...common, sink: { kind: 'blob' } }, callOptions);
    if (!blob) throw new EngineError('internal');
    saveBlob(blob, request.name);
    return;
  }
  if (!canStreamToDisk()) throw new EngineError('stream_unavailable');
  let stream;
  try {
    stream = await openStream(diskName(request.name), request.size);
  } catch {
    throw new EngineError('stream_unavailable');
  }
  const stop = stream.keepAlive();
  try {
    const running = engine.call(
      'downloadFile',
      { ...common, sink: { kind: 'port', port: stream.port } },
      { ...callOptions, transfer: [stream.port] },
    );
    stream.start();
    await running;
  } finally {
    stop();
  }
}
