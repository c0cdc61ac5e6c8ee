// The audit trail in real Chromium against the real server program (the compiled dist/server,
// as `npm start` runs it, with the head-mail job checking every second): the admin sets Coffer
// up, the daily head mail arrives through a real SMTP server, the audit page shows the log in
// plain words with filters, the CSV downloads, the command line confirms the mailed head, and
// the page has no axe violations in either language.
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCoffer } from '../helpers/process.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { completeSetup, signIn } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { launchChromium, watchConsole } from './support/browser.js';
import { startCoffer, type Coffer } from './support/coffer.js';

const ADMIN = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };

let coffer: Coffer;
let browser: Browser;

beforeAll(async () => {
  coffer = await startCoffer('coffer-audit-e2e-', { SWEEP_INTERVAL_SECONDS: '1' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (coffer !== undefined) expect(await coffer.stop()).toBe(0);
  await removeTempDirs();
});

it('mails the head, shows and filters the log, exports it, and the command line confirms the mailed head', async () => {
  const context = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(coffer.setupLink);
  await page.locator('[data-testid="setup-status"][data-state="valid"]').waitFor();
  await completeSetup(page, 'Kantoor Jansen', ADMIN);

  // The server's job mails the head to the admin soon after setup.
  const mail = await waitForHeadMail();
  expect(mail.subject).toBe(
    'Coffer: controlewaarde van het auditlog (Kantoor Jansen) / Coffer: audit log check value (Kantoor Jansen)',
  );
  const head = /npm run coffer -- audit-verify --head (\d+:[0-9a-f]{64})$/m.exec(mail.text ?? '')?.[1];
  expect(head).toBeDefined();

  await page.getByTestId('lang-en').click();
  await page.getByTestId('nav-audit').click();
  await page.locator('[data-testid="audit-row"]').first().waitFor();
  await expect.poll(() => page.title()).toBe('Audit log · Coffer');
  const setupRow = page.locator('[data-testid="audit-row"][data-action="setup.completed"]');
  await expect.poll(() => setupRow.count()).toBe(1);
  expect(await setupRow.textContent()).toContain('Office set up');
  expect(await setupRow.getByTestId('audit-who-cell').textContent()).toContain(ADMIN.name);
  const mailedRow = page.locator('[data-testid="audit-row"][data-action="audit.head_mailed"]');
  expect(await mailedRow.textContent()).toContain('Check value of the audit log mailed to the admins');

  // What: one group. The rows and the status line follow the filter.
  await page.getByTestId('audit-action').selectOption('sign_in.*');
  await page.getByTestId('audit-apply').click();
  await expect.poll(() => page.getByTestId('audit-status').textContent()).toBe('No entries match these filters.');

  // Who: part of the admin's address, with keyboard only (Enter submits the form).
  await page.getByTestId('audit-action').selectOption('');
  await page.getByTestId('audit-who').fill('kantoor-jansen');
  await page.getByTestId('audit-who').press('Enter');
  await expect.poll(() => page.locator('[data-testid="audit-row"][data-action="setup.completed"]').count()).toBe(1);
  await expect.poll(() => page.locator('[data-testid="audit-row"][data-action="audit.head_mailed"]').count()).toBe(0);

  // When: an end before the start is refused on the page, named at the field.
  await page.getByTestId('audit-from').fill('2030-01-02');
  await page.getByTestId('audit-to').fill('2030-01-01');
  await page.getByTestId('audit-apply').click();
  await page.getByTestId('audit-error').waitFor();
  expect(await page.getByTestId('audit-to').getAttribute('aria-invalid')).toBe('true');
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('audit-to');
  await page.getByTestId('audit-clear').click();
  await expect.poll(() => mailedRow.count()).toBe(1);

  // The CSV of the view shown: an attachment the browser saves.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^coffer-audit-\d{4}-\d\d-\d\d\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  expect(csv.startsWith('\uFEFFseq,time_utc,actor_name,actor_email,actor_ref,action,')).toBe(true);
  expect(csv).toContain(`${ADMIN.name},${ADMIN.email},`);
  expect(csv).toContain(',audit.head_mailed,');

  // The command line, while the server runs, checks the log against the mailed head.
  const verified = await runCoffer('cli', ['audit-verify', '--head', head as string], {
    DATA_DIR: coffer.dataDir,
    PUBLIC_URL: coffer.origin,
  });
  expect(verified.stderr).toBe('');
  expect(verified.stdout).toMatch(/^Audit log intact: \d+ entries, head [0-9a-f]{64}/);
  expect(verified.stdout).toContain(`The head mailed for entry ${(head as string).split(':')[0]} matches`);
  expect(verified.code).toBe(0);

  expect(problems.messages).toEqual([]);
  await context.close();
});

it('has no axe violations on the audit page, in both languages', async () => {
  // axe is injected as a script, which the production CSP forbids: this context bypasses CSP
  // for the audit only; the flow above runs under the real policy.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, coffer.origin, ADMIN);
  for (const lang of ['en', 'nl']) {
    await page.getByTestId(`lang-${lang}`).click();
    await page.getByTestId('nav-audit').click();
    await page.locator('[data-testid="audit-row"]').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(await axeViolations(page), `${lang} audit`).toEqual([]);
    // An error shown on the page is checked too.
    await page.getByTestId('audit-from').fill('2030-01-02');
    await page.getByTestId('audit-to').fill('2030-01-01');
    await page.getByTestId('audit-apply').click();
    await page.getByTestId('audit-error').waitFor();
    expect(await axeViolations(page), `${lang} audit with an error`).toEqual([]);
    await page.getByTestId('audit-clear').click();
  }
  await context.close();
});

/** The head mail to the admin, once it has come. */
function waitForHeadMail() {
  return vi.waitFor(
    () => {
      const found = coffer.mail.to(ADMIN.email).find((message) => message.subject?.includes('audit log'));
      if (found === undefined) throw new Error('no head mail');
      return found;
    },
    { timeout: 20_000, interval: 100 },
  );
}
