// What a guest's phone downloads before the guest page can be used: the guest link opened in a
// fresh browser context (nothing cached) with a phone's screen, until the "Send me a code"
// button is enabled. The sizes come from the Resource Timing entries of the page and of its
// workers (encodedBodySize: the body as it came over the wire, compressed if the server
// compressed it), so no DevTools network monitoring is switched on. The server's own
// compression is checked separately, and the same files are gzipped and brotli'd from
// dist/client here, so the figure for a compressing server (or proxy) is there too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ROOT } from '../../test/helpers/process.js';
import { testId } from './chromium.js';
import { newGuestTab } from './guest.js';
import type { Office } from './office.js';

interface Entry {
  readonly name: string;
  readonly initiatorType: string;
  readonly encodedBodySize: number;
  readonly decodedBodySize: number;
}

interface PhoneResource extends Entry {
  readonly kind: 'script' | 'wasm' | 'other';
  /** The same file from dist/client, gzip level 6 (what a compressing proxy typically sends), bytes. */
  readonly gzip: number | null;
  /** The same file, brotli quality 11 (as precompressed files would be served), bytes. */
  readonly brotli: number | null;
}

export interface PhonePage {
  /** Every resource fetched by the page and its workers until the button was enabled, the page itself first. */
  readonly resources: readonly PhoneResource[];
  /** Sums over scripts and wasm. */
  readonly scripts: {
    readonly count: number;
    readonly wire: number;
    readonly decoded: number;
    readonly gzip: number;
    readonly brotli: number;
  };
  /** Sums over everything (page, styles, icons, API answers). */
  readonly all: { readonly wire: number; readonly decoded: number };
  /** The server answered a script with a Content-Encoding when asked for gzip or br (null: it did not). */
  readonly serverEncoding: string | null;
  /** From navigation start to the button found enabled (polled, so up to ~50 ms late), seconds. */
  readonly usableAfterSeconds: number;
}

const ENTRIES = `[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
  name: e.name, initiatorType: e.initiatorType, encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize,
}))`;

function kindOf(entry: Entry): PhoneResource['kind'] {
  const path = new URL(entry.name).pathname;
  if (path.endsWith('.wasm')) return 'wasm';
  return path.endsWith('.js') || path.endsWith('.mjs') ? 'script' : 'other';
}

/** The built file behind a URL of the client, or null (API answers, the page under another path). */
async function builtFile(url: string, origin: string): Promise<Buffer | null> {
  const parsed = new URL(url);
  if (parsed.origin !== origin) return null;
  const path = parsed.pathname.startsWith('/assets/') || parsed.pathname === '/sw.js' ? parsed.pathname : null;
  const file = path ?? (parsed.pathname.startsWith('/s/') ? '/index.html' : null);
  if (file === null) return null;
  return readFile(join(ROOT, 'dist/client', file)).catch(() => null);
}

/** Asks the server for `url` as a browser would (gzip, br) and returns the Content-Encoding it answered with. */
async function serverEncoding(url: string): Promise<string | null> {
  const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  await response.arrayBuffer();
  return response.headers.get('content-encoding');
}

export async function measurePhonePage(office: Office, link: string): Promise<PhonePage> {
  const guest = await newGuestTab(office, { phone: true });
  try {
    const { page } = guest;
    await page.goto(link);
    await page.waitFor(`${testId('guest-request-code')}:not([disabled])`, 60_000);
    const usableAfterMs = await page.evaluate<number>('performance.now()');
    const fetched = [
      ...(await page.evaluate<Entry[]>(ENTRIES)),
      ...(await page.evaluateInWorkers<Entry[]>(ENTRIES)).flat(),
    ];
    // A URL fetched twice (the logo as icon and as image) came from the cache the second time.
    const entries = fetched.filter((entry, i) => fetched.findIndex((e) => e.name === entry.name) === i);
    const origin = office.coffer.origin;
    const resources: PhoneResource[] = [];
    for (const entry of entries) {
      const file = await builtFile(entry.name, origin);
      resources.push({
        ...entry,
        kind: kindOf(entry),
        gzip: file === null ? null : gzipSync(file, { level: 6 }).length,
        brotli: file === null ? null : brotliCompressSync(file).length,
      });
    }
    const scripts = resources.filter((r) => r.kind !== 'other');
    const sum = (list: readonly PhoneResource[], pick: (r: PhoneResource) => number | null): number =>
      list.reduce((total, r) => total + (pick(r) ?? 0), 0);
    const firstScript = scripts[0]?.name;
    return {
      resources,
      scripts: {
        count: scripts.length,
        wire: sum(scripts, (r) => r.encodedBodySize),
        decoded: sum(scripts, (r) => r.decodedBodySize),
        gzip: sum(scripts, (r) => r.gzip),
        brotli: sum(scripts, (r) => r.brotli),
      },
      all: { wire: sum(resources, (r) => r.encodedBodySize), decoded: sum(resources, (r) => r.decodedBodySize) },
      serverEncoding: firstScript === undefined ? null : await serverEncoding(firstScript),
      usableAfterSeconds: usableAfterMs / 1000,
    };
  } finally {
    await guest.close();
  }
}
