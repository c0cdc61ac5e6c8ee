// Privacy requests in real Chromium against the real server program: the admin looks a person
// up by address, downloads the export (a JSON attachment), erases the person after typing the
// address again (with the keyboard), and cannot erase themselves; the page has no axe
// violations in either language, with its dialogs open and with an error shown. An erasure whose
// answer was lost is looked up again and reported as done.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PrivacyExport } from '../../shared/wire/index.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { completeSetup, signIn } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { launchChromium, watchConsole } from './support/browser.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';
import { startCoffer, type Coffer } from './support/coffer.js';

const ADMIN = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };

let coffer: Coffer;
let browser: Browser;

beforeAll(async () => {
  coffer = await startCoffer('coffer-privacy-e2e-');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (coffer !== undefined) expect(await coffer.stop()).toBe(0);
  await removeTempDirs();
});

/** The admin invites `email` from the invitations page: Coffer then knows the address. */
async function invite(page: Page, email: string): Promise<void> {
  await page.getByTestId('nav-invitations').click();
  await page.getByTestId('invitation-email').fill(email);
  await page.getByTestId('invitation-send').click();
  await page.locator(`[data-testid="invitation-row"][data-email="${email}"]`).waitFor();
}

async function lookUp(page: Page, email: string): Promise<void> {
  await page.getByTestId('privacy-email').fill(email);
  await page.getByTestId('privacy-lookup').click();
}

it('looks a person up, exports them, erases them after the address is typed again, and refuses the admin’s own account', async () => {
  const context = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  // An address Coffer knows nothing about answers 404, which Chromium logs; nothing else may appear.
  const problems = watchConsole(page, [/status of 404 \(Not Found\) \(\/api\/v1\/admin\/privacy\/preview\)$/]);
  await page.goto(coffer.setupLink);
  await page.locator('[data-testid="setup-status"][data-state="valid"]').waitFor();
  await completeSetup(page, 'Kantoor Jansen', ADMIN);
  await page.getByTestId('lang-en').click();
  const person = 'piet@bakkerij-devries.nl';
  await invite(page, person);

  await page.getByTestId('nav-privacy').click();
  await expect.poll(() => page.title()).toBe('Privacy requests · Coffer');

  // An empty address is named at the field, which gets focus.
  await page.getByTestId('privacy-lookup').click();
  await page.getByTestId('privacy-error').waitFor();
  expect(await page.getByTestId('privacy-email').getAttribute('aria-invalid')).toBe('true');
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('privacy-email');

  // An address Coffer does not know.
  await lookUp(page, 'niemand@example.org');
  await page.getByTestId('privacy-not-found').waitFor();
  expect(await page.getByTestId('privacy-not-found').textContent()).toContain(
    'Coffer holds nothing about niemand@example.org',
  );

  // The invited person, typed in capitals: found, with one invitation and no account.
  await lookUp(page, 'Piet@Bakkerij-deVries.nl');
  await page.getByTestId('privacy-preview').waitFor();
  expect(await page.getByTestId('privacy-status').textContent()).toBe(`Found what Coffer holds about ${person}.`);
  expect(await page.getByTestId('privacy-account').textContent()).toContain('No account');
  expect(await page.locator('[data-testid="privacy-counts"] [data-count="invitations"]').textContent()).toBe('1');

  // Export: confirm, then the browser saves the JSON document.
  await page.getByTestId('privacy-export').click();
  await page.locator('[data-testid="privacy-export-dialog"][data-state="open"]').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('privacy-export-dialog-confirm').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^coffer-privacy-export-\d{4}-\d\d-\d\d\.json$/);
  const text = await readFile(await download.path(), 'utf8');
  const exported = PrivacyExport.parse(JSON.parse(text));
  expect(exported).toMatchObject({ email: person, office: 'Kantoor Jansen', account: null });
  expect(exported.invitations).toHaveLength(1);
  expect(exported.auditEntries.map((entry) => entry.action)).toContain('invitation.created');
  expect(text).not.toContain(ADMIN.email);
  expect(text).not.toContain(ADMIN.name);
  await expect
    .poll(() => page.getByTestId('privacy-status').textContent())
    .toBe(`The export of ${person} has been downloaded.`);

  // Erase: the dialog lists what goes; a wrong address is refused at the field; Enter submits.
  await page.getByTestId('privacy-erase').click();
  await page.locator('[data-testid="privacy-erase-dialog"][data-state="open"]').waitFor();
  expect(await page.locator('[data-testid="privacy-erase-counts"] [data-count="invitations"]').textContent()).toBe('1');
  await page.getByTestId('privacy-erase-email').fill('piet@bakkerij-devries.com');
  await page.getByTestId('privacy-erase-email').press('Enter');
  await page.getByTestId('privacy-erase-error').waitFor();
  expect(await page.getByTestId('privacy-erase-email').getAttribute('aria-invalid')).toBe('true');
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('privacy-erase-email');
  await page.getByTestId('privacy-erase-email').fill(person);
  await page.getByTestId('privacy-erase-email').press('Enter');
  await page.getByTestId('privacy-erased').waitFor();
  expect(await page.getByTestId('privacy-erased').textContent()).toContain(`${person} has been erased`);
  // The Erase button is gone with the preview: focus lands on the announcement.
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
    .toBe('privacy-status');

  // Nothing is left of them; the invitation is gone from its page too.
  await lookUp(page, person);
  await page.getByTestId('privacy-not-found').waitFor();
  await page.getByTestId('nav-invitations').click();
  await page.getByTestId('invitations-empty').waitFor();

  // The admin's own account: shown, but erasing it is refused, with the reason.
  await page.getByTestId('nav-privacy').click();
  await lookUp(page, ADMIN.email);
  await page.getByTestId('privacy-preview').waitFor();
  expect(await page.getByTestId('privacy-erase-refused').textContent()).toContain('You cannot erase your own account');
  expect(await page.getByTestId('privacy-erase').count()).toBe(0);

  expect(problems.messages).toEqual([]);
  await context.close();
});

