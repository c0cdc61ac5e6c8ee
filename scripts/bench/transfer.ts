// The timed transfers of one size, each from a click to done in the real pages: the advisor
// encrypts and uploads a file to a guest (Send page, click → "sent"); the advisor downloads it
// again from the share's page; and the guest, in a fresh browser context, opens the link,
// asks for a code, types it from the mail and downloads (click → saved and "done"). Every
// saved file's SHA-256 must equal the original's. Around each: the server's and Chromium's
// memory and CPU (monitor.ts), and the server's resident memory SETTLE_MS after it ended.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Spawned } from '../../test/helpers/process.js';
import { testId, type PageDriver } from './chromium.js';
import { GUEST, SETTLE_MS } from './config.js';
import { sha256File } from './files.js';
import { openGuestFiles, type GuestTab } from './guest.js';
import { watchPhase, type PhaseFigures } from './monitor.js';
import type { Office } from './office.js';
import type { ChromiumProbe } from './probe.js';
import type { PhaseProfiler } from './profile.js';
import { resident } from './proc.js';

/** The server's own request log lines of a phase, summed per route: how long its side took. */
type RouteTimes = Map<string, { count: number; totalMs: number; maxMs: number }>;

export interface TransferFigures extends PhaseFigures {
  readonly routes: RouteTimes;
  /** The server's VmRSS SETTLE_MS after the phase ended. */
  readonly rssAfter: number;
}
export interface UploadFigures extends TransferFigures {
  /** From the Send page entering "uploading" to leaving it, or null when not seen. */
  readonly uploadingSeconds: number | null;
  /** The guest's link as the page showed it. */
  readonly guestLink: string;
}
export interface DownloadFigures extends TransferFigures {
  readonly hashMatches: boolean;
  /**
   * How long the bench itself took to read and hash the saved file. This is after the timer:
   * the user is done when the page says so and the browser has saved the file.
   */
  readonly checkSeconds: number;
}

export interface Timing {
  readonly office: Office;
  readonly profile: PhaseProfiler;
  readonly timeoutMs: number;
}

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

/** Watches a phase run by `act` (which returns once it is done); `act`'s errors are thrown after the figures are in. */
async function timed<T>(
  timing: Timing,
  probe: ChromiumProbe,
  label: string,
  act: () => Promise<T>,
): Promise<{ figures: TransferFigures; value: T }> {
  const { office } = timing;
  const profiled = await timing.profile(probe, label);
  const logFrom = office.coffer.server.stdout().length;
  const watch = await watchPhase(office.serverPid, probe);
  const started = performance.now();
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await act() };
  } catch (error) {
    outcome = { error };
  }
  const seconds = (performance.now() - started) / 1000;
  const figures = await watch.stop(seconds);
  await profiled();
  if ('error' in outcome) throw outcome.error;
  await sleep(SETTLE_MS);
  const rssAfter = resident(office.serverPid)?.rss ?? 0;
  return { figures: { ...figures, routes: routeTimes(office.coffer.server, logFrom), rssAfter }, value: outcome.value };
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

/** On the Send page: chooses the files at `paths` and adds the guest, without sending. */
export async function composeToGuest(page: PageDriver, paths: readonly string[]): Promise<void> {
  await page.click(testId('nav-send'));
  await page.waitFor(testId('send-page', { 'data-state': 'compose' }));
  await page.setInputFiles(testId('send-files'), paths);
  await page.waitFor(testId('send-file'));
  await page.fill(testId('send-recipient-input'), GUEST);
  await page.click(testId('send-recipient-add'));
  await page.waitFor(testId('send-recipient', { 'data-email': GUEST, 'data-kind': 'guest' }));
}

/** The guest's link as the sent page shows it. */
export async function shownGuestLink(page: PageDriver): Promise<string> {
  const link = await page.attribute(testId('guest-link-url'), 'data-value');
  if (!link) throw new Error('the sent page shows no guest link');
  return link;
}

/** Sends the file at `path` to the guest through the Send page. */
export async function timeUpload(timing: Timing, path: string, label: string): Promise<UploadFigures> {
  const { page, probe } = timing.office;
  await composeToGuest(page, [path]);
  await recordSendStates(page);
  const { figures } = await timed(timing, probe, `${label}-upload`, async () => {
    await page.click(testId('send-submit'));
    const sent = testId('send-page', { 'data-state': 'sent' });
    const outcome = await page.waitFor([sent, testId('send-error')], timing.timeoutMs);
    if (outcome !== sent) throw new Error(`the send failed: ${await page.text(testId('send-error'))}`);
  });
  return { ...figures, uploadingSeconds: await uploadingSeconds(page), guestLink: await shownGuestLink(page) };
}

/**
 * Presses Download on the (one) file row of `page`; done once the page says verified and the
 * browser has saved it. Answers where the browser saved it.
 */
async function downloadShown(timing: Timing, page: PageDriver): Promise<string> {
  const download = page.nextDownload(60_000);
  download.catch(() => undefined); // awaited below; a failed page must not leave it unhandled
  await page.click(testId('file-download'));
  const done = testId('file-row', { 'data-state': 'done' });
  const outcome = await page.waitFor([done, testId('file-row', { 'data-state': 'failed' })], timing.timeoutMs);
  if (outcome !== done) throw new Error(`the download failed: ${await page.text(testId('file-error'))}`);
  const state = await Promise.race([(await download).finished, sleep(60_000, 'timed out' as const, { ref: false })]);
  if (state !== 'completed') throw new Error(`the browser's download ended ${state}`);
  return join(timing.office.downloads, (await download).guid);
}

/** The saved file's SHA-256 against the original's, checked after the timer stopped; the file is removed. */
async function checkSaved(saved: string, sha256: string): Promise<{ hashMatches: boolean; checkSeconds: number }> {
  const checkStarted = performance.now();
  try {
    return {
      hashMatches: (await sha256File(saved)) === sha256,
      checkSeconds: (performance.now() - checkStarted) / 1000,
    };
  } finally {
    await rm(saved, { force: true });
  }
}

/** The advisor downloads the share's file from its page, right after sending it. */
export async function timeSenderDownload(timing: Timing, sha256: string, label: string): Promise<DownloadFigures> {
  const { page, probe } = timing.office;
  await page.click(testId('send-view-share'));
  await page.waitFor(testId('sent-share-page', { 'data-state': 'loaded' }), 60_000);
  await page.waitFor(testId('file-row'));
  const { figures, value } = await timed(timing, probe, `${label}-download`, () => downloadShown(timing, page));
  return { ...figures, ...(await checkSaved(value, sha256)) };
}

/** The guest opens `link` in a fresh browser context, proves the address with the mailed code, and downloads. */
export async function timeGuestDownload(
  timing: Timing,
  link: string,
  sha256: string,
  label: string,
): Promise<DownloadFigures> {
  const { office } = timing;
  let guest: GuestTab | undefined;
  try {
    guest = await openGuestFiles(office, link, timing.timeoutMs);
    const { page } = guest;
    await page.waitFor(testId('file-row'));
    const { figures, value } = await timed(timing, office.probeFor(page), `${label}-guest-download`, () =>
      downloadShown(timing, page),
    );
    return { ...figures, ...(await checkSaved(value, sha256)) };
  } finally {
    await guest?.close();
  }
}
