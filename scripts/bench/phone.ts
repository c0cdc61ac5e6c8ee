// What a phone downloads before one of the pages people open from a mail can be used: the link
// opened in a fresh browser context (nothing cached) with a phone's screen, until the page's
// first control is enabled (the guest page's and the drop page's "Send me a code", the sign-in
// page's "Sign in"). That moment is taken in the page itself (a MutationObserver installed
// before the page's own scripts), and only what the page and its workers started fetching
// before it is counted; what starts after (the crypto worker and what else loads in the background) is
// listed apart. The files come from the page's Resource Timing entries (no DevTools network
// monitoring is switched on). Each built file is then fetched from the server again as a
// phone's browser asks for it, `Accept-Encoding: br, gzip` (whatever this Chromium asked for on
// plain-http loopback), and as a gzip-only browser would, and the bytes the server sent on the
// wire are counted.
import { get } from 'node:http';
import { testId } from './chromium.js';
import { newGuestTab, type GuestTab } from './guest.js';
import type { Office } from './office.js';

interface Entry {
  readonly name: string;
  readonly initiatorType: string;
  /** Milliseconds since the epoch (the timeline's origin plus the entry's start). */
  readonly startedAt: number;
  readonly encodedBodySize: number;
  readonly decodedBodySize: number;
}

/** What the server sent for one request: body bytes on the wire and its Content-Encoding. */
interface Sent {
  readonly bytes: number;
  readonly encoding: string | null;
}

interface PhoneResource extends Entry {
  readonly kind: 'script' | 'wasm' | 'other';
  /** The same URL fetched with `Accept-Encoding: br, gzip`, or null (not a built file: API answers). */
  readonly sentBr: Sent | null;
  /** The same, with `Accept-Encoding: gzip`. */
  readonly sentGzip: Sent | null;
}

export interface PhonePage {
  /** The page measured, as the summary names it. */
  readonly page: string;
  /** Everything the page and its workers started fetching before the button was enabled, the page itself first. */
  readonly resources: readonly PhoneResource[];
  /** Started after the button was enabled: the crypto worker and what else the page loads in the background (waited for, up to a minute). */
  readonly later: readonly PhoneResource[];
  /** Sums over scripts and wasm fetched before the button was enabled. */
  readonly scripts: {
    readonly count: number;
    /** As this Chromium received them. */
    readonly wire: number;
    readonly decoded: number;
    /** As the server sends them to a browser that accepts br and gzip. */
    readonly sentBr: number;
    /** As the server sends them to a browser that accepts gzip only. */
    readonly sentGzip: number;
  };
  /** Sums over everything before the button was enabled (page, styles, icons, API answers). */
  readonly all: { readonly wire: number; readonly decoded: number; readonly sentBr: number };
  /** The Content-Encoding the server answered the first script with for `br, gzip` (null: none). */
  readonly serverEncoding: string | null;
  /** From navigation start to the button enabled (taken in the page), seconds. */
  readonly usableAfterSeconds: number;
}

/** A page to measure: the link a phone opens, and the control whose enabling makes it usable. */
export interface PhoneTarget {
  /** How the summary names it: "guest page", "drop page", "sign-in page". */
  readonly page: string;
  readonly link: string;
  /** The control's test id; the page is usable once it is in the document and not disabled. */
  readonly control: string;
}

const enabled = (control: string): string => `${testId(control)}:not([disabled])`;

/** Runs in the page before its own scripts: notes when the control first appears enabled. */
const WATCH_CONTROL = (control: string): string => `(() => {
  const observer = new MutationObserver(() => {
    if (document.querySelector(${JSON.stringify(enabled(control))}) === null) return;
    globalThis.__benchUsableAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
})()`;

const ENTRIES = `[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
  name: e.name, initiatorType: e.initiatorType, startedAt: performance.timeOrigin + e.startTime,
  encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize,
}))`;

function kindOf(entry: Entry): PhoneResource['kind'] {
  const path = new URL(entry.name).pathname;
  if (path.endsWith('.wasm')) return 'wasm';
  return path.endsWith('.js') || path.endsWith('.mjs') ? 'script' : 'other';
}

