// The real server and command line as an operator runs them (spawned through tsx): first
// start, restart, a new setup link from the CLI, graceful shutdown.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCoffer, spawnCoffer, type Spawned } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const PUBLIC_URL = 'http://localhost:8080';
const LINK = /http:\/\/localhost:8080\/setup#([A-Za-z0-9_-]+)\n/;
const LISTENING = /Coffer is listening on http:\/\/127\.0\.0\.1:(\d+) \(public address http:\/\/localhost:8080\)/;

const running = new Set<Spawned>();
afterAll(async () => {
  // Only the children this file spawned, and only if a failed test left them running.
  for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await removeTempDirs();
});

let dataDir = '';
let env: Record<string, string> = {};

async function startServer(): Promise<{ server: Spawned; port: number }> {
  const server = spawnCoffer('main', [], env);
  running.add(server);
  const [, port] = await server.waitFor(LISTENING);
  return { server, port: Number(port) };
}

async function verify(port: number, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/setup/verify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: PUBLIC_URL },
    body: JSON.stringify({ token }),
  });
  return res.status;
}

async function stop(server: Spawned): Promise<number | null> {
  const started = Date.now();
  server.child.kill('SIGTERM');
  const { code } = await server.exited;
  expect(Date.now() - started).toBeLessThan(5_000);
  return code;
}

describe('first run', () => {
  let firstToken = '';

  it('creates the data folder, database and key, prints a setup link that verifies, and stops on SIGTERM', async () => {
    dataDir = join(await tempDir(), 'data');
    env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL, LOG_LEVEL: 'warn' };
    const { server, port } = await startServer();

    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dataDir, 'coffer.db'))).toBe(true);
    expect((await stat(join(dataDir, 'coffer.db'))).mode & 0o077).toBe(0);
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'keys', 'capability-signing.jwk'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys', 'server-secret'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys', 'server-secret'))).size).toBe(32);

    const match = LINK.exec(server.stdout());
    expect(match?.[1]).toHaveLength(43);
    firstToken = match?.[1] as string;
    await server.waitFor(/!!! Mail goes to the development outbox/);

    expect(await verify(port, firstToken)).toBe(200);
    expect(await verify(port, 'B'.repeat(43))).toBe(404);

    expect(await stop(server)).toBe(0);
    const wal = join(dataDir, 'coffer.db-wal');
    expect(!existsSync(wal) || (await stat(wal)).size === 0).toBe(true);
  });

  it('on the next start reminds that setup is unfinished instead of printing a new link', async () => {
    const { server, port } = await startServer();
    expect(server.stdout()).toContain('Setup is not finished');
    expect(server.stdout()).toContain('npm run coffer -- setup-link');
    expect(server.stdout()).not.toMatch(LINK);
    expect(await verify(port, firstToken)).toBe(200);

    // The CLI, run beside the server, issues a new link and withdraws the old one.
    const cli = await runCoffer('cli', ['setup-link'], env);
    expect(cli.code).toBe(0);
    const newToken = LINK.exec(cli.stdout)?.[1];
    expect(newToken).toHaveLength(43);
    expect(newToken).not.toBe(firstToken);
    expect(await verify(port, newToken as string)).toBe(200);
    expect(await verify(port, firstToken)).toBe(404);

    expect(await stop(server)).toBe(0);
  });

  it('on SIGTERM finishes a request in flight on a keep-alive connection, then exits 0', async () => {
    const { server, port } = await startServer();
    const agent = new Agent({ keepAlive: true });
    const body = JSON.stringify({ token: 'C'.repeat(43) });
    const answer = new Promise<{ status: number | undefined; connection: string | undefined }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/setup/verify',
          method: 'POST',
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(Buffer.byteLength(body)),
            Origin: PUBLIC_URL,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
        },
      );
      req.on('error', reject);
      // Half the body now, the rest after the signal: the request is in flight when it arrives.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    await server.waitFor(/SIGTERM received/);
    expect(await answer).toEqual({ status: 404, connection: 'close' });
    const { code } = await server.exited;
    expect(code).toBe(0);
    agent.destroy();
  });
});

describe('command line', () => {
  it('migrate prints the schema version', async () => {
    const result = await runCoffer('cli', ['migrate'], { DATA_DIR: join(await tempDir(), 'data') });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/schema version \d+/);
  });

  it('help prints the usage; an unknown command prints it on stderr and exits 2', async () => {
    const help = await runCoffer('cli', ['help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('setup-link');
    const unknown = await runCoffer('cli', ['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: npm run coffer -- <command>');
    expect(unknown.stdout).toBe('');
  });

  it('setup-link refuses with exit code 1 once setup is finished', async () => {
    const dir = join(await tempDir(), 'data');
    const cliEnv = { DATA_DIR: dir };
    expect((await runCoffer('cli', ['setup-link'], cliEnv)).code).toBe(0);
    // Mark the link used, as finishing setup will.
    const { openDatabase } = await import('../../server/kernel/db/open.js');
    const db = openDatabase(join(dir, 'coffer.db'));
    db.prepare('UPDATE setup_tokens SET used_at = created_at').run();
    db.close();
    const refused = await runCoffer('cli', ['setup-link'], cliEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Setup is already finished');
    expect(refused.stdout).not.toMatch(/setup#/);
  });

  it('a configuration error exits 2', async () => {
    const result = await runCoffer('cli', ['migrate'], { LOG_LEVEL: 'loud' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Configuration error: LOG_LEVEL');
  });
});
