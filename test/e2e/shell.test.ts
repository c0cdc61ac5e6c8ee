// The built client (dist/client, from `npm run build`) served by createApp with the
// production headers, in real Chromium: it loads with no console errors, starts libsodium
// in its Worker, speaks Dutch and English, checks setup links without changing anything,
// and has no accessibility violations that axe can find.
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import { systemClock } from '../../server/kernel/clock.js';
import { createSetupRepo } from '../../server/setup/repo.js';
import { createSetupService } from '../../server/setup/service.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { launchChromium, watchConsole, type ConsoleProblems } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

const clientDir = fileURLToPath(new URL('../../dist/client', import.meta.url));
const shots = fileURLToPath(new URL('../../test-results/shell', import.meta.url));
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  if (!existsSync(`${clientDir}/index.html`))
    throw new Error('dist/client is missing: run `npm run build` first (npm run test:e2e does)');
  mkdirSync(shots, { recursive: true });
  server = await startServer(clientDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await removeTempDirs();
});

async function openPage(
  locale: string,
  path: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; problems: ConsoleProblems }> {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.origin}${path}`);
  return { context, page, problems };
}

async function engineReady(page: Page): Promise<string> {
  const status = page.getByTestId('engine-status');
  await status.and(page.locator('[data-state="ready"]')).waitFor({ timeout: 30_000 });
  return (await status.textContent()) ?? '';
}

async function newSetupLink(): Promise<string> {
  await ready();
  const setup = createSetupService({ repo: createSetupRepo(server.db), clock: systemClock, publicUrl: server.origin });
  return (await setup.issueLink()).token;
}

describe('home page', () => {
  it('loads in English with no console errors and libsodium ready in its Worker', async () => {
    const { context, page, problems } = await openPage('en-US', '/');
    expect(await engineReady(page)).toBe('This browser can encrypt and decrypt your documents.');
    // The version is there for whoever supports the office, behind "Technical details".
    expect(await page.getByTestId('engine-version').isVisible()).toBe(false);
    await page.locator('.engine-details summary').click();
    expect(await page.getByTestId('engine-version').textContent()).toMatch(
      /^Encryption library: libsodium \d+\.\d+\.\d+, running in this browser\.$/,
    );
    expect(await page.locator('h1').textContent()).toBe('Exchange documents securely');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.evaluate(() => document.querySelectorAll('h1').length)).toBe(1);
    expect(problems.messages).toEqual([]);
    await context.close();
  });

  it('loads in Dutch for a Dutch browser, and the switch changes the language and is remembered', async () => {
    const { context, page, problems } = await openPage('nl-NL', '/');
    expect(await engineReady(page)).toBe('Deze browser kan uw documenten versleutelen en ontsleutelen.');
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    const dutchTitle = await page.locator('h1').textContent();
    expect(dutchTitle).toBe('Veilig documenten uitwisselen');

    await page.getByTestId('lang-en').click();
    expect(await page.locator('h1').textContent()).toBe('Exchange documents securely');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('lang-en').getAttribute('aria-pressed')).toBe('true');

    await page.reload();
    await engineReady(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    // Keyboard only: focus the Dutch button and press Enter.
    await page.getByTestId('lang-nl').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('h1').textContent()).toBe(dutchTitle);
    expect(problems.messages).toEqual([]);
    await context.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const { context, page, problems } = await openPage('nl-NL', '/', { width: 320, height: 700 });
    await engineReady(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/home-nl-320.png`, fullPage: true });
    expect(problems.messages).toEqual([]);
    await context.close();
  });
});

