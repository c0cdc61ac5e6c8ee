// Another process on coffer.db (docs/operations.md, "The database and other processes"): a
// reader it leaves open must not make the sweep's checkpoint stall the server (TRUNCATE falls
// back to PASSIVE and is tried again once the reader left), and its write lock must not freeze
// requests: `/healthz` keeps answering within 2 s, and a write waits on timers, then succeeds
// once the lock is gone (3 s) or answers 503 with Retry-After (8 s), never 500.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { ROOT } from '../helpers/process.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { expectError } from '../helpers/expect.js';
import { sweeperOf, walBytes } from '../helpers/storage.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

// The other process: better-sqlite3 on the same file, driven line by line over stdin.
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { fileMustExist: true, timeout: 10000 });
const say = (line) => process.stdout.write(line + '\\n');
let buffer = '';
process.stdin.setEncoding('utf8').on('data', (chunk) => {
  buffer += chunk;
  let at;
  while ((at = buffer.indexOf('\\n')) >= 0) {
    const [command, arg] = buffer.slice(0, at).split(' ');
    buffer = buffer.slice(at + 1);
    if (command === 'read') { db.exec('BEGIN'); db.prepare('SELECT count(*) FROM sqlite_master').get(); say('reading'); }
    if (command === 'end') { db.exec('COMMIT'); say('ended'); }
    if (command === 'lock') {
      db.exec('BEGIN IMMEDIATE');
      say('locked');
      setTimeout(() => { db.exec('COMMIT'); say('unlocked'); }, Number(arg));
    }
  }
});
say('open');
`;

interface Holder {
  /** Sends a command and waits for the line that confirms it. */
  send(command: string, answer: string): Promise<void>;
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

const holders: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of holders.splice(0)) child.kill();
});

async function holdDatabase(file: string): Promise<Holder> {
  const child = spawn(process.execPath, ['-e', HOLDER, file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  holders.push(child);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  let seen = 0;
  const waitFor = async (line: string, timeoutMs = 15_000) => {
    const started = Date.now();
    for (;;) {
      const lines = out.split('\n');
      const index = lines.indexOf(line, seen);
      if (index >= 0) {
        seen = index + 1;
        return;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`the other process did not say "${line}": ${errors}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await waitFor('open');
  return {
    async send(command, answer) {
      child.stdin.write(`${command}\n`);
      await waitFor(answer);
    },
    waitFor,
    close: () => child.kill(),
  };
}

/** Polls /healthz until `until` settles; returns the slowest answer's time in ms. */
async function slowestHealth(app: Express, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let slowest = 0;
  while (!done) {
    const started = Date.now();
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    slowest = Math.max(slowest, Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return slowest;
}

const fileOf = (dataDir: string) => join(dataDir, 'coffer.db');

describe('another process on the database', () => {
  it('a reader left open neither stalls the sweep nor requests; TRUNCATE empties the WAL once it left', async () => {
    const o = await suite.office();
    const holder = await holdDatabase(fileOf(o.t.config.dataDir));
    const sweeper = sweeperOf(o);
    await holder.send('read', 'reading');

    // Readers do not block writers in WAL mode.
    const file = makeFile(randomPlaintext(1000));
    expect((await o.admin.tab.post('/api/v1/uploads', { size: file.container.length })).status).toBe(201);

    let started = Date.now();
    await sweeper.runOnce();
    expect(Date.now() - started).toBeLessThan(1_000);
    // The reader kept TRUNCATE from emptying the WAL; the log says so, once.
    expect(walBytes(o).length).toBeGreaterThan(0);
    await sweeper.runOnce();
    expect(o.t.logs.text().match(/another process holds the database open/g)).toHaveLength(1);

    // Meanwhile requests are answered at once.
    started = Date.now();
    expect((await request(o.t.app).get('/healthz')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);

    await holder.send('end', 'ended');
    await sweeper.runOnce();
    expect(walBytes(o).length).toBe(0);
    expect(o.t.logs.text()).toContain('WAL checkpoint: emptied again');
  });

  it('a write lock held 3 s: /healthz keeps answering, and a write goes through once it is released', async () => {
    const o = await suite.office();
    const holder = await holdDatabase(fileOf(o.t.config.dataDir));
    const file = makeFile(randomPlaintext(1000));

    await holder.send('lock 3000', 'locked');
    const locked = Date.now();
    const write = o.admin.tab.post('/api/v1/uploads', { size: file.container.length });
    const slowest = await slowestHealth(o.t.app, write);
    const res = await write;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Date.now() - locked).toBeGreaterThanOrEqual(2_900);
    expect(slowest).toBeLessThan(2_000);
    await holder.waitFor('unlocked');
  }, 30_000);

  it('a write lock held 8 s: the write answers 503 with Retry-After, never 500, and the server stays responsive', async () => {
    const o = await suite.office();
    const holder = await holdDatabase(fileOf(o.t.config.dataDir));
    const file = makeFile(randomPlaintext(1000));

    await holder.send('lock 8000', 'locked');
    const write = o.admin.tab.post('/api/v1/uploads', { size: file.container.length });
    const slowest = await slowestHealth(o.t.app, write);
    const res = await write;
    expectError(res, 503, 'server_busy');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(2_000);
    await holder.waitFor('unlocked');
    // Once the lock is gone, the same write succeeds.
    expect((await o.admin.tab.post('/api/v1/uploads', { size: file.container.length })).status).toBe(201);
  }, 30_000);
});
