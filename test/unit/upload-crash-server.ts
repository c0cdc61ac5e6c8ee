// A test program: the real server, built as server/main.ts builds it, over a blob store that
// kills its own process (SIGKILL, nothing flushed, nothing run on exit) at one step of an
// upload's completion, named by CRASH_AT:
// - hashing:   the container is about to be read for its hash (nothing recorded yet);
// - moving:    the row names the blob, the file is still under uploads/;
// - moved:     the file is the blob under blobs/, the row not yet marked complete;
// - answering: the row is marked complete, the answer not yet sent.
// Spawned by test/unit/upload-completion-crash.test.ts (`node --import tsx <this file>`); it
// prints the line main.ts prints once listening. Imported, it only names its crash points.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ready } from '../../shared/crypto/index.js';
import { createApp } from '../../server/app.js';
import { createDiskBlobStore } from '../../server/kernel/blobs/disk.js';
import type { BlobStore } from '../../server/kernel/blobs/store.js';
import { systemClock } from '../../server/kernel/clock.js';
import { parseConfigOrExplain } from '../../server/kernel/config.js';
import { loadOrCreateCapabilityKey, loadOrCreateServerSecret } from '../../server/kernel/keys.js';
import { createLogger } from '../../server/kernel/log.js';
import { createMailer } from '../../server/kernel/mail/mailer.js';
import { isEntryModule } from '../../server/entry.js';
import { projectPaths } from '../../server/kernel/paths.js';
import { openStore } from '../../server/store.js';

export const CRASH_POINTS = ['hashing', 'moving', 'moved', 'answering'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

function crash(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not delivered synchronously everywhere: stop here until it lands.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
}

function crashingStore(inner: BlobStore, at: CrashPoint | undefined): BlobStore {
  return {
    ...inner,
    async readUpload(...args) {
      if (at === 'hashing') crash();
      return inner.readUpload(...args);
    },
    async commitUpload(uploadId, blobId) {
      if (at === 'moving') crash();
      await inner.commitUpload(uploadId, blobId);
      if (at === 'moved') crash();
    },
  };
}

async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  const at = CRASH_POINTS.find((point) => point === env.CRASH_AT);
  const config = parseConfigOrExplain(env);
  if (config === undefined) process.exit(2);
  const log = createLogger(config.logLevel);
  const { db } = await openStore(config);
  const capabilityKey = await loadOrCreateCapabilityKey(config.dataDir);
  const { key: serverKey } = await loadOrCreateServerSecret(config.dataDir);
  await ready();
  const app = createApp({
    config,
    db,
    mailer: createMailer(config, log, systemClock),
    clock: systemClock,
    log,
    serverKey,
    clientDir: projectPaths().client,
    capabilityKey,
    blobs: crashingStore(createDiskBlobStore(config.dataDir), at),
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (at === 'answering' && req.method === 'POST' && /\/complete$/.test(req.url ?? '')) {
      res.writeHead = () => crash();
    }
    app(req, res);
  });
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Coffer is listening on http://${config.host}:${port} (public address ${config.publicUrl})`);
  });
}

if (isEntryModule(import.meta.url)) await serve(process.env);
