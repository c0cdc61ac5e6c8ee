// Debian's Chromium driven by playwright-core (no browser downloads here). The flags keep it
// off the network: without them Chromium tries Google's services at every start.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  });
}

/**
 * Waits until what `page` had started has gone out, instead of sleeping: two animation frames
 * (a render and what it schedules), then a request of the test's own through the page's network
 * stack, whose request event comes after that of anything the page (or a worker of it) issued
 * before it; a test can then assert that nothing else was sent. Returns that request's path.
 */
export async function settlePage(page: Page): Promise<string> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  const marker = `/healthz?settled=${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const seen = page.waitForRequest((request) => request.url().endsWith(marker));
  await page.evaluate(async (url) => {
    await (await fetch(url)).text();
  }, marker);
  await seen;
  return marker;
}

export interface ConsoleProblems {
  /** Console errors and warnings, uncaught exceptions, CSP and Trusted Types violations. */
  readonly messages: string[];
}

/**
 * Records everything a careful developer would call a problem on this page: console
 * errors (CSP and Trusted Types violations are reported there), uncaught exceptions, and
 * failed requests. `allow` names expected lines (e.g. the 404 of an invalid setup link).
 */
export function watchConsole(page: Page, allow: readonly RegExp[] = []): ConsoleProblems {
  const messages: string[] = [];
  const note = (line: string) => {
    if (!allow.some((pattern) => pattern.test(line))) messages.push(line);
  };
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const where = message.location().url ? ` (${new URL(message.location().url).pathname})` : '';
    note(`console.${message.type()}: ${message.text()}${where}`);
  });
  page.on('pageerror', (error) => note(`page error: ${error.name}: ${error.message}`));
  page.on('requestfailed', (request) =>
    note(
      `request failed: ${request.method()} ${new URL(request.url()).pathname} (${request.failure()?.errorText ?? 'no reason given'})`,
    ),
  );
  return { messages };
}
