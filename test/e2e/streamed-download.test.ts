// A file too large to be saved in one piece (over 100 MiB) streams to disk through Coffer's
// download service worker (client/src/sw/, with its window of pieces asked for): in real
// Chromium against the real server program, the advisor sends 101 MiB to a colleague, who
// downloads it from Received; the browser saves the file, and its SHA-256 is the original's.
// The container's hash is computed on a worker of the crypto worker's own (hash-worker.ts).
// Then the server's disk changes one byte in the middle of the stored container: the same
// download fails its integrity check, the page says so, and the browser marks the download
// failed (the service worker errored its stream), so the part written before the damaged
// chunk never looks like a complete file.
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idFromWire, toHex } from '../../shared/crypto/index.js';
import { tempDir } from '../helpers/tmp.js';
import type { Person } from './support/accounts.js';
import { marker, openReceived, submit, TRANSFER_TIMEOUT } from './support/sending.js';
import { FlowTest } from './support/sessions.js';

const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
const COLLEAGUE: Person = {
  name: 'Bram Bakker',
  email: 'bram@kantoor-jansen.nl',
  password: 'groene-tulpen-in-de-regen-42',
};
const MiB = 1024 * 1024;
/** Just over the 100 MiB a browser may hold in memory (client/src/crypto/protocol.ts). */
const SIZE = 101 * MiB;

/**
 * What the browser reports as failed requests here, each expected: a navigation to the service
 * worker's scope that became a download is "aborted" as a page load; and once the damaged
 * chunk failed, the crypto worker cancels the rest of the container's answer.
 */
const EXPECTED_ABORTS = [
  /^request failed: GET \/download\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/,
  /^request failed: GET \/api\/v1\/received\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/,
];

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-streamed-e2e-', EXPECTED_ABORTS, {
    name: 'Kantoor Jansen',
    admin: ADMIN,
    colleagues: [ADVISOR, COLLEAGUE],
  });
});
afterAll(() => flow.stop());

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

it(
  'streams a 101 MiB file to disk through the service worker, and fails the download when a stored byte changed',
  async () => {
    const { sessions, db, coffer } = flow;
    const name = `jaarrekening-${marker()}.pdf`;
    const plaintext = randomBytes(SIZE);
    // Playwright hands files over 50 MB to the page only by path.
    const path = join(await tempDir('coffer-streamed-file-'), name);
    await writeFile(path, plaintext);

    const advisor = await sessions.signedIn(ADVISOR);
    const page = advisor.page;

    await page.getByTestId('nav-send').click();
    await page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();
    await page.getByTestId('send-files').setInputFiles(path);
    await page.locator(`[data-testid="send-file"][data-name="${name}"]`).waitFor();
    await page.getByTestId('send-recipient-input').fill(COLLEAGUE.email);
    await page.getByTestId('send-recipient-add').click();
    await page
      .locator(`[data-testid="send-recipient"][data-email="${COLLEAGUE.email}"][data-kind="account"]`)
      .waitFor();
    const { shareId } = await submit(page);
    await sessions.finish(advisor);

    const colleague = await sessions.signedIn(COLLEAGUE);
    // The crypto worker hashes a container this large on a worker of its own (hash-thread.ts).
    const isHashWorker = (path: string): boolean => /^\/assets\/hash-worker-[\w-]+\.js$/.test(path);
    const workers: string[] = [];
    colleague.page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
    await openReceived(colleague.page, shareId);
    const row = colleague.page.locator(`[data-testid="file-row"][data-name="${name}"]`);
    const [saved] = await Promise.all([
      colleague.page.waitForEvent('download', { timeout: TRANSFER_TIMEOUT }),
      row.getByTestId('file-download').click(),
    ]);
    // A download from the service worker's scope, not a blob: URL (that is the in-memory path).
    expect(saved.url()).toMatch(new RegExp(`^${coffer.origin}/download/[A-Za-z0-9_-]{22}$`));
    expect(saved.suggestedFilename()).toBe(name);
    const savedPath = await saved.path();
    await row.getByTestId('file-done').waitFor({ timeout: TRANSFER_TIMEOUT });
    const bytes = await readFile(savedPath);
    expect(bytes.length).toBe(SIZE);
    expect(sha256(bytes)).toBe(sha256(plaintext));
    expect(workers.filter(isHashWorker)).toHaveLength(1);

    // The server's disk changes one byte of the stored container, in the middle.
    const [blob] = db.prepare('SELECT blob_id FROM share_files WHERE share_id = ?').all(idFromWire(shareId)) as {
      blob_id: Buffer;
    }[];
    const file = await open(join(coffer.dataDir, 'blobs', toHex((blob as { blob_id: Buffer }).blob_id)), 'r+');
    try {
      const at = Math.floor(SIZE / 2);
      const byte = Buffer.alloc(1);
      await file.read(byte, 0, 1, at);
      byte[0] = (byte[0] as number) ^ 0x01;
      await file.write(byte, 0, 1, at);
    } finally {
      await file.close();
    }

    const [failed] = await Promise.all([
      colleague.page.waitForEvent('download', { timeout: TRANSFER_TIMEOUT }),
      row.getByTestId('file-download').click(),
    ]);
    await row.getByTestId('file-error').waitFor({ timeout: TRANSFER_TIMEOUT });
    expect(await row.getByTestId('file-error').textContent()).toContain('failed its integrity check');
    // The browser's own record of the download: failed, not complete.
    expect(await failed.failure()).not.toBeNull();
    expect(await row.getByTestId('file-done').count()).toBe(0);
    await sessions.finish(colleague);
  },
  2 * TRANSFER_TIMEOUT,
);