it('has no axe violations on the privacy page, in both languages, with its dialogs and errors', async () => {
  // axe is injected as a script, which the production CSP forbids: this context bypasses CSP
  // for the audit only; the flow above runs under the real policy.
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await signIn(page, coffer.origin, ADMIN);
  for (const lang of ['en', 'nl']) {
    await page.getByTestId(`lang-${lang}`).click();
    const person = `klant-${lang}@voorbeeld.nl`;
    await invite(page, person);
    await page.getByTestId('nav-privacy').click();
    await page.getByTestId('privacy-email').waitFor();
    expect(await axeViolations(page), `${lang} empty`).toEqual([]);

    await page.getByTestId('privacy-lookup').click();
    await page.getByTestId('privacy-error').waitFor();
    expect(await axeViolations(page), `${lang} field error`).toEqual([]);

    await lookUp(page, 'niemand@example.org');
    await page.getByTestId('privacy-not-found').waitFor();
    expect(await axeViolations(page), `${lang} not found`).toEqual([]);

    await lookUp(page, person);
    await page.getByTestId('privacy-preview').waitFor();
    expect(await axeViolations(page), `${lang} preview`).toEqual([]);
    await page.screenshot({ path: `/tmp/privacy-${lang}.png`, fullPage: true });
    await page.setViewportSize({ width: 400, height: 900 });
    await page.screenshot({ path: `/tmp/privacy-${lang}-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByTestId('privacy-export').click();
    await page.locator('[data-testid="privacy-export-dialog"][data-state="open"]').waitFor();
    expect(await axeViolations(page), `${lang} export dialog`).toEqual([]);
    await page.getByTestId('privacy-export-dialog-cancel').click();

    await page.getByTestId('privacy-erase').click();
    await page.locator('[data-testid="privacy-erase-dialog"][data-state="open"]').waitFor();
    await page.getByTestId('privacy-erase-confirm').click();
    await page.getByTestId('privacy-erase-error').waitFor();
    expect(await axeViolations(page), `${lang} erase dialog with an error`).toEqual([]);
    await page.screenshot({ path: `/tmp/privacy-${lang}-erase.png`, fullPage: true });
    await page.getByTestId('privacy-erase-email').fill(person);
    await page.getByTestId('privacy-erase-confirm').click();
    await page.getByTestId('privacy-erased').waitFor();
    expect(await axeViolations(page), `${lang} erased`).toEqual([]);
  }
  await context.close();
});

it('an erasure whose answer was lost is reported as done, with what the preview listed, and the person is gone', async () => {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // The read-back's look-up answers 404 (nothing held any more), which Chromium logs.
  const problems = watchConsole(page, [/status of 404 \(Not Found\) \(\/api\/v1\/admin\/privacy\/preview\)$/]);
  await signIn(page, coffer.origin, ADMIN);
  await page.getByTestId('lang-en').click();
  const person = 'kees@garage-smit.nl';
  await invite(page, person);
  await page.getByTestId('nav-privacy').click();
  await lookUp(page, person);
  await page.getByTestId('privacy-preview').waitFor();

  // The server erases the person; the answer never reaches the page.
  const lost = await loseFirstAnswer(page, '**/api/v1/admin/privacy/erase');
  await page.getByTestId('privacy-erase').click();
  await page.locator('[data-testid="privacy-erase-dialog"][data-state="open"]').waitFor();
  await page.getByTestId('privacy-erase-email').fill(person);
  await page.getByTestId('privacy-erase-confirm').click();
  await page.getByTestId('privacy-erased').waitFor();
  expect(lost.seen).toEqual(['dropped 200']);
  expect(await page.getByTestId('privacy-erased').textContent()).toContain(`${person} has been erased`);
  expect(await page.locator('[data-testid="privacy-erased-counts"] [data-count="invitations"]').textContent()).toBe(
    '1',
  );

  await lookUp(page, person);
  await page.getByTestId('privacy-not-found').waitFor();
  await page.getByTestId('nav-invitations').click();
  await page.getByTestId('invitations-empty').waitFor();
  acceptCutConnections(problems.messages);
  expect(problems.messages).toEqual([]);
  await context.close();
});