/** A GET over a plain socket; the body bytes as sent (nothing decompressed) and the Content-Encoding. */
function sentBytes(url: string, acceptEncoding: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        else resolve({ bytes, encoding: res.headers['content-encoding'] ?? null });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** A built file of the client (or the page itself) is fetched again; API answers are not. */
function isBuiltFile(url: string, origin: string): boolean {
  const parsed = new URL(url);
  if (parsed.origin !== origin) return false;
  return parsed.pathname.startsWith('/assets/') || parsed.pathname === '/sw.js' || parsed.pathname.startsWith('/s/');
}

async function describe(entry: Entry, origin: string): Promise<PhoneResource> {
  const built = isBuiltFile(entry.name, origin);
  return {
    ...entry,
    kind: kindOf(entry),
    sentBr: built ? await sentBytes(entry.name, 'br, gzip') : null,
    sentGzip: built ? await sentBytes(entry.name, 'gzip') : null,
  };
}

/** Whether the crypto worker's script (assets/worker-*.js) was fetched, and how many files the page has fetched. */
const FETCHED = `(() => {
  const entries = performance.getEntriesByType('resource');
  return { worker: entries.some((e) => new URL(e.name).pathname.startsWith('/assets/worker-')), count: entries.length };
})()`;

/** Nothing new fetched for this long counts as the page having finished what it loads in the background. */
const QUIET_MS = 1_500;

/**
 * Waits up to a minute for what the page loads in the background once it is usable: the crypto
 * worker's script, and anything else (a page that asks for a new password loads the strength
 * estimator), until nothing new was fetched for QUIET_MS. A page that never loads the worker
 * shows that in the list.
 */
async function waitForBackgroundLoads(page: GuestTab['page']): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const { worker, count } = await page.evaluate<{ worker: boolean; count: number }>(FETCHED);
    if (count !== last) {
      last = count;
      quietSince = Date.now();
    } else if (worker && Date.now() - quietSince >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function measurePhonePage(office: Office, target: PhoneTarget): Promise<PhonePage> {
  const guest = await newGuestTab(office, { phone: true });
  try {
    const { page } = guest;
    await page.send('Page.addScriptToEvaluateOnNewDocument', { source: WATCH_CONTROL(target.control) });
    await page.goto(target.link);
    await page.waitFor(enabled(target.control), 60_000);
    const usableAfterMs = await page.evaluate<number>('globalThis.__benchUsableAt');
    const usableAt = (await page.evaluate<number>('performance.timeOrigin')) + usableAfterMs;
    // The page then loads the crypto worker (and perhaps more) in the background: wait for it, to list it apart.
    await waitForBackgroundLoads(page);
    const fetched = [
      ...(await page.evaluate<Entry[]>(ENTRIES)),
      ...(await page.evaluateInWorkers<Entry[]>(ENTRIES)).flat(),
    ];
    // A URL fetched twice (the logo as icon and as image) came from the cache the second time.
    const entries = fetched.filter((entry, i) => fetched.findIndex((e) => e.name === entry.name) === i);
    const origin = office.coffer.origin;
    const resources: PhoneResource[] = [];
    const later: PhoneResource[] = [];
    for (const entry of entries) (entry.startedAt <= usableAt ? resources : later).push(await describe(entry, origin));
    const scripts = resources.filter((r) => r.kind !== 'other');
    const sum = (list: readonly PhoneResource[], pick: (r: PhoneResource) => number | undefined): number =>
      list.reduce((total, r) => total + (pick(r) ?? 0), 0);
    return {
      page: target.page,
      resources,
      later,
      scripts: {
        count: scripts.length,
        wire: sum(scripts, (r) => r.encodedBodySize),
        decoded: sum(scripts, (r) => r.decodedBodySize),
        sentBr: sum(scripts, (r) => r.sentBr?.bytes),
        sentGzip: sum(scripts, (r) => r.sentGzip?.bytes),
      },
      all: {
        wire: sum(resources, (r) => r.encodedBodySize),
        decoded: sum(resources, (r) => r.decodedBodySize),
        // API answers are not fetched again: as Chromium received them.
        sentBr: sum(resources, (r) => r.sentBr?.bytes ?? r.encodedBodySize),
      },
      serverEncoding: scripts[0]?.sentBr?.encoding ?? null,
      usableAfterSeconds: usableAfterMs / 1000,
    };
  } finally {
    await guest.close();
  }
}
