// Completing an upload when the server is killed (SIGKILL) at each step of the completion.
// Uploads are sent to the real server program (server/main.ts through tsx); then, one upload
// per step, a server that kills itself at that step (test/unit/upload-crash-server.ts) is asked
// to complete it, and the state each crash left is checked in the database and on disk;
// finally the real server is started again and asked to complete every upload once more. Each
// must complete with the container's hash, its blob holding exactly the container's bytes, and
// no temp file left. Before the database knew the blob's name ahead of the move, the upload
// killed after the move answered 404 for good.
//
// Also the fault run this came from: forty uploads completed at once, the server killed about
// 100 ms later, restarted, completed again: every one completes with its bytes.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesEqual, idFromWire, ready, toBase64Url, toHex } from '../../shared/crypto/index.js';
import { UploadCreateResponse, UploadStatus } from '../../shared/wire/index.js';
import { openDatabase } from '../../server/kernel/db/open.js';
import { dataPaths } from '../../server/kernel/paths.js';
import { makeAccount, makeOffice, setupRequest } from '../helpers/browser.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { ADMIN_PASSWORD } from '../helpers/office.js';
import { ROOT, spawnCoffer, spawnProcess, type Spawned } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { CRASH_POINTS, type CrashPoint } from './upload-crash-server.js';

const PUBLIC_URL = 'http://localhost:8080';
const LINK = /http:\/\/localhost:8080\/setup#([A-Za-z0-9_-]{43})\n/;
const LISTENING = /Coffer is listening on http:\/\/127\.0\.0\.1:(\d+) /;
const COOKIE = '__Host-coffer-session';
/** Generous: two cores shared with other test runs. */
const START_TIMEOUT_MS = 60_000;

const running = new Set<Spawned>();
afterAll(async () => {
  for (const server of running)
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await removeTempDirs();
});

interface Sent {
  readonly uploadId: string;
  readonly container: Uint8Array;
  readonly ciphertextHash: Uint8Array;
}

interface UploadRow {
  readonly completed_at: number | null;
  readonly blob_id: Uint8Array | null;
  readonly commit_blob_id: Uint8Array | null;
}

/** A data folder with an office set up by the real server, and how to start servers on it. */
async function office() {
  await ready();
  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const env = {
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    PUBLIC_URL,
    LOG_LEVEL: 'warn',
    MAIL_OUTBOX: '1',
    SWEEP_INTERVAL_SECONDS: '0',
    PORT: '0',
  };
  const started = async (server: Spawned) => {
    running.add(server);
    const [, port] = await server.waitFor(LISTENING, START_TIMEOUT_MS);
    return { server, base: `http://127.0.0.1:${port as string}` };
  };
  const main = () => started(spawnCoffer('main', [], env));
  const crashing = (at: CrashPoint) =>
    started(
      spawnProcess(process.execPath, ['--import', 'tsx', 'test/unit/upload-crash-server.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env, CRASH_AT: at },
      }),
    );

  const first = await main();
  const [, token] = LINK.exec(first.server.stdout()) ?? [];
  const admin = makeAccount({ email: 'anna@kantoor.example', name: 'Anna de Boer', password: ADMIN_PASSWORD });
  const setup = await request(first.base)
    .post('/api/v1/setup/complete')
    .set('Origin', PUBLIC_URL)
    .send(setupRequest(token as string, makeOffice(), admin));
  expect(setup.status, JSON.stringify(setup.body)).toBe(200);
  const session = new RegExp(`${COOKIE}=([^;]+)`).exec(String(setup.headers['set-cookie']))?.[1];
  expect(session).toBeDefined();
  const cookie = `${COOKIE}=${session as string}`;

  const upload = async (base: string, plaintextBytes: number): Promise<Sent> => {
    const file = makeFile(randomPlaintext(plaintextBytes));
    const created = await request(base)
      .post('/api/v1/uploads')
      .set('Origin', PUBLIC_URL)
      .set('Cookie', cookie)
      .send({ size: file.container.length });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { uploadId, partSize, partCount } = UploadCreateResponse.parse(created.body);
    for (let index = 0; index < partCount; index++) {
      const part = file.container.subarray(index * partSize, (index + 1) * partSize);
      const sent = await request(base)
        .put(`/api/v1/uploads/${uploadId}/parts/${index}`)
        .set('Origin', PUBLIC_URL)
        .set('Cookie', cookie)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from(part));
      expect(sent.status, JSON.stringify(sent.body)).toBe(204);
    }
    return { uploadId, container: file.container, ciphertextHash: file.ciphertextHash };
  };
  const complete = (base: string, uploadId: string) =>
    request(base).post(`/api/v1/uploads/${uploadId}/complete`).set('Origin', PUBLIC_URL).set('Cookie', cookie).send({});
  const status = (base: string, uploadId: string) =>
    request(base).get(`/api/v1/uploads/${uploadId}`).set('Cookie', cookie);
  const stop = async (server: Spawned) => {
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  };
  const row = (uploadId: string): UploadRow => {
    const db = openDatabase(dataPaths(dataDir).database);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      return db
        .prepare('SELECT completed_at, blob_id, commit_blob_id FROM uploads WHERE id = ?')
        .get(idFromWire(uploadId)) as UploadRow;
    } finally {
      db.close();
    }
  };
  /** Every upload complete with its hash, its blob exactly its container, no temp file left. */
  const expectAllComplete = async (base: string, sent: readonly Sent[]) => {
    const paths = dataPaths(dataDir);
    for (const upload of sent) {
      const done = await complete(base, upload.uploadId);
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body).toEqual({ uploadId: upload.uploadId, ciphertextHash: toBase64Url(upload.ciphertextHash) });
      const after = UploadStatus.parse((await status(base, upload.uploadId)).body);
      expect(after.completed).toBe(true);
      const stored = row(upload.uploadId);
      expect(stored.commit_blob_id).toBeNull();
      const blob = await readFile(join(paths.blobs, toHex(stored.blob_id as Uint8Array)));
      expect(bytesEqual(blob, upload.container)).toBe(true);
    }
    expect(await readdir(paths.uploads)).toEqual([]);
    expect(await readdir(paths.blobs)).toHaveLength(sent.length);
  };
  return { dataDir, main, crashing, upload, complete, status, stop, row, expectAllComplete, first };
}

