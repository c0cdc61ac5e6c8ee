// The two ways a large download reaches the disk, measured against each other on one office:
// the download service worker (what "Download" does) and a file the page opened with the File
// System Access API (what "Save as…" does), where the crypto worker writes straight into the
// file and no service worker sits between. The dialog cannot be answered in a headless
// browser, so for the second path the page's showSaveFilePicker answers with a file of the
// origin's private file system: the same writable-file stream, without the dialog.
//
//   npm run build && BENCH_MIB=1024 BENCH_ROUNDS=3 npx tsx scripts/bench-save-paths.ts
//
// Each round downloads the file once each way (the order alternates; BENCH_WAYS=worker or
// =file for one way only), timed from the click to the row's "done"; every saved file's
// SHA-256 must equal the original's (checked after the timer). Prints the time of each
// download and the CPU Chromium's threads spent on it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../test/helpers/tmp.js';
import { testId, type PageDriver } from './bench/chromium.js';
import { MIB, sha256File, writeRandomFile } from './bench/files.js';
import { openOffice, type Office } from './bench/office.js';
import { threadCpu } from './bench/proc.js';
import { composeToGuest } from './bench/transfer.js';

const SIZE_MIB = Number(process.env['BENCH_MIB'] ?? 1024);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** `worker`, `file`, or both (the default), in the order given for the first round. */
const WAYS = (process.env['BENCH_WAYS'] ?? 'worker,file').split(',');
if (WAYS.length === 0 || WAYS.some((way) => way !== 'worker' && way !== 'file')) {
  console.error('BENCH_WAYS lists worker and/or file, separated by a comma');
  process.exit(2);
}
if (!Number.isInteger(SIZE_MIB) || SIZE_MIB < 101 || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error('BENCH_MIB must be a whole number above 100 (smaller files are not streamed), BENCH_ROUNDS at least 1');
  process.exit(2);
}

/** Every Chromium thread's CPU seconds by name, summed over the browser's processes. */
function chromiumCpu(pids: readonly number[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const pid of pids) for (const [name, s] of threadCpu(pid)) total.set(name, (total.get(name) ?? 0) + s);
  return total;
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [name, s] of after) delta.set(name, s - (before.get(name) ?? 0));
  return delta;
}

/** The page's picker answers with a file of the origin's private file system (see the top). */
const PRIVATE_FILE_PICKER = `(() => {
  window.showSaveFilePicker = async ({ suggestedName }) => {
    const root = await navigator.storage.getDirectory();
    return root.getFileHandle(suggestedName, { create: true });
  };
  return true;
})()`;

async function privateFileSha256(page: PageDriver, name: string): Promise<string> {
  return page.evaluate<string>(`(async () => {
    const root = await navigator.storage.getDirectory();
    const file = await (await root.getFileHandle(${JSON.stringify(name)})).getFile();
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
    await root.removeEntry(${JSON.stringify(name)});
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  })()`);
}

async function rowDone(page: PageDriver): Promise<void> {
  const done = testId('file-row', { 'data-state': 'done' });
  const outcome = await page.waitFor([done, testId('file-row', { 'data-state': 'failed' })], 10 * 60_000);
  if (outcome !== done) throw new Error(`the download failed: ${await page.text(testId('file-error'))}`);
}

/** Opens the share's page afresh, so the row starts idle. */
async function openShare(page: PageDriver, shareUrl: string): Promise<void> {
  await page.goto(shareUrl);
  await page.waitFor(testId('sent-share-page', { 'data-state': 'loaded' }), 60_000);
  await page.waitFor(testId('file-row'));
}

async function viaServiceWorker(office: Office, sha256: string): Promise<number> {
  const { page } = office;
  const download = page.nextDownload(60_000);
  download.catch(() => undefined);
  const started = performance.now();
  await page.click(testId('file-download'));
  await rowDone(page);
  const seconds = (performance.now() - started) / 1000;
  const state = await Promise.race([(await download).finished, sleep(60_000, 'timed out' as const, { ref: false })]);
  if (state !== 'completed') throw new Error(`the browser's download ended ${state}`);
  const saved = join(office.downloads, (await download).guid);
  const matches = (await sha256File(saved)) === sha256;
  await rm(saved, { force: true });
  if (!matches) throw new Error('the service worker download differs from the original');
  return seconds;
}

async function viaFile(office: Office, sha256: string, name: string): Promise<number> {
  const { page } = office;
  const started = performance.now();
  await page.click(testId('file-save-as'));
  await rowDone(page);
  const seconds = (performance.now() - started) / 1000;
  if ((await privateFileSha256(page, name)) !== sha256) throw new Error('the saved file differs from the original');
  return seconds;
}

const work = await tempDir('coffer-bench-save-');
const failures: string[] = [];
let office: Office | undefined;
try {
  const path = join(work, 'bench.bin');
  const name = 'bench.bin';
  const sha256 = await writeRandomFile(path, SIZE_MIB * MIB);
  office = await openOffice(join(work, 'office'), failures);
  const { page } = office;
  await composeToGuest(page, [path]);
  await page.click(testId('send-submit'));
  await page.waitFor(testId('send-page', { 'data-state': 'sent' }), 10 * 60_000);
  await page.click(testId('send-view-share'));
  await page.waitFor(testId('sent-share-page', { 'data-state': 'loaded' }), 60_000);
  const shareUrl = await page.evaluate<string>('location.href');
  // Before any script of the page runs: the row binds the picker when it renders.
  await page.send('Page.addScriptToEvaluateOnNewDocument', { source: PRIVATE_FILE_PICKER });
  const pids = async (): Promise<number[]> => (await office!.probe.processes()).map((p) => p.pid);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? WAYS : [...WAYS].reverse();
    for (const way of order) {
      await openShare(page, shareUrl);
      await sleep(3_000);
      const before = chromiumCpu(await pids());
      const seconds = way === 'worker' ? await viaServiceWorker(office, sha256) : await viaFile(office, sha256, name);
      const cpu = cpuDelta(before, chromiumCpu(await pids()));
      const top = [...cpu]
        .filter(([, s]) => s >= 0.3)
        .sort((a, b) => b[1] - a[1])
        .map(([n, s]) => `${n} ${s.toFixed(2)} s`)
        .join(', ');
      const all = [...cpu.values()].reduce((sum, s) => sum + s, 0);
      const line = `round ${round + 1} ${way === 'worker' ? 'service worker' : 'Save as (file)'}: ${seconds.toFixed(2)} s, ${(SIZE_MIB / seconds).toFixed(1)} MiB/s; Chromium CPU ${all.toFixed(2)} s: ${top}`;
      console.log(line);
    }
  }
} finally {
  await office?.close();
  await rm(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exitCode = 1;
}
