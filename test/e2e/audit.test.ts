// The audit trail in real Chromium against the real server program (the compiled dist/server,
// as `npm start` runs it, with the head-mail job checking every second): the admin sets Coffer
// up, the daily head mail arrives through a real SMTP server in the admin's language, the audit
// page shows the log in plain words with names and the office's local times (not the
// browser's), with filters, the CSV downloads, the command line confirms the mailed head, the
// office's time zone is changed on the office page, and the page has no axe violations in
// either language.
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
    // Far from the office: the page must show the office's time (Amsterdam), not this one.
    timezoneId: 'Pacific/Auckland',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(coffer.setupLink);
  await page.locator('[data-testid="setup-status"][data-state="valid"]').waitFor();
  await completeSetup(page, 'Kantoor Jansen', ADMIN);

  // The server's job mails the head to the admin soon after setup: in English, the language the
  // admin set the office up in, in plain words, with the time in Amsterdam and no commands.
  const mail = await waitForHeadMail();
  expect(mail.subject).toBe('Coffer: daily check of the activity log (Kantoor Jansen)');
  const text = mail.text ?? '';
  expect(text).toContain('ask whoever runs your server to check the log');
  expect(text).toMatch(/^ {2}Time: +\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d \(Amsterdam\)$/m);
  expect(text).not.toContain('npm run');
  const entry = /^ {2}Entry: +(\d+)$/m.exec(text)?.[1];
  const checkValue = /^ {2}Check value: +([0-9a-f]{64})$/m.exec(text)?.[1];
  expect(entry).toBeDefined();
  expect(checkValue).toBeDefined();
  const head = `${entry}:${checkValue}`;

  await page.getByTestId('lang-en').click();
  await page.getByTestId('nav-audit').click();
  await page.locator('[data-testid="audit-row"]').first().waitFor();
  await expect.poll(() => page.title()).toBe('Audit log · Coffer');
  const setupRow = page.locator('[data-testid="audit-row"][data-action="setup.completed"]');
  await expect.poll(() => setupRow.count()).toBe(1);
  expect(await setupRow.textContent()).toContain('Office set up');
  expect(await setupRow.getByTestId('audit-who-cell').textContent()).toContain(ADMIN.name);
  // Times in the office's zone, named in the column; the raw UTC time one click away.
  expect(await page.locator('[data-testid="audit-list"] thead th').first().textContent()).toBe('Time (Amsterdam)');
  const raw = setupRow.getByTestId('audit-raw');
  expect(await raw.locator('dl').isVisible()).toBe(false);
  await raw.locator('summary').click();
  const utc = (await raw.locator('dd code').first().textContent()) ?? '';
  expect(utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(await raw.textContent()).toContain('setup.completed');
  const hourIn = (timeZone: string) =>
    new Date(utc).toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const shown = (await setupRow.getByTestId('audit-time').textContent()) ?? '';
  expect(shown).toContain(hourIn('Europe/Amsterdam'));
  if (hourIn('Pacific/Auckland') !== hourIn('Europe/Amsterdam'))
    expect(shown).not.toContain(hourIn('Pacific/Auckland'));
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
  const verified = await runCoffer('cli', ['audit-verify', '--head', head], {
    DATA_DIR: coffer.dataDir,
    PUBLIC_URL: coffer.origin,
  });
  expect(verified.stderr).toBe('');
  expect(verified.stdout).toMatch(/^Audit log intact: \d+ entries, head [0-9a-f]{64}/);
  expect(verified.stdout).toContain(`The head mailed for entry ${head.split(':')[0]} matches`);
  expect(verified.code).toBe(0);

  // The office moves to Tokyo on the office page: a time zone Intl does not know is refused there.
  await page.getByTestId('nav-office').click();
  const zone = page.getByTestId('settings-time-zone');
  await zone.waitFor();
  expect(await zone.inputValue()).toBe('Europe/Amsterdam');
  expect(await page.getByTestId('settings-language').inputValue()).toBe('en');
  await zone.fill('Mars/Olympus_Mons');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  expect(await zone.getAttribute('aria-invalid')).toBe('true');
  await zone.fill('Asia/Tokyo');
  await page.getByTestId('settings-save').click();
  await expect.poll(() => page.getByTestId('settings-status').textContent()).not.toBe('');
  await page.getByTestId('nav-audit').click();
  await expect
    .poll(() => page.locator('[data-testid="audit-list"] thead th').first().textContent())
    .toBe('Time (Tokyo)');
  const tokyo = page.locator('[data-testid="audit-row"][data-action="setup.completed"]');
  expect(await tokyo.getByTestId('audit-time').textContent()).toContain(hourIn('Asia/Tokyo'));
  const changed = page.locator('[data-testid="audit-row"][data-action="settings.changed"]');
  expect(await changed.getByTestId('audit-details-cell').textContent()).toContain('Changed: Time zone');

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
      const found = coffer.mail.to(ADMIN.email).find((message) => message.subject?.includes('activity log'));
      if (found === undefined) throw new Error('no head mail');
      return found;
    },
    { timeout: 20_000, interval: 100 },
  );
}