describe('completing an upload when the server is killed', () => {
  it('at each step of the completion: the next server completes it with its exact bytes', async () => {
    const o = await office();
    const paths = dataPaths(o.dataDir);
    // Three parts each (8 MiB, 8 MiB and the rest).
    const sent = new Map<CrashPoint, Sent>();
    for (const point of CRASH_POINTS) sent.set(point, await o.upload(o.first.base, 17 * 1024 * 1024));
    await o.stop(o.first.server);

    for (const point of CRASH_POINTS) {
      const upload = sent.get(point) as Sent;
      const crashing = await o.crashing(point);
      const answer = await o.complete(crashing.base, upload.uploadId).then(
        (response) => `HTTP ${response.status}`,
        (error: Error) => error.message,
      );
      expect(answer, `the completion at "${point}" got no answer`).toMatch(/socket hang up|ECONNRESET/);
      expect((await crashing.server.exited).signal).toBe('SIGKILL');

      // What the crash left: the row and the file, as the step says.
      const stored = o.row(upload.uploadId);
      const temp = join(paths.uploads, toHex(idFromWire(upload.uploadId)));
      if (point === 'hashing') {
        expect(stored).toMatchObject({ completed_at: null, blob_id: null, commit_blob_id: null });
        expect(existsSync(temp)).toBe(true);
      } else if (point === 'moving') {
        expect(stored).toMatchObject({ completed_at: null, blob_id: null });
        expect(stored.commit_blob_id).not.toBeNull();
        expect(existsSync(temp)).toBe(true);
      } else if (point === 'moved') {
        expect(stored).toMatchObject({ completed_at: null, blob_id: null });
        expect(existsSync(temp)).toBe(false);
        expect(existsSync(join(paths.blobs, toHex(stored.commit_blob_id as Uint8Array)))).toBe(true);
      } else {
        expect(stored.completed_at).not.toBeNull();
        expect(existsSync(join(paths.blobs, toHex(stored.blob_id as Uint8Array)))).toBe(true);
      }
    }

    const again = await o.main();
    await o.expectAllComplete(again.base, [...sent.values()]);
    await o.stop(again.server);
  }, 300_000);

  it('forty uploads completed at once and a kill as the first blob appears: after a restart every one completes', async () => {
    const o = await office();
    const sent: Sent[] = [];
    for (let n = 0; n < 40; n++) sent.push(await o.upload(o.first.base, 2 * 1024 * 1024));
    const answers = sent.map((upload) =>
      o.complete(o.first.base, upload.uploadId).then(
        (response) => response.status,
        () => null,
      ),
    );
    // The kill comes as the first file lands in blobs/ (within about 100 ms): some completions
    // are then between their steps.
    const blobs = dataPaths(o.dataDir).blobs;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (!existsSync(blobs) || (await readdir(blobs)).length === 0))
      await new Promise((resolve) => setTimeout(resolve, 1));
    o.first.server.child.kill('SIGKILL');
    expect((await o.first.server.exited).signal).toBe('SIGKILL');
    await Promise.all(answers);

    const again = await o.main();
    await o.expectAllComplete(again.base, sent);
    await o.stop(again.server);
  }, 300_000);
});
