// The real server program (the compiled dist/server, as `npm start` runs it) on a free port of
// 127.0.0.1, with its own data folder and a real SMTP server on loopback for its mail, for
// browser tests of whole flows. Only the process started here is ever signalled.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startMailServer, type MailServer } from '../../helpers/mail-server.js';
import { ROOT, spawnProcess, type Spawned } from '../../helpers/process.js';
import { tempDir } from '../../helpers/tmp.js';

export interface Coffer {
  /** http://127.0.0.1:<port>, also the server's PUBLIC_URL. */
  readonly origin: string;
  /** The first-run setup link the server printed. */
  readonly setupLink: string;
  readonly dataDir: string;
  /** The running server process (a new one after `restart`). */
  readonly server: Spawned;
  readonly mail: MailServer;
  /**
   * Kills the server process (SIGKILL, by its own PID: a crash, nothing finishes) and starts the
   * built server again on the same port and data folder, as an operator's restart would; resolves
   * once it listens. Returns what the killed process had printed.
   */
  restart(): Promise<{ readonly stdout: string; readonly stderr: string }>;
  /** Stops the server with SIGTERM (it finishes cleanly) and the mail server; the server's exit code. */
  stop(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface BuiltServer {
  readonly server: Spawned;
  readonly origin: string;
  /** The first-run setup link it printed (a fresh data folder gets one). */
  readonly setupLink: string;
}

/**
 * Spawns the built server (dist/server, as `npm start` runs it) on a free port of 127.0.0.1
 * with `dataDir`, mail through the SMTP server at `smtpPort`, and `env` on top; resolves once
 * it listens. On failure it is stopped again.
 */
async function spawnBuiltServer(options: {
  readonly dataDir: string;
  readonly smtpPort: number;
  readonly env?: Record<string, string>;
  /** Listen on this port (a restart keeps the origin); a free one otherwise. */
  readonly port?: number;
  /** False for a data folder already set up: no setup link is printed. */
  readonly fresh?: boolean;
}): Promise<BuiltServer> {
  const entry = join(ROOT, 'dist/server/server/main.js');
  if (!existsSync(entry) || !existsSync(join(ROOT, 'dist/client/index.html'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const port = options.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const server = spawnProcess(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: origin,
      DATA_DIR: options.dataDir,
      SMTP_URL: `smtp://127.0.0.1:${options.smtpPort}`,
      MAIL_FROM: 'Kantoor Jansen <coffer@kantoor-jansen.nl>',
      ...options.env,
    },
  });
  try {
    const [setupLink = ''] =
      options.fresh === false ? [] : await server.waitFor(/http:\/\/127\.0\.0\.1:\d+\/setup#[A-Za-z0-9_-]{43}/, 30_000);
    await server.waitFor(/Coffer is listening on/, 30_000);
    return { server, origin, setupLink };
  } catch (error) {
    server.child.kill('SIGTERM');
    await server.exited;
    throw error;
  }
}

/** A mail server and the built server with an empty data folder; `env` adds variables (e.g. LOG_LEVEL). */
export async function startCoffer(prefix: string, env: Record<string, string> = {}): Promise<Coffer> {
  const mail = await startMailServer();
  const dataDir = join(await tempDir(prefix), 'data');
  let built: BuiltServer;
  try {
    built = await spawnBuiltServer({ dataDir, smtpPort: mail.port, env });
  } catch (error) {
    await mail.close();
    throw error;
  }
  let { server } = built;
  return {
    origin: built.origin,
    setupLink: built.setupLink,
    dataDir,
    get server() {
      return server;
    },
    mail,
    async restart() {
      const killed = server;
      killed.child.kill('SIGKILL');
      await killed.exited;
      const port = Number(new URL(built.origin).port);
      server = (await spawnBuiltServer({ dataDir, smtpPort: mail.port, env, port, fresh: false })).server;
      return { stdout: killed.stdout(), stderr: killed.stderr() };
    },
    async stop() {
      let code: number | null = server.child.exitCode;
      if (code === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        code = (await server.exited).code;
      }
      await mail.close();
      return code;
    },
  };
}
