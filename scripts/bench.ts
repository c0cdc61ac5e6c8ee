// npm run bench — end-to-end throughput and memory of sending and downloading a large file
// through the real pages, in headless Chromium against the compiled server (docs/operations.md, office scale):
//
//   1. the server program (dist/server, as `npm start` runs it) on 127.0.0.1 with a temporary
//      data folder and mail to a real SMTP server on loopback; the office is set up through
//      the setup link the server printed, and the admin signs in through the login page;
//   2. for a 256 MiB file and one of BENCH_MIB MiB (default 1024), random, on disk: the Send
//      page encrypts and uploads it to a guest (the file chosen by path, Send, wait for the
//      page to say it was sent), then the share's page downloads it (over 100 MiB that streams
//      through the service worker) and the browser saves it; its SHA-256 must equal the
//      original's;
//   3. during each phase: the server's VmRSS every 100 ms and its VmHWM, the JS heap (and
//      ArrayBuffer storage) of the page, the crypto worker and the service worker every
//      250 ms, Chromium's processes' RSS, and CPU seconds per process and thread.
//
// Chromium is driven over its DevTools pipe directly (bench/chromium.ts), not by Playwright:
// Playwright enables the Network domain on every page and worker, and with it on, uploads
// from the crypto worker ran at about 13 MiB/s, so the figures would be DevTools'. Set
// BENCH_PROFILE=<folder> to save V8 CPU profiles of each phase and print the busiest functions.
//
// A measurement, not a test: it fails (exit 1) only when something did not work, never
// because it was slow. Requires a build (`npm run bench` builds first).
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ready } from '../shared/crypto/index.js';
import { makeAccount, makeOffice, setupRequest } from '../test/helpers/browser.js';
import type { Spawned } from '../test/helpers/process.js';
import { removeTempDirs, tempDir } from '../test/helpers/tmp.js';
import { startCoffer, type Coffer } from '../test/e2e/support/coffer.js';
import { launch, testId, type Chromium, type PageDriver } from './bench/chromium.js';
import { MIB, sha256File, writeRandomFile } from './bench/files.js';
import { watchPhase } from './bench/monitor.js';
import { probeChromium, type ChromiumProbe } from './bench/probe.js';
import { selfTimes, type CpuProfile } from './bench/profile.js';
import { mibps, table, timeReport, type RouteTimes, type SizeResult } from './bench/report.js';

const BENCH_MIB = Number(process.env['BENCH_MIB'] ?? 1024);
if (!Number.isInteger(BENCH_MIB) || BENCH_MIB < 1) {
  console.error('BENCH_MIB must be a whole number of MiB (default 1024)');
  process.exit(2);
}
const SIZES_MIB = [...new Set([256, BENCH_MIB])].sort((a, b) => a - b);
/** A folder: when set, each phase is profiled (page and workers) and the profiles saved there. */
const PROFILE_DIR = process.env['BENCH_PROFILE'];
const ADVISOR = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const GUEST = 'klant@example.com';
/** A phase that takes longer than this at any plausible speed has hung. */
const PHASE_TIMEOUT_MS = Math.max(120_000, BENCH_MIB * 1_000);

/** Sums the server's request log (one JSON line per request: method, route, status, ms) from `from` on. */
function routeTimes(server: Spawned, from: number): RouteTimes {
  const routes: RouteTimes = new Map();
  for (const line of server.stdout().slice(from).split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: string; method?: string; route?: string; status?: number; ms?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg !== 'request' || entry.ms === undefined) continue;
    const key = `${entry.method} ${entry.route} ${entry.status}`;
    const sums = routes.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
    sums.count++;
    sums.totalMs += entry.ms;
    sums.maxMs = Math.max(sums.maxMs, entry.ms);
    routes.set(key, sums);
  }
  return routes;
}

/** Disk for the plaintext, the stored container and the saved download, with room to spare. */
async function checkDiskSpace(dir: string): Promise<void> {
  const { bavail, bsize } = await statfs(dir);
  const free = bavail * bsize;
  const largest = Math.max(...SIZES_MIB) * MIB;
  const needed = SIZES_MIB.reduce((total, mib) => total + mib * MIB * 1.01, 0) + 2 * largest + 512 * MIB;
  if (free < needed) throw new Error(`not enough disk in ${dir}: ${gib(free)} free, ${gib(needed)} needed`);
}

function gib(bytes: number): string {
  return `${(bytes / 1024 / MIB).toFixed(1)} GiB`;
}

