// One office for a part of the benchmark: a fresh server (the compiled program, as `npm start`
// runs it, with an empty data folder and a real SMTP server on loopback), the office set up
// through the setup link it printed, a fresh Chromium, and the admin signed in through the
// login page. Every size gets its own, so no figure carries over memory from the one before.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ready } from '../../shared/crypto/index.js';
import { makeAccount, makeOffice, setupRequest } from '../../test/helpers/browser.js';
import { startCoffer, type Coffer } from '../../test/e2e/support/coffer.js';
import { launch, testId, type Chromium, type PageDriver } from './chromium.js';
import { ADVISOR, SETTLE_MS } from './config.js';
import { chromiumProbes, type ChromiumProbe } from './probe.js';
import { resident } from './proc.js';

export interface Office {
  readonly coffer: Coffer;
  readonly chromium: Chromium;
  /** The advisor's tab, signed in. */
  readonly page: PageDriver;
  readonly probe: ChromiumProbe;
  /** Makes a probe for another tab of the same Chromium (a guest's). */
  readonly probeFor: (page: PageDriver) => ChromiumProbe;
  /** Where the browser saves downloads (each as its guid). */
  readonly downloads: string;
  readonly serverPid: number;
  /** The server's VmRSS once the office was set up and the advisor signed in, after SETTLE_MS idle. */
  readonly idleRss: number;
  /** Console errors and uncaught exceptions of the office's tabs that are closed already (guests'). */
  readonly problems: string[];
  close(): Promise<void>;
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
 * Starts an office in `work` (a folder of its own, removed again on close, with its browser
 * profile and downloads) and signs the advisor in. `failures` collects a server that does not
 * exit cleanly when the office is closed.
 */
export async function openOffice(work: string, failures: string[]): Promise<Office> {
  await mkdir(join(work, 'downloads'), { recursive: true });
  // BENCH_NODE_OPTIONS (scripts/bench.ts's header): Node and V8 flags for the server under test.
  const flags = process.env['BENCH_NODE_OPTIONS'];
  const coffer = await startCoffer('coffer-bench-data-', flags ? { NODE_OPTIONS: flags } : {});
  let chromium: Chromium | undefined;
  const close = async (): Promise<void> => {
    await chromium?.close().catch(() => undefined);
    // SIGTERM to the server started here (by its own handle), then the mail server.
    const code = await coffer.stop();
    if (code !== null && code !== 0)
      failures.push(`the server exited with ${code} on SIGTERM\n${coffer.server.stderr()}`);
    // The stored files and the browser profile are not needed again: free the disk for the next size.
    await rm(coffer.dataDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  };
  try {
    await setUpOffice(coffer.origin, coffer.setupLink);
    chromium = await launch(join(work, 'chromium'));
    const downloads = join(work, 'downloads');
    await chromium.allowDownloads(downloads);
    const probeFor = await chromiumProbes(chromium);
    const page = await chromium.newPage();
    await page.start();
    await signIn(page, coffer.origin);
    const serverPid = coffer.server.child.pid ?? 0;
    await sleep(SETTLE_MS);
    return {
      coffer,
      chromium,
      page,
      probe: probeFor(page),
      probeFor,
      downloads,
      serverPid,
      idleRss: resident(serverPid)?.rss ?? 0,
      problems: [],
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
