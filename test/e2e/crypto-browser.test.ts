// The crypto suite of test/crypto, run in real Chromium on a page and in a module Worker,
// served by createApp with the production CSP (wasm-unsafe-eval, Trusted Types). It must
// run exactly the cases Node runs, and every one must pass.
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cryptoCases } from '../crypto/index.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { launchChromium, watchConsole } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

interface CaseResult {
  suite: string;
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}
interface SuiteReport {
  libsodium: string;
  results: CaseResult[];
}
interface Outcome {
  page?: SuiteReport;
  worker?: SuiteReport;
  crashed?: string;
  done: boolean;
}

const harnessConfig = fileURLToPath(new URL('../../vite.harness.config.ts', import.meta.url));
const harnessDir = fileURLToPath(new URL('../../dist/crypto-harness', import.meta.url));

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  await build({ configFile: harnessConfig });
  server = await startServer(harnessDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await removeTempDirs();
});

it('runs every crypto case in Chromium, on the page and in a Worker, under the production CSP', async () => {
  const page = await browser.newPage();
  const problems = watchConsole(page);
  const response = await page.goto(`${server.origin}/`);
  expect(response?.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
  await page.waitForFunction(
    () => (window as unknown as { __cofferCrypto?: { done: boolean } }).__cofferCrypto?.done === true,
    undefined,
    {
      timeout: 240_000,
      polling: 500,
    },
  );
  const outcome = await page.evaluate(() => (window as unknown as { __cofferCrypto: Outcome }).__cofferCrypto);
  expect(outcome.crashed).toBeUndefined();

  const expected = cryptoCases.map((c) => `${c.suite} › ${c.name}`);
  for (const where of ['page', 'worker'] as const) {
    const report = outcome[where];
    expect(report, where).toBeDefined();
    // The same list as in Node: nothing skipped, nothing extra.
    expect(
      report?.results.map((r) => `${r.suite} › ${r.name}`),
      where,
    ).toEqual(expected);
    const failures = report?.results.filter((r) => !r.ok).map((r) => `${r.suite} › ${r.name}: ${r.error}`);
    expect(failures, where).toEqual([]);
    expect(report?.libsodium).toMatch(/^\d+\.\d+\.\d+/);
  }
  expect(problems.messages).toEqual([]);
  const total = (outcome.page?.results.length ?? 0) + (outcome.worker?.results.length ?? 0);
  console.log(
    `crypto suite in Chromium: ${total} cases passed (${cryptoCases.length} on the page, ${cryptoCases.length} in a Worker)`,
  );
});
