// An invitation link without the office fingerprint (`/invite#<token>`), in real Chromium
// against the real server. The fingerprint is what lets the invitee's browser check the office
// key the server names before it makes any key (docs/protocol.md §15); a server that mails or
// shows a link without it could run an office of its own for a new colleague. So the page
// refuses such a link as incomplete, in the invitee's language, before it sends the token
// anywhere: no lookup, no form, no key made, nothing accepted. The whole link from the same
// mail then works. On a phone the form comes before the crypto worker, which checks the office
// key while the name and password are typed; a server that swapped the key gets the warning
// and no account (the second test, which uses the office the first one set up).
import { generateKeyPairSync } from 'node:crypto';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inviteLinkIn, inviteToken } from '../helpers/mail-server.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { completeSetup, keepRecoveryKey, signIn } from './support/accounts.js';
import { launchChromium, settlePage, watchConsole } from './support/browser.js';
import { startCoffer, type Coffer } from './support/coffer.js';
import { holdCryptoWorker, slowPageChunk } from './support/held-worker.js';

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
  return { page, api: recordApi(page) };
}

/** Watches `page`'s console and records each API request it makes, as `METHOD /path`. */
function recordApi(page: Page): string[] {
  watchConsole(page);
  const api: string[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) api.push(`${request.method()} ${url.pathname}`);
  });
  return api;
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
    // Once the page has settled, check that no lookup was made.
    await settlePage(page);
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

it('shows the invitation form before the crypto worker loads, and makes no key until the office key matched the link', async () => {
  const admin = await browser.newPage({ locale: 'en-US' });
  await signIn(admin, coffer.origin, ADMIN);
  await admin.getByTestId('nav-invitations').click();
  const links = new Map<string, string>();
  for (const email of ['bram@kantoor-jansen.nl', 'carla@kantoor-jansen.nl']) {
    await admin.getByTestId('invitation-email').fill(email);
    await admin.getByTestId('invitation-send').click();
    await admin.locator(`[data-testid="invitation-row"][data-email="${email}"]`).waitFor();
    links.set(email, inviteLinkIn(await coffer.mail.latest(email, 10_000)));
  }

  /**
   * Opens `email`'s invitation on a phone in Dutch with the worker's script held back (and, for
   * a malicious server, another office key in the lookup's answer); fills the form and sends it.
   */
  const openAndSend = async (email: string, swapKey: boolean) => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 390, height: 844 } });
    // Taken in the page: when "Create my account" first appears enabled, and every progress line.
    await context.addInitScript(() => {
      const seen = globalThis as { formShownAt?: number; progress?: string[] };
      seen.progress = [];
      new MutationObserver(() => {
        if (seen.formShownAt === undefined && document.querySelector('[data-testid="invite-submit"]:not([disabled])'))
          seen.formShownAt = performance.timeOrigin + performance.now();
        const line = document.querySelector('[data-testid="progress"]')?.textContent ?? '';
        if (line !== '' && seen.progress?.at(-1) !== line) seen.progress?.push(line);
      }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const worker = await holdCryptoWorker(context);
    // As on a slow phone network: the invitation page's own script takes a while to arrive.
    await slowPageChunk(context, 'InvitePage', 500);
    if (swapKey) {
      // The server names an office key of its own making for the same office.
      const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;
      await context.route('**/api/v1/invitations/lookup', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { office: { signingPublicKey: string } };
        expect(body.office.signingPublicKey).not.toBe(other);
        body.office.signingPublicKey = other;
        await route.fulfill({ response, json: body });
      });
    }
    const page = await context.newPage();
    const api = recordApi(page);
    const acceptedAt: number[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/invitations/accept')) acceptedAt.push(Date.now());
    });
    await page.goto(links.get(email) as string);
    await page.getByTestId('invite-form').waitFor();
    expect(await page.getByTestId('invite-office-checking').textContent()).toContain(
      'De kantoorsleutel wordt gecontroleerd met uw uitnodigingslink',
    );
    await page.getByTestId('invite-name').fill('Bram de Vries');
    await page.getByTestId('password-new').fill('tuinhek-melkboer-zonnedak');
    await page.getByTestId('password-confirm').fill('tuinhek-melkboer-zonnedak');
    await page.locator('[data-testid="password-strength"][data-state="accepted"]').waitFor({ timeout: 20_000 });
    // The page asked for the worker by itself, with the form already there.
    await expect.poll(() => worker.asked()).toBe(1);
    await page.getByTestId('invite-submit').click();
    // Sent before the check: it waits for it, and says so.
    await page.getByText('De kantoorsleutel wordt gecontroleerd met uw uitnodigingslink…').first().waitFor();
    expect(await page.getByTestId('progress').textContent()).toContain('De kantoorsleutel wordt gecontroleerd');
    const formShownAt = await page.evaluate(() => (globalThis as { formShownAt?: number }).formShownAt ?? null);
    expect(formShownAt).not.toBeNull();
    // Both on this machine's clock, with room for the two clocks' rounding.
    expect(worker.askedAt()).toBeGreaterThan((formShownAt as number) - 250);
    worker.release();
    return { context, page, api, acceptedAt, releasedAt: Date.now() };
  };

  // An honest server: once the worker has checked the key, the keys are made and the account exists.
  const honest = await openAndSend('bram@kantoor-jansen.nl', false);
  await honest.page.getByTestId('invite-office-verified').waitFor({ timeout: 30_000 });
  await keepRecoveryKey(honest.page);
  expect(honest.api).toContain('POST /api/v1/invitations/accept');
  // How long this machine took from the worker's release to the accept: keys made, then sent.
  const honestTook = (honest.acceptedAt[0] ?? Number.NaN) - honest.releasedAt;
  expect(honestTook).toBeGreaterThan(0);
  const honestProgress = await honest.page.evaluate(() => (globalThis as { progress?: string[] }).progress ?? []);
  expect(honestProgress[0]).toContain('De kantoorsleutel wordt gecontroleerd');
  expect(honestProgress.length).toBeGreaterThan(1);
  await honest.context.close();

  // A server that swapped the office key: the warning replaces the form, and no key is made.
  const swapped = await openAndSend('carla@kantoor-jansen.nl', true);
  const warning = swapped.page.getByTestId('invite-office-mismatch');
  await warning.waitFor({ timeout: 30_000 });
  expect(await warning.textContent()).toContain('Stop: de kantoorsleutel klopt niet met uw uitnodigingslink.');
  expect(await swapped.page.getByTestId('invite-form').count()).toBe(0);
  // After three times as long as the honest page took to make its keys and send them, and once
  // the page has settled:
  await swapped.page.waitForTimeout(Math.max(0, swapped.releasedAt + 3 * honestTook - Date.now()));
  await settlePage(swapped.page);
  expect(swapped.api.filter((line) => line.endsWith('/invitations/accept'))).toEqual([]);
  // The only progress the page ever showed was the wait for the check: no key was being made.
  const swappedProgress = await swapped.page.evaluate(() => (globalThis as { progress?: string[] }).progress ?? []);
  expect(swappedProgress).toEqual(['De kantoorsleutel wordt gecontroleerd met uw uitnodigingslink…']);
  await swapped.context.close();

  // The office still sees Carla's invitation open (and Bram's accepted).
  await admin.reload();
  await admin.locator('[data-testid="invitation-row"][data-email="carla@kantoor-jansen.nl"]').waitFor();
  expect(await admin.locator('[data-testid="invitation-row"][data-email="bram@kantoor-jansen.nl"]').count()).toBe(0);
  await admin.close();
});
