// The batch figure of `npm run bench` (scripts/bench.ts calls measureBatch): a month of
// payslips — BATCH_FILES files of BATCH_FILE_KIB KiB, each to its own recipient — sent from a
// CSV list on the "Send many files" page in headless Chromium against the compiled server, on
// an office of its own. Timed from the click on Send to the batch's report on screen (every
// share made; the links for the office's own mail merge waiting to be saved). Around it: the
// server's peak resident memory, and where the server's time went, summed per route from its
// own request log; what is left of the wall time was the browser's (encrypting, sealing,
// signing, and the page waiting on the network). The recipients are guests at new addresses
// (links for the mail merge), so nothing but the batch itself is set up.
//
// Run alone: `npm run build && tsx scripts/bench-batch.ts`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { removeTempDirs, tempDir } from '../test/helpers/tmp.js';
import { testId } from './bench/chromium.js';
import { openOffice } from './bench/office.js';
import { resetPeak, resident } from './bench/proc.js';

const BATCH_FILES = 200;
const BATCH_FILE_KIB = 150;
const TIMEOUT_MS = 30 * 60 * 1000;

/** The server's request log from `from` on, summed per route: count and milliseconds. */
function serverTime(stdout: string): Map<string, { count: number; ms: number }> {
  const routes = new Map<string, { count: number; ms: number }>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: string; method?: string; route?: string; ms?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg !== 'request' || entry.ms === undefined) continue;
    const key = `${entry.method} ${entry.route}`;
    const sum = routes.get(key) ?? { count: 0, ms: 0 };
    sum.count++;
    sum.ms += entry.ms;
    routes.set(key, sum);
  }
  return routes;
}

/** Sends the batch and returns the lines to print: the figure first, then where the time went. */
export async function measureBatch(work: string, failures: string[]): Promise<string[]> {
  const files = join(work, 'batch-files');
  await mkdir(files, { recursive: true });
  const paths: string[] = [];
  const list = ['file,email'];
  for (let i = 0; i < BATCH_FILES; i++) {
    const name = `payslip-${String(10_000 + i)}.pdf`;
    const path = join(files, name);
    await writeFile(path, randomBytes(BATCH_FILE_KIB * 1024));
    paths.push(path);
    list.push(`${name},employee${i}@example.org`);
  }
  const listPath = join(work, 'batch-list.csv');
  await writeFile(listPath, `${list.join('\n')}\n`);

  const office = await openOffice(join(work, 'batch-office'), failures);
  try {
    const { page, serverPid } = office;
    await page.click(testId('nav-send'));
    await page.click(testId('send-many-link'));
    await page.waitFor(testId('batch-page', { 'data-state': 'compose' }));
    await page.setInputFiles(testId('batch-files'), paths);
    await page.setInputFiles(testId('batch-list'), [listPath]);
    await page.waitFor(testId('batch-preview', { 'data-blocked': 'false' }), 60_000);
    // Send is enabled once the list's new addresses were checked for colleagues, as a person waits for it.
    await page.waitFor(`${testId('batch-send')}:not([disabled])`, 60_000);
    const logFrom = office.coffer.server.stdout().length;
    const peakReset = resetPeak(serverPid);
    const started = performance.now();
    await page.click(testId('batch-send'));
    await page.waitFor(testId('batch-view', { 'data-run': 'active' }), 60_000);
    const ended = await page.waitFor([testId('batch-export'), testId('batch-error')], TIMEOUT_MS);
    const seconds = (performance.now() - started) / 1000;
    if (ended !== testId('batch-export'))
      throw new Error(`the batch failed: ${await page.text(testId('batch-error'))}`);
    const peak = resident(serverPid)?.hwm ?? 0;
    const mib = (BATCH_FILES * BATCH_FILE_KIB) / 1024;
    const routes = [...serverTime(office.coffer.server.stdout().slice(logFrom)).entries()].sort(
      (a, b) => b[1].ms - a[1].ms,
    );
    const serverMs = routes.reduce((sum, [, r]) => sum + r.ms, 0);
    return [
      `${BATCH_FILES} files × ${BATCH_FILE_KIB} KiB to ${BATCH_FILES} recipients: ${seconds.toFixed(1)} s from Send to the report ` +
        `(${(BATCH_FILES / seconds).toFixed(1)} files/s, ${(mib / seconds).toFixed(2)} MiB/s); ` +
        `server peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB${peakReset ? '' : ' (since start: the kernel would not reset the peak)'}`,
      `  server time in requests: ${(serverMs / 1000).toFixed(1)} s summed over ${routes.reduce((n, [, r]) => n + r.count, 0)} requests (items overlap, so this can exceed the wall time)`,
      ...routes
        .slice(0, 6)
        .map(
          ([route, r]) =>
            `    ${route}: ${r.count} × ${(r.ms / r.count).toFixed(1)} ms = ${(r.ms / 1000).toFixed(1)} s`,
        ),
    ];
  } finally {
    await office.close();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const failures: string[] = [];
  try {
    const lines = await measureBatch(await tempDir('coffer-bench-batch-'), failures);
    console.log(lines.join('\n'));
  } finally {
    await removeTempDirs();
  }
  if (failures.length > 0) {
    console.error(failures.join('\n'));
    process.exitCode = 1;
  }
}
