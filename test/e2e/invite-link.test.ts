// An invitation link without the office fingerprint (`/invite#<token>`), in real Chromium
// against the real server. The fingerprint is what lets the invitee's browser check the office
// key the server names before it makes any key (docs/protocol.md §15); a server that mails or
// shows a link without it could run an office of its own for a new colleague. So the page
// refuses such a link as incomplete, in the invitee's language, before it sends the token
// anywhere: no lookup, no form, no key made, nothing accepted. The whole link from the same
// mail then works.
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inviteLinkIn, inviteToken } from '../helpers/mail-server.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { completeSetup } from './support/accounts.js';
import { launchChromium, watchConsole } from './support/browser.js';
import { startCoffer, type Coffer } from './support/coffer.js';

const ADMIN = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const INVITEE = 'anna@kantoor-jansen.nl';

let coffer: Coffer;
let browser: Browser;

beforeAll(async () => {
  coffer = await startCoffer('coffer-invite-link-e2e-');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (coffer !== undefined) expect(await coffer.stop()).toBe(0);
  await removeTempDirs();
});

/** A fresh page in `locale` that records every API request it makes. */
async function invitee(locale: string): Promise<{ page: Page; api: string[] }> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watchConsole(page);
  const api: string[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) api.push(`${request.method()} ${url.pathname}`);
  });
  return { page, api };
}

it('refuses an invitation link without the office fingerprint before anything is sent or made', async () => {
  const admin = await browser.newPage({ locale: 'en-US' });
  await admin.goto(coffer.setupLink);
  await admin.locator('[data-testid="setup-status"][data-state="valid"]').waitFor();
  await completeSetup(admin, 'Kantoor Jansen', ADMIN);
  await admin.getByTestId('nav-invitations').click();
  await admin.getByTestId('invitation-email').fill(INVITEE);
  await admin.getByTestId('invitation-send').click();
  const mail = await coffer.mail.latest(INVITEE, 10_000);
  const token = inviteToken(mail);
  const whole = inviteLinkIn(mail);

  for (const [locale, text] of [
    ['en-US', /This invitation link is incomplete\..*ask the office for a new invitation/],
    ['nl-NL', /Deze uitnodigingslink is onvolledig\..*vraag het kantoor om een nieuwe uitnodiging/],
  ] as const) {
    const { page, api } = await invitee(locale);
    await page.goto(`${coffer.origin}/invite#${token}`);
    const status = page.locator('[data-testid="invite-status"][data-state="incomplete"]');
    await status.waitFor();
    expect(await status.textContent()).toMatch(text);
    // Once the page has settled (a render, then a request of the test's own, whose event comes
    // after that of anything the page sent before it), check that no lookup was made.
    await page.evaluate(
      () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    );
    const settled = page.waitForRequest((request) => request.url().endsWith('/healthz?settled'));
    await page.evaluate(async () => {
      await (await fetch('/healthz?settled')).text();
    });
    await settled;
    expect(await page.getByTestId('invite-form').count()).toBe(0);
    expect(api.filter((line) => line.includes('/invitations/'))).toEqual([]);
    await page.context().close();
  }

  // The same invitation, from the whole link in the mail: checked against the office key, and the form.
  const { page, api } = await invitee('en-US');
  await page.goto(whole);
  await page.locator('[data-testid="invite-status"][data-state="valid"]').waitFor();
  await page.getByTestId('invite-office-verified').waitFor();
  await page.getByTestId('invite-form').waitFor();
  expect(api).toContain('POST /api/v1/invitations/lookup');
  expect(api.filter((line) => line.endsWith('/invitations/accept'))).toEqual([]);
  await page.context().close();
});
