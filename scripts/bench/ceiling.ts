// The crypto ceilings in the benchmark's own Chromium: ceiling/worker.ts is built with Vite
// (as the client's crypto worker is) into a temporary folder, served by createApp with the
// production headers (CSP with 'wasm-unsafe-eval' and Trusted Types), and started from a page
// as a module Worker. It reports raw secretstream and envelope MiB/s, encrypt and decrypt.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { startServer } from '../../test/e2e/support/server.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { Chromium } from './chromium.js';
import type { CeilingReport, CeilingRequest } from './ceiling/worker.js';

export type { CeilingReport } from './ceiling/worker.js';

const WORKER_SOURCE = fileURLToPath(new URL('./ceiling/worker.ts', import.meta.url));
/** Under /assets/, the only place the production Trusted Types rule lets a script come from. */
const WORKER_FILE = 'ceiling.js';
const PAGE =
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Coffer crypto ceilings</title></head><body></body></html>\n';

/** Builds the worker into a fresh folder laid out like dist/client (index.html, assets/). */
async function buildCeiling(): Promise<string> {
  const dir = await tempDir('coffer-bench-ceiling-');
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: join(dir, 'assets'),
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      lib: { entry: WORKER_SOURCE, formats: ['es'], fileName: () => WORKER_FILE },
    },
  });
  await writeFile(join(dir, 'index.html'), PAGE);
  return dir;
}

/**
 * Runs the ceilings over `mib` MiB (best of `rounds`) in a new tab of `chromium`, and closes
 * the tab and the server again.
 */
export async function measureCeilings(chromium: Chromium, mib: number, rounds = 3): Promise<CeilingReport> {
  const server = await startServer(await buildCeiling());
  const page = await chromium.newPage();
  try {
    await page.start();
    await page.goto(`${server.origin}/`);
    const request: CeilingRequest = { mib, rounds };
    // The page has no script of its own, so the one policy name the CSP allows is free.
    const answer = await page.evaluate<{ report?: CeilingReport; error?: string }>(`new Promise((resolve) => {
      const policy = trustedTypes.createPolicy('coffer', { createScriptURL: (url) => url });
      const worker = new Worker(policy.createScriptURL('/assets/${WORKER_FILE}'), { type: 'module' });
      worker.onmessage = (event) => { worker.terminate(); resolve(event.data); };
      worker.onerror = (event) => { worker.terminate(); resolve({ error: event.message || 'the worker did not start' }); };
      worker.postMessage(${JSON.stringify(request)});
    })`);
    if (answer.report === undefined) throw new Error(`the ceiling worker failed: ${answer.error ?? 'no answer'}`);
    if (page.problems.length > 0) throw new Error(`the ceiling page reported: ${page.problems.join('; ')}`);
    return answer.report;
  } finally {
    await page.close().catch(() => undefined);
    await server.close();
  }
}
