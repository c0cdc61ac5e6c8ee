// A complete app for HTTP tests: real config parsing, a real SQLite file with all migrations,
// a server secret made the way the server makes it (DATA_DIR/keys/server-secret), a client
// folder with an index.html and one hashed asset, an outbox mailer (or SMTP, given SMTP_URL in
// `env`), a test clock and a logger that writes to memory. The mailer is watched, so a test
// can wait until every mail the app handed over has been accepted (or refused).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { parseConfig, type Config, type Env } from '../../server/kernel/config.js';
import type { Db } from '../../server/kernel/db/open.js';
import { loadOrCreateServerSecret } from '../../server/kernel/keys.js';
import { createMailer, type Mailer } from '../../server/kernel/mail/mailer.js';
import { createMailQueue, type MailQueue } from '../../server/kernel/mail/queue.js';
import { createStorage, MIB, type FreeSpace, type Storage } from '../../server/kernel/storage/space.js';
import { openStore } from '../../server/store.js';
import { testClock, type TestClock } from './clock.js';
import { memoryLog, type MemoryLog } from './log.js';
import { tempDir } from './tmp.js';

export const TEST_ORIGIN = 'http://localhost:8080';
export const INDEX_HTML = '<!doctype html><title>Coffer test page</title>';
export const ASSET_NAME = 'app-abc123.js';
export const ASSET_BODY = 'console.log("coffer test asset");\n';
export const SERVICE_WORKER_BODY = 'self.addEventListener("fetch", () => {});\n';

export interface TestApp {
  readonly app: Express;
  readonly config: Config;
  readonly db: Db;
  readonly mailer: Mailer;
  readonly clock: TestClock;
  readonly logs: MemoryLog;
  readonly serverKey: Uint8Array;
  /**
   * Resolves once every mail handed to the mailer so far has been accepted or refused. Mail the
   * app sends without waiting for it (a download receipt) is handed over before the request that
   * causes it answers, so after that answer this says when the mailbox is complete.
   */
  mailSettled(): Promise<void>;
  readonly dir: string;
  readonly clientDir: string;
  /** Free space under DATA_DIR as the app sees it (a fake disk when `freeSpace` was given). */
  readonly storage: Storage;
  /** Notification mails in the background: `await t.mailQueue.idle()` before reading them. */
  readonly mailQueue: MailQueue;
  close(): void;
}

export async function createTestApp(
  options: {
    env?: Env;
    config?: (config: Config) => Config;
    /** Bytes free under DATA_DIR, instead of statfs: tests fake a full disk with it. */
    freeSpace?: FreeSpace;
    /** Waits between delivery attempts of queued mail (the server's are minutes). */
    mailRetryDelaysMs?: readonly number[];
  } = {},
): Promise<TestApp> {
  const dir = await tempDir();
  const clientDir = join(dir, 'client');
  await mkdir(join(clientDir, 'assets'), { recursive: true });
  await writeFile(join(clientDir, 'index.html'), INDEX_HTML);
  await writeFile(join(clientDir, 'assets', ASSET_NAME), ASSET_BODY);
  await writeFile(join(clientDir, 'sw.js'), SERVICE_WORKER_BODY);

  const parsed = parseConfig({
    DATA_DIR: join(dir, 'data'),
    PUBLIC_URL: TEST_ORIGIN,
    MAIL_OUTBOX: '1',
    ...options.env,
  });
  const { db } = await openStore(parsed);
  const config = options.config ? options.config(parsed) : parsed;
  const clock = testClock();
  const logs = memoryLog();
  const watched = watchMailer(createMailer(config, logs.log, clock, { print: () => {} }));
  const mailer = watched.mailer;
  const { key: serverKey } = await loadOrCreateServerSecret(parsed.dataDir);
  const storage = createStorage({
    dataDir: config.dataDir,
    minFreeBytes: config.minFreeMib * MIB,
    reserveBytes: config.reserveMib * MIB,
    log: logs.log,
    ...(options.freeSpace !== undefined ? { freeSpace: options.freeSpace, readingMaxAgeMs: 0 } : {}),
  });
  const mailQueue = createMailQueue({
    db,
    mailer,
    log: logs.log,
    ...(options.mailRetryDelaysMs !== undefined ? { retryDelaysMs: options.mailRetryDelaysMs } : {}),
  });
  const app = createApp({ config, db, mailer, clock, log: logs.log, serverKey, clientDir, storage, mailQueue });
  return {
    app,
    config,
    db,
    mailer,
    clock,
    logs,
    serverKey,
    mailSettled: () => watched.settled(),
    dir,
    clientDir,
    storage,
    mailQueue,
    close: () => {
      mailQueue.stop();
      mailer.close();
      if (db.open) db.close();
    },
  };
}

/** The app's mailer, counting the sends under way so a test can wait for them (a refusal counts as done). */
function watchMailer(inner: Mailer): { mailer: Mailer; settled(): Promise<void> } {
  const sending = new Set<Promise<void>>();
  return {
    mailer: {
      transport: inner.transport,
      send(message) {
        const sent = inner.send(message);
        const done: Promise<void> = sent.catch(() => {}).finally(() => sending.delete(done));
        sending.add(done);
        return sent;
      },
      close: () => inner.close(),
    },
    async settled() {
      while (sending.size > 0) await Promise.all(sending);
    },
  };
}
