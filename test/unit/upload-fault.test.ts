// The fault test of uploads: the browser client's own upload engine
// (client/src/crypto/upload.ts, through Node's fetch: test/helpers/node-transport.ts) sends a
// 200 MiB random file, streamed from disk, to the real server program (spawned through tsx).
// Between 30% and 60%, with a part half sent and that half written by the server, the server
// is killed with SIGKILL (its own PID only) and, after the client has seen the connection
// fail, started again on the same port and data folder. The client carries on by itself: it retries, asks which parts arrived
// and sends the rest. Then:
// - the part cut off at the kill was not recorded, every part the client had heard confirmed
//   was, and no confirmed part was sent twice;
// - the server's container hash equals the encryptor's (the engine checks it) and the stored
//   upload's hash and size are the container's;
// - the blob on disk decrypts (streamed) to the file's exact plaintext, and no temp file of
//   the upload is left;
// - SQLite's integrity_check says ok after the crash and at the end.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptStream, idFromWire, newFileKey, newId, ready, toHex } from '../../shared/crypto/index.js';
import { UPLOAD_PART_BYTES, UploadStatus } from '../../shared/wire/index.js';
import { encryptAndUpload } from '../../client/src/crypto/upload.js';
import type { TransferProgress } from '../../client/src/crypto/protocol.js';
import { NetworkFailure, systemClock, type Transport } from '../../client/src/crypto/transport.js';
import { openDatabase } from '../../server/db/open.js';
import { dataPaths } from '../../server/paths.js';
import { makeAccount, makeOffice, setupRequest } from '../helpers/browser.js';
import { ADMIN_PASSWORD } from '../helpers/office.js';
import { nodeTransport } from '../helpers/node-transport.js';
import { spawnCoffer, type Spawned } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const PUBLIC_URL = 'http://localhost:8080';
const LINK = /http:\/\/localhost:8080\/setup#([A-Za-z0-9_-]{43})\n/;
const LISTENING = /Coffer is listening on http:\/\/127\.0\.0\.1:(\d+) /;
const COOKIE = '__Host-coffer-session';
const PLAINTEXT_BYTES = 200 * 1024 * 1024;
/** The kill comes once the client reports this far, with the part being sent at most half way. */
const KILL_FROM_PERCENT = 30;
const KILL_UNTIL_PERCENT = 60;
/** Generous: two cores shared with other test runs. */
const START_TIMEOUT_MS = 60_000;
/**
 * The engine's own backoff, over a shorter window than its 5 minutes: the server is back within
 * seconds, and a server that keeps failing then ends the test with the engine's error rather
 * than a timeout.
 */
const RETRY_WINDOW_MS = 90_000;

const running = new Set<Spawned>();
afterAll(async () => {
  for (const server of running)
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await removeTempDirs();
});

/** Writes `bytes` of random data to `file` 1 MiB at a time (never held whole); returns its SHA-256. */
async function writeRandomFile(file: string, bytes: number): Promise<string> {
  const sha = createHash('sha256');
  const out = createWriteStream(file, { mode: 0o600 });
  const piece = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < bytes; written += piece.length) {
    randomFillSync(piece);
    sha.update(piece);
    // write copies nothing: wait until it is flushed before the piece is filled again.
    await new Promise<void>((resolve, reject) => out.write(piece, (error) => (error ? reject(error) : resolve())));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return sha.digest('hex');
}