/** The first-run setup as the admin's browser would send it (keys made in Node: it is not what is measured). */
async function setUpOffice(origin: string, setupLink: string): Promise<void> {
  const token = new URL(setupLink).hash.slice(1);
  await ready();
  const office = makeOffice('Kantoor Jansen');
  const admin = makeAccount(ADVISOR);
  const response = await fetch(`${origin}/api/v1/setup/complete`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify(setupRequest(token, office, admin)),
  });
  if (response.status !== 200) throw new Error(`setup failed: HTTP ${response.status} ${await response.text()}`);
}

async function signIn(page: PageDriver, origin: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.fill(testId('login-email'), ADVISOR.email);
  await page.fill(testId('login-password'), ADVISOR.password);
  await page.click(testId('login-submit'));
  const where = await page.waitFor([testId('app-shell'), testId('login-error')], 60_000);
  if (where !== testId('app-shell')) throw new Error(`sign-in failed: ${await page.text(testId('login-error'))}`);
}

/**
 * Records, in the page, when the Send page's state (compose → checking → uploading →
 * sealing → sending → sent) changes, so the uploading phase alone can be timed too.
 */
async function recordSendStates(page: PageDriver): Promise<void> {
  await page.evaluate(`{
    const seen = [];
    let last = '';
    new MutationObserver(() => {
      const state = document.querySelector('[data-testid="send-page"]')?.getAttribute('data-state') ?? '';
      if (state !== last) seen.push({ state, at: performance.now() });
      last = state;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    globalThis.benchSendStates = seen;
  }`);
}

async function uploadingSeconds(page: PageDriver): Promise<number | null> {
  const seen = await page.evaluate<{ state: string; at: number }[]>('globalThis.benchSendStates ?? []');
  const start = seen.find((s) => s.state === 'uploading')?.at;
  const end = seen.find((s) => s.state === 'sealing' || s.state === 'sending' || s.state === 'sent')?.at;
  return start !== undefined && end !== undefined ? (end - start) / 1000 : null;
}

/** Sends `path` to the guest through the Send page; returns the figures. */
async function timeUpload(
  page: PageDriver,
  path: string,
  label: string,
  server: Spawned,
  probe: ChromiumProbe,
): Promise<NonNullable<SizeResult['upload']>> {
  await page.click(testId('nav-send'));
  await page.waitFor(testId('send-page', { 'data-state': 'compose' }));
  await page.setInputFiles(testId('send-files'), [path]);
  await page.waitFor(testId('send-file'));
  await page.fill(testId('send-recipient-input'), GUEST);
  await page.click(testId('send-recipient-add'));
  await page.waitFor(testId('send-recipient', { 'data-email': GUEST, 'data-kind': 'guest' }));
  await recordSendStates(page);

  const profiled = await profilePhase(probe, `${label}-upload`);
  const logFrom = server.stdout().length;
  const watch = await watchPhase(server.child.pid ?? 0, probe);
  const started = performance.now();
  await page.click(testId('send-submit'));
  const sent = testId('send-page', { 'data-state': 'sent' });
  const outcome = await page.waitFor([sent, testId('send-error')], PHASE_TIMEOUT_MS);
  const seconds = (performance.now() - started) / 1000;
  const figures = await watch.stop(seconds);
  await profiled();
  if (outcome !== sent) throw new Error(`the send failed: ${await page.text(testId('send-error'))}`);
  return { ...figures, uploadingSeconds: await uploadingSeconds(page), routes: routeTimes(server, logFrom) };
}

/** Downloads the share's file from its sent page; the saved file's hash must be `sha256`. */
async function timeDownload(
  page: PageDriver,
  downloads: string,
  sha256: string,
  label: string,
  server: Spawned,
  probe: ChromiumProbe,
): Promise<{ figures: NonNullable<SizeResult['download']>; hashMatches: boolean }> {
  await page.click(testId('send-view-share'));
  await page.waitFor(testId('sent-share-page', { 'data-state': 'loaded' }), 60_000);
  await page.waitFor(testId('file-row'));

  const profiled = await profilePhase(probe, `${label}-download`);
  const logFrom = server.stdout().length;
  const watch = await watchPhase(server.child.pid ?? 0, probe);
  const started = performance.now();
  const download = page.nextDownload(60_000);
  download.catch(() => undefined); // awaited below; a failed page must not leave it unhandled
  await page.click(testId('file-download'));
  // Both must finish: the page saying the file verified, and the browser's file on disk.
  const done = testId('file-row', { 'data-state': 'done' });
  const outcome = await page.waitFor([done, testId('file-row', { 'data-state': 'failed' })], PHASE_TIMEOUT_MS);
  const state =
    outcome === done
      ? await Promise.race([
          (await download).finished,
          new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), 60_000).unref()),
        ])
      : null;
  const seconds = (performance.now() - started) / 1000;
  const figures = await watch.stop(seconds);
  await profiled();
  if (outcome !== done) throw new Error(`the download failed: ${await page.text(testId('file-error'))}`);
  if (state !== 'completed') throw new Error(`the browser's download ended ${state}`);
  const saved = join(downloads, (await download).guid);
  const hashMatches = (await sha256File(saved)) === sha256;
  await rm(saved, { force: true });
  return { figures: { ...figures, routes: routeTimes(server, logFrom) }, hashMatches };
}

