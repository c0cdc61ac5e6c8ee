// An in-memory stand-in for the server's upload and download endpoints (shared/wire/uploads.ts,
// shares.ts), for testing the crypto worker's transfer engine in Node: it stores parts,
// answers status and completion with the container hash, serves containers with Range, and
// fails on purpose (no answer, 503, a lost answer, a connection cut halfway).
import { createContainerHasher, toBase64Url } from '../../../shared/crypto/index.js';
import {
  Cancelled,
  HttpFailure,
  MEMBER_UPLOADS,
  NetworkFailure,
  type Clock,
  type ContainerResponse,
  type Transport,
  type UploadTarget,
} from '../../../client/src/crypto/transport';

type PartFault = 'network' | 'server-error' | 'lost-answer';

interface StoredUpload {
  /** Where it was created: a member's uploads, or a drop's session (with its grant). */
  readonly target: UploadTarget;
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
  readonly parts: Map<number, Uint8Array>;
  completed: boolean;
  deleted: boolean;
}

export interface FakeServer {
  /** A member's uploads (and every download). */
  readonly transport: Transport;
  /** Uploads to another target (a drop's session), as the worker's `transportFor`. */
  readonly transportFor: (target: UploadTarget) => Transport;
  readonly clock: Clock;
  readonly uploads: Map<string, StoredUpload>;
  /** Faults to inject, in order, for PUTs of the given part index. */
  readonly partFaults: Map<number, PartFault[]>;
  /** Cut the next container download after this many bytes (a dropped connection). */
  cutDownloadAfter: number | null;
  /** Container bodies as byte streams, which a reader may read into its own buffers (as a browser's fetch). */
  byteBodies: boolean;
  /** The most a container body hands out at once (a read may get less). */
  bodyChunkBytes: number;
  /** Answer container requests with this status and code instead. */
  downloadError: { status: number; code: string } | null;
  /** Ignore Range headers (answer 200 with everything), like some proxies. */
  ignoreRange: boolean;
  /** The container of a completed upload, as a download URL serves it. */
  container(uploadId: string): Uint8Array;
  /** Serves `bytes` at `url`. */
  serve(url: string, bytes: Uint8Array): void;
  /** The most parts ever held in flight at once. */
  readonly stats: {
    maxConcurrentPuts: number;
    puts: number;
    statusChecks: number;
    rangeRequests: number;
    headers: Record<string, string>[];
  };
}

