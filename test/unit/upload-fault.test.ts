// The fault test of the upload protocol, against the real server program (spawned through
// tsx): about 200 MiB of container bytes, made with shared/crypto's encryptor from random data
// and streamed to a file (never held whole); half the parts sent; the server killed with
// SIGKILL (its own PID only) while a part is in flight; started again on the same data folder;
// the status asked, the missing parts sent, the upload completed. The server's container hash
// must equal the one computed here, the part in flight must not count, and SQLite's
// integrity_check must say ok.
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createContentEncryptor, newFileKey, newId, ready, toBase64Url } from '../../shared/crypto/index.js';
import { LoginResponse, PreloginResponse, UPLOAD_PART_BYTES, UploadCreateResponse, UploadStatus } from '../../shared/wire/index.js';
import { openDatabase } from '../../server/db/open.js';
import { authKeyFor, makeAccount, makeOffice, setupRequest } from '../helpers/browser.js';
import { ADMIN_PASSWORD } from '../helpers/office.js';
import { spawnCoffer, type Spawned } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const PUBLIC_URL = 'http://localhost:8080';
const LINK = /http:\/\/localhost:8080\/setup#([A-Za-z0-9_-]{43})\n/;
const LISTENING = /Coffer is listening on http:\/\/127\.0\.0\.1:(\d+) /;
const PLAINTEXT_BYTES = 200 * 1024 * 1024;
const COOKIE = '__Host-coffer-session';

const running = new Set<Spawned>();
afterAll(async () => {
  for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await removeTempDirs();
});

/** Encrypts random plaintext 1 MiB at a time straight into `file`; returns the container's length and hash. */
async function writeContainer(file: string): Promise<{ size: number; hash: Uint8Array }> {
  const encryptor = createContentEncryptor(newFileKey(), newId());
  const out = createWriteStream(file, { mode: 0o600 });
  const write = (bytes: Uint8Array) => (out.write(bytes) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  const piece = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < PLAINTEXT_BYTES; written += piece.length) {
    randomFillSync(piece);
    for (const bytes of encryptor.update(piece)) await write(bytes);
  }
  const { output, summary } = encryptor.final();
  for (const bytes of output) await write(bytes);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { size: summary.ciphertextLength, hash: summary.ciphertextHash };
}

async function readPart(file: string, size: number, index: number): Promise<Buffer> {
  const start = index * UPLOAD_PART_BYTES;
  const length = Math.min(UPLOAD_PART_BYTES, size - start);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    expect(bytesRead).toBe(length);
    return buffer;
  } finally {
    await handle.close();
  }
}

describe('an upload when the server is killed', () => {
  it('resumes after SIGKILL mid-part and a restart: the hash matches and the database is intact', async () => {
    await ready();
    const dir = await tempDir();
    const dataDir = join(dir, 'data');
    const containerFile = join(dir, 'container.bin');
    const { size, hash } = await writeContainer(containerFile);
    const partCount = Math.ceil(size / UPLOAD_PART_BYTES);
    expect(partCount).toBeGreaterThanOrEqual(25);

    const env = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL, LOG_LEVEL: 'warn', MAIL_OUTBOX: '1', SWEEP_INTERVAL_SECONDS: '0' };
    const start = async () => {
      const server = spawnCoffer('main', [], env);
      running.add(server);
      const [, port] = await server.waitFor(LISTENING);
      return { server, base: `http://127.0.0.1:${port}` };
    };
    const first = await start();

    // Set up the office through the real endpoints; the admin is signed in by it.
    const [, token] = LINK.exec(first.server.stdout()) ?? [];
    const office = makeOffice();
    const admin = makeAccount({ email: 'anna@kantoor.example', name: 'Anna de Boer', password: ADMIN_PASSWORD });
    const setup = await request(first.base).post('/api/v1/setup/complete').set('Origin', PUBLIC_URL).send(setupRequest(token as string, office, admin));
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    let cookie = /__Host-coffer-session=([^;]+)/.exec(String(setup.headers['set-cookie']))?.[1] as string;
    const call = (base: string, method: 'get' | 'post' | 'put', path: string) => request(base)[method](path).set('Origin', PUBLIC_URL).set('Cookie', `${COOKIE}=${cookie}`);

    const created = await call(first.base, 'post', '/api/v1/uploads').send({ size });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { uploadId } = UploadCreateResponse.parse(created.body);
    const half = Math.floor(partCount / 2);
    for (let index = 0; index < half; index++) {
      const res = await call(first.base, 'put', `/api/v1/uploads/${uploadId}/parts/${index}`)
        .set('Content-Type', 'application/octet-stream')
        .send(await readPart(containerFile, size, index));
      expect(res.status, JSON.stringify(res.body)).toBe(204);
    }

    // Part `half` goes out, half of it is sent, and the server dies.
    const inFlight = await readPart(containerFile, size, half);
    const url = new URL(`${first.base}/api/v1/uploads/${uploadId}/parts/${half}`);
    const broken = new Promise<string>((resolve) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path: url.pathname,
          headers: { Origin: PUBLIC_URL, Cookie: `${COOKIE}=${cookie}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(inFlight.length) },
        },
        (res) => resolve(`answered ${res.statusCode}`),
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.write(inFlight.subarray(0, inFlight.length / 2));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.server.child.kill('SIGKILL');
    expect((await first.server.exited).signal).toBe('SIGKILL');
    expect(await broken).not.toMatch(/^answered/);

    // The database survived the crash.
    const crashed = openDatabase(join(dataDir, 'coffer.db'));
    expect(crashed.pragma('integrity_check', { simple: true })).toBe('ok');
    crashed.close();

    // Restart on the same folder; the browser signs in again and asks where to resume.
    const second = await start();
    const pre = PreloginResponse.parse((await request(second.base).post('/api/v1/auth/prelogin').set('Origin', PUBLIC_URL).send({ email: admin.email })).body);
    const login = await request(second.base).post('/api/v1/auth/login').set('Origin', PUBLIC_URL).send({ email: admin.email, authKey: authKeyFor(ADMIN_PASSWORD, pre.kdf) });
    expect(LoginResponse.parse(login.body).status).toBe('signed-in');
    cookie = /__Host-coffer-session=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1] as string;

    const status = UploadStatus.parse((await call(second.base, 'get', `/api/v1/uploads/${uploadId}`)).body);
    // The part in flight was never recorded: its bytes were not all there, nor fsynced.
    expect(status.received).toEqual(Array.from({ length: half }, (_, i) => i));
    for (let index = 0; index < partCount; index++) {
      if (status.received.includes(index)) continue;
      const res = await call(second.base, 'put', `/api/v1/uploads/${uploadId}/parts/${index}`)
        .set('Content-Type', 'application/octet-stream')
        .send(await readPart(containerFile, size, index));
      expect(res.status, JSON.stringify(res.body)).toBe(204);
    }
    const done = await call(second.base, 'post', `/api/v1/uploads/${uploadId}/complete`).send({});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.ciphertextHash).toBe(toBase64Url(hash));

    second.server.child.kill('SIGTERM');
    expect((await second.server.exited).code).toBe(0);
    const db = openDatabase(join(dataDir, 'coffer.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 240_000);
});
