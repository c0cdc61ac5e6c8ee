// The server program (`npm start`): config → data folder and database → migrations →
// capability key and server secret → first-run setup link → app → listen, and a graceful
// shutdown on SIGTERM and SIGINT. The only module besides cli.ts that reads the environment.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ready } from '../shared/crypto/index.js';
import { createApp } from './app.js';
import { createServices } from './compose.js';
import { createDiskBlobStore } from './kernel/blobs/disk.js';
import { systemClock } from './kernel/clock.js';
import { parseConfigOrExplain, type Config, type Env } from './kernel/config.js';
import type { Db } from './kernel/db/open.js';
import { isEntryModule } from './entry.js';
import { loadOrCreateCapabilityKey, loadOrCreateServerSecret } from './kernel/keys.js';
import { createLogger } from './kernel/log.js';
import { createMailer, type Mailer } from './kernel/mail/mailer.js';
import { createMailQueue } from './kernel/mail/queue.js';
import { dataPaths, projectPaths } from './kernel/paths.js';
import { setupLinkBanner, setupPendingLine } from './setup/messages.js';
import { setupAtStart } from './setup/service.js';
import { openStore } from './store.js';
import { createStorage, MIB } from './kernel/storage/space.js';
import { applyHttpTimeouts } from './uploads/timeouts.js';

const SHUTDOWN_GRACE_MS = 10_000;

export async function main(env: Env): Promise<void> {
  const config = parseConfigOrExplain(env);
  if (config === undefined) process.exit(2);

  try {
    await start(config);
  } catch (error) {
    console.error(`Coffer could not start: ${describeStartError(error)}`);
    process.exit(1);
  }
}

async function start(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  const clock = systemClock;
  const { db } = await openStore(config);
  const capabilityKey = await loadOrCreateCapabilityKey(config.dataDir);
  const { key: serverKey } = await loadOrCreateServerSecret(config.dataDir);
  await ready();

  const mailer = createMailer(config, log, clock);
  // Free space (docs/operations.md, "Free space"): the reserve file is made now if there is room,
  // and the state is read every 30 s, so the admins hear of a filling disk before uploads fail.
  const storage = createStorage({
    dataDir: config.dataDir,
    minFreeBytes: config.minFreeMib * MIB,
    reserveBytes: config.reserveMib * MIB,
    log,
  });
  await storage.ensureReserve();
  const stopStorage = storage.start(30_000);
  // Notification mails: sent in the background; what an earlier run left is sent now.
  const mailQueue = createMailQueue({ db, mailer, log });
  mailQueue.start();
  const deps = {
    mailQueue,
    storage,
    config,
    db,
    mailer,
    clock,
    log,
    serverKey,
    clientDir: projectPaths().client,
    capabilityKey,
    blobs: createDiskBlobStore(config.dataDir),
  };
  // One set of services: the app serves it, and its jobs start here (one sweeper, one deliverer).
  const services = createServices(deps);
  const atStart = await setupAtStart(services.setup);
  if (atStart.action === 'issued') console.log(setupLinkBanner(atStart.link));
  if (atStart.action === 'remind') console.log(setupPendingLine(atStart.expiresAt));

  const app = createApp(deps, services);
  // The expiry sweeper runs here only: never at import time, never in the command line's process.
  const { sweeper, auditHead } = services.jobs;
  const stopSweeper = config.sweepIntervalSeconds > 0 ? sweeper.start(config.sweepIntervalSeconds * 1000) : () => {};
  // The daily audit head mail to the admins, checked on the sweeper's interval (hourly when the
  // sweeper is off: the head mail is a safeguard, not housekeeping).
  const stopAuditHead = auditHead.start(
    config.sweepIntervalSeconds > 0 ? config.sweepIntervalSeconds * 1000 : 3_600_000,
  );

  // Batch reminders, on the same interval (hourly when the sweeper is off: a promise to the sender).
  const stopBatchReminders = services.batchReminders.start(
    config.sweepIntervalSeconds > 0 ? config.sweepIntervalSeconds * 1000 : 3_600_000,
  );

  const server = createServer();
  // Parts over a slow link have an idle limit, not a total one (docs/operations.md).
  applyHttpTimeouts(server);
  const shutdown = gracefulShutdown(server, db, mailer, log, () => {
    stopSweeper();
    stopAuditHead();
    stopBatchReminders();
    stopStorage();
    mailQueue.stop();
  });
  server.on('request', app);
  await listen(server, config.port, config.host);

  const { port } = server.address() as AddressInfo;
  console.log(`Coffer is listening on http://${urlHost(config.host)}:${port} (public address ${config.publicUrl})`);
  if (mailer.transport === 'outbox') {
    console.log(
      `!!! Mail goes to the development outbox (${dataPaths(config.dataDir).outbox}), not to recipients. ` +
        'Set SMTP_URL and MAIL_FROM to send real mail.',
    );
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Stop accepting connections, let requests in flight finish (their connections close after
 * the response), close idle keep-alive connections, then close the database, which
 * checkpoints the WAL. Exit 1 if that takes longer than SHUTDOWN_GRACE_MS.
 */
function gracefulShutdown(
  server: Server,
  db: Db,
  mailer: Mailer,
  log: Logger,
  stopSweeper: () => void,
): (signal: string) => void {
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  // Registered before the app, so it sees every response before a handler can send it. While
  // closing, responses say Connection: close and each finished one lets its connection go, so
  // a keep-alive client cannot hold the shutdown open.
  server.on('request', (_req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return (signal) => {
    if (closing) {
      // A second Ctrl-C: the operator does not want to wait.
      console.error(`${signal} received again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    stopSweeper();
    console.log(`${signal} received: finishing open requests, then stopping`);
    setTimeout(() => {
      console.error(`Coffer did not stop within ${SHUTDOWN_GRACE_MS / 1000} s: exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    server.close((error) => {
      try {
        mailer.close();
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
      } catch (closeError) {
        log.error({ error: { name: (closeError as Error).name } }, 'closing the database failed');
        process.exit(1);
      }
      process.exit(error ? 1 : 0);
    });
    server.closeIdleConnections();
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function describeStartError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

if (isEntryModule(import.meta.url)) await main(process.env);