export function fakeServer(partSize = 64 * 1024): FakeServer {
  let time = 1_000_000;
  const clock: Clock = {
    now: () => time,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw new Cancelled();
      time += ms;
      await Promise.resolve();
    },
  };
  const uploads = new Map<string, StoredUpload>();
  const served = new Map<string, Uint8Array>();
  let nextId = 0;
  let concurrent = 0;

  const server: FakeServer = {
    clock,
    uploads,
    partFaults: new Map(),
    cutDownloadAfter: null,
    byteBodies: false,
    bodyChunkBytes: 50_000,
    downloadError: null,
    ignoreRange: false,
    stats: { maxConcurrentPuts: 0, puts: 0, statusChecks: 0, rangeRequests: 0, headers: [] },
    container(uploadId) {
      const upload = uploads.get(uploadId);
      if (!upload) throw new Error('no such upload');
      const out = new Uint8Array(upload.size);
      for (const [index, bytes] of upload.parts) out.set(bytes, index * upload.partSize);
      return out;
    },
    serve(url, bytes) {
      served.set(url, bytes);
    },
    transport: transportTo(MEMBER_UPLOADS),
    transportFor: (target) => transportTo(target),
  };

  /** An answer never arrives in the same turn as its request, as over a real network. */
  const network = (): Promise<void> => Promise.resolve();

  function transportTo(target: UploadTarget): Transport {
    return {
      async createUpload(size) {
        await network();
        const uploadId = `upload${String(nextId++).padStart(16, '0')}`;
        const partCount = Math.ceil(size / partSize);
        uploads.set(uploadId, {
          target,
          size,
          partSize,
          partCount,
          parts: new Map(),
          completed: false,
          deleted: false,
        });
        return { uploadId, partSize, partCount, expiresAt: new Date(time + 86_400_000).toISOString() };
      },
      async putPart(uploadId, index, bytes, onSent, signal) {
        concurrent++;
        server.stats.maxConcurrentPuts = Math.max(server.stats.maxConcurrentPuts, concurrent);
        server.stats.puts++;
        try {
          // Let other parts start, as a real network would.
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (signal.aborted) throw new Cancelled();
          const upload = uploads.get(uploadId);
          if (!upload || upload.deleted) throw new HttpFailure(404, 'not_found');
          const expected = Math.min(upload.partSize, upload.size - index * upload.partSize);
          if (index >= upload.partCount || bytes.length !== expected) throw new HttpFailure(400, 'bad_request');
          const fault = server.partFaults.get(index)?.shift();
          if (fault === 'network') throw new NetworkFailure('injected');
          if (fault === 'server-error') throw new HttpFailure(503, null);
          onSent(bytes.length);
          upload.parts.set(index, bytes.slice());
          if (fault === 'lost-answer') throw new NetworkFailure('answer lost');
        } finally {
          concurrent--;
        }
      },
      async uploadStatus(uploadId) {
        await network();
        server.stats.statusChecks++;
        const upload = uploads.get(uploadId);
        if (!upload || upload.deleted) throw new HttpFailure(404, 'not_found');
        return {
          uploadId,
          size: upload.size,
          partSize: upload.partSize,
          partCount: upload.partCount,
          received: [...upload.parts.keys()].sort((a, b) => a - b),
          completed: upload.completed,
          expiresAt: new Date(time + 86_400_000).toISOString(),
        };
      },
      async completeUpload(uploadId) {
        await network();
        const upload = uploads.get(uploadId);
        if (!upload || upload.deleted) throw new HttpFailure(404, 'not_found');
        if (upload.parts.size !== upload.partCount) throw new HttpFailure(409, 'upload_incomplete');
        const hasher = createContainerHasher();
        hasher.update(server.container(uploadId));
        upload.completed = true;
        return { uploadId, ciphertextHash: toBase64Url(hasher.digest()) };
      },
      async deleteUpload(uploadId) {
        await network();
        const upload = uploads.get(uploadId);
        if (upload) upload.deleted = true;
      },
      async fetchContainer(url, headers, from): Promise<ContainerResponse> {
        await network();
        server.stats.headers.push({ ...headers });
        if (from > 0) server.stats.rangeRequests++;
        const error = server.downloadError;
        if (error) {
          return {
            status: error.status,
            errorCode: () => Promise.resolve(error.code),
            rangeStart: 0,
            retryAfter: null,
            body: null,
          };
        }
        const bytes = served.get(url);
        if (!bytes)
          return {
            status: 404,
            errorCode: () => Promise.resolve('not_found'),
            rangeStart: 0,
            retryAfter: null,
            body: null,
          };
        const partial = from > 0 && !server.ignoreRange;
        const start = partial ? from : 0;
        const cut = server.cutDownloadAfter;
        server.cutDownloadAfter = null;
        let offset = start;
        const pull = (controller: ReadableStreamDefaultController<Uint8Array> | ReadableByteStreamController): void => {
          if (offset >= bytes.length) {
            controller.close();
            // A byte stream answers a reader waiting with its own buffer only once told so.
            if ('byobRequest' in controller) controller.byobRequest?.respond(0);
            return;
          }
          if (cut !== null && offset - start >= cut) {
            controller.error(new TypeError('network error'));
            return;
          }
          const end = Math.min(bytes.length, offset + server.bodyChunkBytes, cut !== null ? start + cut : Infinity);
          // A copy of its own: a byte stream takes the chunk's buffer away.
          controller.enqueue(new Uint8Array(bytes.subarray(offset, end)));
          offset = end;
        };
        const body = server.byteBodies
          ? (new ReadableStream({ type: 'bytes', pull }) as ReadableStream<Uint8Array>)
          : new ReadableStream<Uint8Array>({ pull });
        return {
          status: partial ? 206 : 200,
          errorCode: () => Promise.resolve(null),
          rangeStart: start,
          retryAfter: null,
          body,
        };
      },
    };
  }
  return server;
}