/** Whether `length` bytes at `offset` of `file` hold data (random bytes are never 4 KiB of zeros; a sparse hole is). */
async function isWritten(file: string, offset: number, length: number): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return bytesRead === length && buffer.some((byte) => byte !== 0);
  } finally {
    await handle.close();
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function settler(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** One attempt of the engine at sending a part, as the test saw it. */
interface PartAttempt {
  readonly index: number;
  outcome: 'pending' | 'confirmed' | Error;
}

/** The parts as they stood when the first server was killed. */
interface AtKill {
  readonly uploadId: string;
  /** The attempt whose part was held half way, every byte of that half written by the server. */
  readonly cut: PartAttempt;
  /** How much of it had been handed over. */
  readonly cutSent: number;
  /** Parts the client had heard confirmed (204). */
  readonly confirmed: ReadonlySet<number>;
  /** Parts being sent, the cut one among them. */
  readonly inFlight: ReadonlySet<number>;
}

interface StoredUpload {
  readonly size: number;
  readonly ciphertext_hash: Uint8Array;
  readonly blob_id: Uint8Array;
  readonly completed_at: number | null;
}

describe('an upload when the server is killed', () => {
  it('the client resumes by itself after SIGKILL mid-part and a restart: the file arrives intact and the database is ok', async () => {
    await ready();
    const dir = await tempDir();
    const dataDir = join(dir, 'data');
    const sourceFile = join(dir, 'payslip.bin');
    const sourceSha = await writeRandomFile(sourceFile, PLAINTEXT_BYTES);

    const env = {
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PUBLIC_URL,
      LOG_LEVEL: 'warn',
      MAIL_OUTBOX: '1',
      SWEEP_INTERVAL_SECONDS: '0',
    };
    const start = async (port: string) => {
      const server = spawnCoffer('main', [], { ...env, PORT: port });
      running.add(server);
      const [, listening] = await server.waitFor(LISTENING, START_TIMEOUT_MS);
      return { server, port: listening as string };
    };
    const first = await start('0');
    const base = `http://127.0.0.1:${first.port}`;

    // Set up the office through the real endpoints; the admin is signed in by it.
    const [, token] = LINK.exec(first.server.stdout()) ?? [];
    const office = makeOffice();
    const admin = makeAccount({ email: 'anna@kantoor.example', name: 'Anna de Boer', password: ADMIN_PASSWORD });
    const setup = await request(base)
      .post('/api/v1/setup/complete')
      .set('Origin', PUBLIC_URL)
      .send(setupRequest(token as string, office, admin));
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    const session = new RegExp(`${COOKIE}=([^;]+)`).exec(String(setup.headers['set-cookie']))?.[1];
    expect(session).toBeDefined();
    const cookie = `${COOKIE}=${session as string}`;

    // The kill: once the client reports 30–60%, the next part to reach its half way is held
    // there until the server has written every byte handed over (so the server is inside
    // that part's request, with the second half never to come); then the server is killed.
    const attempts: PartAttempt[] = [];
    let percent = 0;
    let cutting = false;
    let kill: AtKill | undefined;
    const serverKilled = settler();
    const holdPart = async (uploadId: string, index: number, sent: number, length: number): Promise<void> => {
      if (cutting || percent < KILL_FROM_PERCENT || percent > KILL_UNTIL_PERCENT || sent < length / 2) return;
      cutting = true;
      try {
        const temp = join(dataPaths(dataDir).uploads, toHex(idFromWire(uploadId)));
        const end = index * UPLOAD_PART_BYTES + sent;
        await until(() => isWritten(temp, end - 4096, 4096), `the server to write part ${index} up to byte ${end}`);
        const cut = attempts.filter((a) => a.index === index && a.outcome === 'pending').at(-1);
        if (cut === undefined) throw new Error(`no attempt of part ${index} is under way`);
        kill = {
          uploadId,
          cut,
          cutSent: sent,
          confirmed: new Set(attempts.filter((a) => a.outcome === 'confirmed').map((a) => a.index)),
          inFlight: new Set(attempts.filter((a) => a.outcome === 'pending').map((a) => a.index)),
        };
        first.server.child.kill('SIGKILL');
        serverKilled.resolve();
      } catch (error) {
        serverKilled.reject(error);
      }
    };

    // The engine's transport, watched: each part attempt and how it ended.
    const transport = nodeTransport({ base, origin: PUBLIC_URL, cookie, holdPart });
    const watched: Transport = {
      ...transport,
      async putPart(uploadId, index, bytes, onSent, signal) {
        const attempt: PartAttempt = { index, outcome: 'pending' };
        attempts.push(attempt);
        try {
          await transport.putPart(uploadId, index, bytes, onSent, signal);
          attempt.outcome = 'confirmed';
        } catch (error) {
          attempt.outcome = error as Error;
          throw error;
        }
      },
    };

    const fileKey = newFileKey();
    const fileId = newId();
    const source = await openAsBlob(sourceFile);
    const phases: TransferProgress['phase'][] = [];
    const onProgress = (progress: TransferProgress): void => {
      percent = progress.percent;
      if (phases.at(-1) !== progress.phase) phases.push(progress.phase);
    };
    // Node's Blob is the web's, typed apart by @types/node.
    const deps = { transport: watched, clock: systemClock, retryWindowMs: RETRY_WINDOW_MS };
    const uploading = encryptAndUpload(source, fileKey, fileId, deps, new AbortController().signal, onProgress);
    // Should the upload end (or fail) without the kill ever happening, say so rather than hang.
    await Promise.race([
      serverKilled.promise,
      uploading.then(() => expect.fail(`the upload finished before the kill (phases ${phases.join(', ')})`)),
    ]);
    const at = kill;
    if (at === undefined) throw new Error('the server was not killed');
    expect((await first.server.exited).signal).toBe('SIGKILL');

    // The client notices: the part cut off fails with no answer, and it says it is retrying.
    await expect.poll(() => at.cut.outcome, { timeout: 30_000, interval: 50 }).toBeInstanceOf(NetworkFailure);
    await expect.poll(() => phases.includes('retrying'), { timeout: 30_000, interval: 50 }).toBe(true);

    // The database survived the crash; it has every part the client heard confirmed, and not
    // the part cut off (nor any part that was never sent).
    const crashed = openDatabase(join(dataDir, 'coffer.db'));
    let recorded: Set<number>;
    try {
      expect(crashed.pragma('integrity_check', { simple: true })).toBe('ok');
      const parts = crashed.prepare('SELECT part_index FROM upload_parts WHERE upload_id = ?').pluck();
      recorded = new Set(parts.all(idFromWire(at.uploadId)) as number[]);
    } finally {
      crashed.close();
    }
    for (const index of at.confirmed) expect(recorded, `part ${index} was confirmed`).toContain(index);
    expect(recorded, `part ${at.cut.index} was cut off`).not.toContain(at.cut.index);
    for (const index of recorded) expect([...at.confirmed, ...at.inFlight]).toContain(index);
    expect(at.cutSent).toBeLessThan(UPLOAD_PART_BYTES);

    // The same server comes back on the same port and folder; the client carries on alone.
    const second = await start(first.port);
    expect(second.port).toBe(first.port);
    const { uploadId, summary } = await uploading;
    expect(uploadId).toBe(at.uploadId);

    expect(phases).toContain('retrying');
    expect(phases.at(-1)).toBe('verifying');
    const failedAttempts = attempts.filter((a) => a.outcome instanceof Error);
    expect(failedAttempts.length).toBeGreaterThanOrEqual(1);
    for (const attempt of failedAttempts) expect(attempt.outcome).toBeInstanceOf(NetworkFailure);
    // A part the client heard confirmed is never sent again; the cut one was, and went through.
    for (const index of at.confirmed) expect(attempts.filter((a) => a.index === index)).toHaveLength(1);
    expect(attempts.some((a) => a.index === at.cut.index && a !== at.cut && a.outcome === 'confirmed')).toBe(true);
    expect(summary.plaintextLength).toBe(PLAINTEXT_BYTES);

    // The server's own account of the upload: complete, the container's size, every part.
    const status = await request(base).get(`/api/v1/uploads/${uploadId}`).set('Cookie', cookie);
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    const finished = UploadStatus.parse(status.body);
    expect(finished.completed).toBe(true);
    expect(finished.size).toBe(summary.ciphertextLength);
    expect(finished.received).toEqual(Array.from({ length: finished.partCount }, (_, i) => i));
    expect(new Set(attempts.map((a) => a.index)).size).toBe(finished.partCount);

    second.server.child.kill('SIGTERM');
    expect((await second.server.exited).code).toBe(0);

    // The stored row: the container's hash and size, its blob, no parts left over.
    const db = openDatabase(join(dataDir, 'coffer.db'));
    let row: StoredUpload | undefined;
    let partsLeft: number;
    try {
      const id = idFromWire(uploadId);
      row = db.prepare('SELECT size, ciphertext_hash, blob_id, completed_at FROM uploads WHERE id = ?').get(id) as
        StoredUpload | undefined;
      partsLeft = db.prepare('SELECT count(*) FROM upload_parts WHERE upload_id = ?').pluck().get(id) as number;
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(row).toBeDefined();
    const stored = row as StoredUpload;
    expect(stored.completed_at).not.toBeNull();
    expect(stored.size).toBe(summary.ciphertextLength);
    expect(toHex(stored.ciphertext_hash)).toBe(toHex(summary.ciphertextHash));
    expect(finished.uploadId).toBe(uploadId);
    expect(partsLeft).toBe(0);

    // On disk: the blob alone, at the container's size; no temp file of the upload remains.
    const paths = dataPaths(dataDir);
    const blobName = toHex(stored.blob_id);
    expect(await readdir(paths.uploads)).toEqual([]);
    expect(await readdir(paths.blobs)).toEqual([blobName]);
    const blobFile = join(paths.blobs, blobName);
    expect((await stat(blobFile)).size).toBe(summary.ciphertextLength);

    // The blob decrypts, streamed, to the file's exact plaintext (the container hash checked at the end).
    const plainSha = createHash('sha256');
    let plainLength = 0;
    for await (const plain of decryptStream(fileKey, fileId, createReadStream(blobFile), summary.ciphertextHash)) {
      plainSha.update(plain);
      plainLength += plain.length;
    }
    expect(plainLength).toBe(PLAINTEXT_BYTES);
    expect(plainSha.digest('hex')).toBe(sourceSha);
  }, 240_000);
});