/** Profiles a phase when BENCH_PROFILE is set: saves each target's .cpuprofile and notes its busiest functions. */
async function profilePhase(probe: ChromiumProbe, label: string): Promise<() => Promise<void>> {
  if (PROFILE_DIR === undefined) return async () => {};
  const stop = await probe.profile();
  return async () => {
    await mkdir(PROFILE_DIR, { recursive: true });
    for (const [target, profile] of await stop()) {
      const file = join(PROFILE_DIR, `${label}-${target}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      profileNotes.push(`${label}, ${target} (${file}):\n    ${selfTimes(profile as CpuProfile).join('\n    ')}`);
    }
  };
}
const profileNotes: string[] = [];

// ---- the run

const failures: string[] = [];
const results: SizeResult[] = [];
let coffer: Coffer | undefined;
let chromium: Chromium | undefined;

async function cleanUp(): Promise<void> {
  await chromium?.close().catch(() => undefined);
  // SIGTERM to the server this script started (by its own handle), then the mail server.
  const code = await coffer?.stop();
  if (code !== undefined && code !== 0)
    failures.push(`the server exited with ${code} on SIGTERM\n${coffer?.server.stderr() ?? ''}`);
  await removeTempDirs();
}

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true; // the run stops at its next step; nothing more is reported
  console.error('\ninterrupted: cleaning up');
  void cleanUp().finally(() => process.exit(130));
});

try {
  const work = await tempDir('coffer-bench-');
  await checkDiskSpace(work);
  const downloads = join(work, 'downloads');
  await mkdir(downloads);
  coffer = await startCoffer('coffer-bench-data-');
  await setUpOffice(coffer.origin, coffer.setupLink);

  chromium = await launch(join(work, 'chromium'));
  await chromium.allowDownloads(downloads);
  const page = await chromium.newPage();
  await page.start();
  await signIn(page, coffer.origin);
  const probe = await probeChromium(chromium, page);
  console.log(
    `Coffer benchmark: ${SIZES_MIB.map((m) => `${m} MiB`).join(' and ')}, ${await chromium.version()} headless, server PID ${coffer.server.child.pid}, loopback`,
  );

  for (const mib of SIZES_MIB) {
    if (interrupted) break;
    const path = join(work, `bench-${mib}MiB.bin`);
    let result: SizeResult = { mib };
    try {
      process.stdout.write(`${mib} MiB: writing the file … `);
      const sha256 = await writeRandomFile(path, mib * MIB);
      process.stdout.write('uploading … ');
      const upload = await timeUpload(page, path, `${mib}MiB`, coffer.server, probe);
      result = { ...result, upload };
      process.stdout.write(`${mibps(mib, upload.seconds)}; downloading … `);
      const { figures: download, hashMatches } = await timeDownload(
        page,
        downloads,
        sha256,
        `${mib}MiB`,
        coffer.server,
        probe,
      );
      result = { ...result, download, hashMatches };
      console.log(`${mibps(mib, download.seconds)}, SHA-256 ${hashMatches ? 'matches' : 'DIFFERS'}`);
      if (!hashMatches) failures.push(`${mib} MiB: the downloaded file's SHA-256 differs from the original's`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (interrupted) break;
      console.log('failed');
      failures.push(`${mib} MiB: ${message}`);
      result = { ...result, error: message };
    } finally {
      results.push(result);
      await rm(path, { force: true });
    }
  }

  if (interrupted) throw new Error('interrupted');
  console.log(`\n${table(results)}\n`);
  console.log('Where the time went:');
  for (const r of results) {
    if (r.upload) console.log(timeReport(`${r.mib} MiB upload`, r.upload));
    if (r.download) console.log(timeReport(`${r.mib} MiB download`, r.download));
  }
  if (results.some((r) => r.upload && !r.upload.server.hwmSincePhaseStart)) {
    console.log('\n(VmHWM could not be reset per phase here: it is the peak since the server started.)');
  }
  if (profileNotes.length > 0) console.log(`\nBusiest functions (self time):\n  ${profileNotes.join('\n  ')}`);
  if (page.problems.length > 0) console.log(`\nThe page reported:\n  ${page.problems.join('\n  ')}`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await cleanUp();
}

if (failures.length > 0 && !interrupted) {
  console.error(`\nThe benchmark did not complete:\n- ${failures.join('\n- ')}`);
  process.exitCode = 1;
}
