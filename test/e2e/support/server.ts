// A real Coffer app (createApp with a real SQLite file, production headers) listening on
// 127.0.0.1 for browser tests, serving a chosen client folder: the built client
// (dist/client) or a test page built the same way.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../../../server/app.js';
import { systemClock } from '../../../server/kernel/clock.js';
import { parseConfig, type Config } from '../../../server/kernel/config.js';
import type { Db } from '../../../server/kernel/db/open.js';
import { loadOrCreateServerSecret } from '../../../server/kernel/keys.js';
import { createMailer } from '../../../server/kernel/mail/mailer.js';
import { openStore } from '../../../server/store.js';
import { memoryLog, type MemoryLog } from '../../helpers/log.js';
import { tempDir } from '../../helpers/tmp.js';

export interface RunningServer {
  readonly origin: string;
  readonly config: Config;
  readonly db: Db;
  readonly logs: MemoryLog;
  close(): Promise<void>;
}

export async function startServer(clientDir: string): Promise<RunningServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const dir = await tempDir('coffer-e2e-');
  const config = parseConfig({ DATA_DIR: join(dir, 'data'), PUBLIC_URL: origin, MAIL_OUTBOX: '1' });
  const { db } = await openStore(config);
  const logs = memoryLog();
  const mailer = createMailer(config, logs.log, systemClock, { print: () => {} });
  const { key: serverKey } = await loadOrCreateServerSecret(config.dataDir);
  server.on('request', createApp({ config, db, mailer, clock: systemClock, log: logs.log, serverKey, clientDir }));
  return {
    origin,
    config,
    db,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      mailer.close();
      db.close();
    },
  };
}