describe('setup link page', () => {
  it('says a fresh link is valid, in both languages, and changes nothing', async () => {
    const token = await newSetupLink();
    for (const [locale, expected] of [
      ['en-US', /valid until/],
      ['nl-NL', /geldig tot/],
    ] as const) {
      const { context, page, problems } = await openPage(locale, `/setup#${token}`);
      const status = page.getByTestId('setup-status');
      await status.and(page.locator('[data-state="valid"]')).waitFor();
      expect(await status.textContent()).toMatch(expected);
      expect(problems.messages).toEqual([]);
      await context.close();
    }
    // Checking twice did not use the link up.
    const row = server.db.prepare('SELECT used_at FROM setup_tokens').get() as { used_at: number | null };
    expect(row.used_at).toBeNull();
  });

  it('says an unknown link is invalid; a malformed one without asking the server', async () => {
    const invalid = await openPage('en-US', `/setup#${'x'.repeat(43)}`);
    await invalid.page.getByTestId('setup-status').and(invalid.page.locator('[data-state="invalid"]')).waitFor();
    // Nobody set this office up yet: the way forward is a new link, made with the command on the server.
    await invalid.page.locator('[data-testid="setup-invalid"][data-office="not-set-up"]').waitFor();
    expect(await invalid.page.getByTestId('setup-status').textContent()).toMatch(
      /expired or was replaced by a newer one, and Coffer is not set up yet\..*npm run coffer -- setup-link/,
    );
    expect(await invalid.page.getByTestId('setup-sign-in').count()).toBe(0);
    // Chromium logs every 4xx response as a console error; that one line is expected here.
    expect(invalid.problems.messages.filter((line) => !/status of 404/.test(line))).toEqual([]);
    await invalid.context.close();

    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    const problems = watchConsole(page);
    await page.goto(`${server.origin}/setup#not-a-token`);
    await page.getByTestId('setup-status').and(page.locator('[data-state="invalid"]')).waitFor();
    expect(requests).not.toContain('/api/v1/setup/verify');
    expect(problems.messages).toEqual([]);
    await context.close();
  });
});

describe('pages loaded on demand', () => {
  it("says so when a page's file cannot be fetched, in the visitor's language, and reloading brings the page", async () => {
    const loginChunk = /\/assets\/LoginPage-[\w-]+\.js$/;
    for (const [locale, heading, button] of [
      ['en-GB', 'This page did not load', 'Reload the page'],
      ['nl-NL', 'Deze pagina is niet geladen', 'Pagina opnieuw laden'],
    ] as const) {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      await page.route(loginChunk, (route) => route.abort('connectionfailed'));
      await page.goto(`${server.origin}/login`);
      const failed = page.getByTestId('page-load-failed');
      await failed.waitFor();
      expect(await page.locator('h1').textContent()).toBe(heading);
      expect(await failed.getAttribute('role')).toBe('alert');
      expect(await page.getByTestId('login-page').count()).toBe(0);

      await page.unroute(loginChunk);
      await failed.getByRole('button', { name: button }).click();
      await page.getByTestId('login-page').waitFor();
      expect(await page.getByTestId('page-load-failed').count()).toBe(0);
      await context.close();
    }
  });
});

describe('accessibility', () => {
  it('has no axe violations on the public pages (home, setup, sign-in, recovery), in both languages', async () => {
    const token = await newSetupLink();
    // axe is injected as a script, which the production CSP rightly forbids: this context
    // bypasses CSP for the audit only (every other test runs under the real policy).
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    for (const lang of ['nl', 'en']) {
      for (const [path, waitFor] of [
        ['/', '[data-testid="engine-status"][data-state="ready"]'],
        [`/setup#${token}`, '[data-testid="setup-status"][data-state="valid"]'],
        ['/login', '[data-testid="login-page"]'],
        ['/recover', '[data-testid="recover-page"]'],
      ] as const) {
        await page.addInitScript((value) => localStorage.setItem('coffer.lang', value), lang);
        await page.goto(`${server.origin}${path}`);
        await page.locator(waitFor).waitFor();
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const axe = (
            window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }
          ).axe;
          const result = await axe.run();
          return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
        });
        expect(violations, `${lang} ${path.split('#')[0]}`).toEqual([]);
      }
    }
    await context.close();
  });
});
