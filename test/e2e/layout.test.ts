// Every page on a phone (390 px), in Dutch and English: signed in as an admin and as a client,
// and signed out. A page fails when it scrolls sideways or something sticks out of the screen,
// or when axe finds a violation. A mistyped address shows the app's own not-found page with the
// right way back; a used setup link sends to sign-in; the navigation is a real menu on a phone;
// the footer speaks to its reader. The office is built through the real pages
// (test/e2e/support/showcase.ts) against the built server with real SMTP on loopback.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers/tmp.js';
import { axeViolations } from './support/axe.js';
import { launchChromium } from './support/browser.js';
import {
  appPages,
  buildShowcase,
  goInApp,
  horizontalOverflow,
  pageSettled,
  publicPages,
  type PageToVisit,
  type Showcase,
} from './support/showcase.js';

const PHONE = { width: 390, height: 844 };
const LANGS = ['nl', 'en'] as const;

let browser: Browser;
let showcase: Showcase;

beforeAll(async () => {
  browser = await launchChromium();
  showcase = await buildShowcase(browser, { bypassCSP: true });
}, 900_000);

afterAll(async () => {
  await showcase?.close();
  await browser?.close();
  await removeTempDirs();
});

/** In both languages (the switch in the header): what overflows and what axe finds, as lines naming the page. */
async function problemsOf(page: Page, visit: PageToVisit, who: string): Promise<string[]> {
  const problems: string[] = [];
  for (const lang of LANGS) {
    await page.getByTestId(`lang-${lang}`).click();
    await pageSettled(page);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    const where = `${who} ${lang} ${visit.name} (${visit.path.split('#')[0] ?? ''})`;
    for (const line of await horizontalOverflow(page)) problems.push(`${where} overflows: ${line}`);
    for (const line of await axeViolations(page)) problems.push(`${where} axe: ${line}`);
  }
  return problems;
}

async function checkSignedIn(role: 'admin' | 'client'): Promise<string[]> {
  const { page } = showcase[role];
  await page.setViewportSize(PHONE);
  const problems: string[] = [];
  for (const visit of appPages(showcase, role)) {
    await goInApp(page, visit.path);
    await page.locator(`[data-testid="app-shell"]`).waitFor();
    expect(await page.getByTestId('not-found').count(), visit.path).toBe(0);
    await pageSettled(page);
    problems.push(...(await problemsOf(page, visit, role)));
  }
  return problems;
}

describe('every page on a phone, in Dutch and English', () => {
  it('signed in as an admin: no sideways overflow, no axe violations', async () => {
    expect(await checkSignedIn('admin')).toEqual([]);
  });

  it('signed in as an admin on a 1280 px screen: nothing sticks out of its column either', async () => {
    const { page } = showcase.admin;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('lang-nl').click();
    const problems: string[] = [];
    for (const visit of appPages(showcase, 'admin')) {
      await goInApp(page, visit.path);
      await pageSettled(page);
      for (const line of await horizontalOverflow(page)) problems.push(`1280 ${visit.name}: ${line}`);
      // The page column ends where the content may end: nothing wider than it.
      const column = await page.locator('.app-shell__content').evaluate((content) => {
        const right = content.getBoundingClientRect().right;
        return [...content.querySelectorAll('*')]
          .filter((element) => element.getBoundingClientRect().right > right + 1)
          .map(
            (element) =>
              element.tagName.toLowerCase() +
              (element.getAttribute('data-testid') ? `[${element.getAttribute('data-testid')}]` : ''),
          )
          .slice(0, 5);
      });
      for (const line of column) problems.push(`1280 ${visit.name}: ${line} is wider than the page column`);
    }
    expect(problems).toEqual([]);
  });

  it('signed in as a client: no sideways overflow, no axe violations', async () => {
    expect(await checkSignedIn('client')).toEqual([]);
  });

  it('the overflow check finds what sticks out (so an empty report means something)', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${showcase.coffer.origin}/login`);
    await pageSettled(page);
    expect(await horizontalOverflow(page)).toEqual([]);
    await page.evaluate(() => {
      const wide = document.createElement('p');
      wide.setAttribute('data-testid', 'too-wide');
      wide.style.width = '600px';
      wide.textContent = 'x';
      document.querySelector('main')?.append(wide);
    });
    const found = await horizontalOverflow(page);
    expect(found[0]).toMatch(/^the page is 6\d\dpx wide in a 3\d\dpx viewport$/);
    expect(found.some((line) => line.startsWith('p[data-testid=too-wide]'))).toBe(true);
    await context.close();
  });

  it('signed out: no sideways overflow, no axe violations', async () => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: PHONE, bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    for (const visit of publicPages(showcase)) {
      await page.goto(`${showcase.coffer.origin}${visit.path}`);
      await pageSettled(page);
      problems.push(...(await problemsOf(page, visit, 'signed out')));
    }
    await context.close();
    expect(problems).toEqual([]);
  });
});

describe('a mistyped address', () => {
  const MISTYPED = ['/app/nonsense', '/app/sent/not-an-id', '/app/admin/gebruikers', '/nonsense', '/s/kort'];

  /** Opens `path` in a new tab of `page`'s browser context; returns its heading and the way back. */
  async function notFoundIn(page: Page, path: string, lang: 'nl' | 'en'): Promise<{ title: string; back: string }> {
    const tab = await page.context().newPage();
    // A path no route knows answers 404; one shaped like a page with a malformed id (/app/sent/x) is
    // a page whose router finds nothing. Either way the browser gets the app, not JSON.
    const answer = await tab.goto(`${showcase.coffer.origin}${path}`);
    expect(await answer?.headerValue('content-type'), path).toMatch(/^text\/html/);
    await tab.getByTestId(`lang-${lang}`).click();
    await tab.getByTestId('not-found').waitFor();
    // The page asked whether someone is signed in (the way back depends on it).
    await tab.waitForLoadState('networkidle');
    await pageSettled(tab);
    const result = {
      title: (await tab.locator('h1').textContent()) ?? '',
      back: (await tab.getByTestId('not-found-back').getAttribute('href')) ?? '',
    };
    await tab.close();
    return result;
  }

  it('shows the app’s not-found page with a way back to the start page when signed in', async () => {
    for (const path of MISTYPED) {
      expect(await notFoundIn(showcase.admin.page, path, 'nl'), path).toEqual({
        title: 'Pagina niet gevonden',
        back: '/app',
      });
    }
    expect(await notFoundIn(showcase.client.page, '/app/nonsense', 'en')).toEqual({
      title: 'Page not found',
      back: '/app',
    });
  });

  it('shows it with a way back to the home page when signed out; the API keeps answering JSON', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${showcase.coffer.origin}/`);
    for (const path of MISTYPED) {
      expect(await notFoundIn(page, path, 'en'), path).toEqual({ title: 'Page not found', back: '/' });
      expect(await notFoundIn(page, path, 'nl'), path).toEqual({ title: 'Pagina niet gevonden', back: '/' });
    }
    const api = await page.goto(`${showcase.coffer.origin}/api/v1/nonsense`);
    expect(api?.status()).toBe(404);
    expect(await api?.json()).toMatchObject({ error: { code: 'not_found' } });
    await context.close();
  });
});

describe('the setup link after setup', () => {
  it('says Coffer is already set up and leads to sign-in, in both languages', async () => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: PHONE });
    const page = await context.newPage();
    await page.goto(showcase.usedSetupLink);
    await page.locator('[data-testid="setup-invalid"][data-office="set-up"]').waitFor();
    expect(await page.getByTestId('setup-status').textContent()).toMatch(/^Coffer is al ingericht/);
    expect(await page.getByTestId('setup-status').textContent()).not.toContain('npm run');
    await page.getByTestId('lang-en').click();
    expect(await page.getByTestId('setup-status').textContent()).toMatch(/^Coffer is already set up/);
    await page.getByTestId('setup-sign-in').click();
    await page.getByTestId('login-email').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });
});

describe('the navigation', () => {
  it('is a menu behind a button on a phone: keyboard, Escape, and every allowed page in it', async () => {
    const { page } = showcase.admin;
    await page.setViewportSize(PHONE);
    await goInApp(page, '/app');
    await pageSettled(page);
    const toggle = page.getByTestId('nav-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('nav-menu').isVisible()).toBe(false);

    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.getByTestId('nav-menu').waitFor();
    // Focus moved into the menu, to its first item.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('nav-dashboard');
    // The administration is one entry (it stays open once opened: the admin pages above opened it).
    const admin = page.getByTestId('nav-admin-toggle');
    expect(await admin.getAttribute('aria-expanded')).toBe('true');
    await admin.click();
    expect(await admin.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('nav-users').isVisible()).toBe(false);
    await admin.click();
    expect(await admin.getAttribute('aria-expanded')).toBe('true');
    const items = await page
      .locator('[data-testid="nav-menu"] a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(items).toEqual([
      '/app',
      '/app/send',
      '/app/received',
      '/app/sent',
      '/app/drops',
      '/app/clients',
      '/app/contacts',
      '/app/colleagues',
      '/app/admin',
      '/app/admin/invitations',
      '/app/admin/office',
      '/app/admin/audit',
      '/app/admin/privacy',
      '/app/security',
    ]);
    for (const href of items)
      expect(await page.locator(`[data-testid="nav-menu"] a[href="${href}"]`).isVisible()).toBe(true);

    await page.keyboard.press('Escape');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-toggle');

    // Following an item closes the menu and shows the page.
    await toggle.click();
    await page.getByTestId('nav-sent').click();
    await page.locator('[data-testid="app-shell"][data-section="sent"]').waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // The new page's heading has focus (a screen reader announces it) but shows no ring.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await page.locator('h1').evaluate((h1) => getComputedStyle(h1).outlineStyle)).toBe('none');

    // On a wide screen it is a column: no button, every item shown.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await toggle.isVisible()).toBe(false);
    expect(await page.getByTestId('nav-privacy').isVisible()).toBe(true);
  });

  it('shows a client only their own items', async () => {
    const { page } = showcase.client;
    await page.setViewportSize({ width: 1280, height: 900 });
    await goInApp(page, '/app');
    await pageSettled(page);
    expect(
      await page
        .locator('[data-testid="nav-menu"] a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href'))),
    ).toEqual(['/app', '/app/received', '/app/security']);
    expect(await page.getByTestId('nav-admin-toggle').count()).toBe(0);
  });
});

describe('the footer', () => {
  it('says "your office" to staff only; clients and signed-out visitors read what Coffer does', async () => {
    for (const [role, expected] of [
      ['admin', /^Coffer · de end-to-end versleutelde documentuitwisseling van uw kantoor/],
      ['staff', /^Coffer · de end-to-end versleutelde documentuitwisseling van uw kantoor/],
      ['client', /^Coffer · end-to-end versleuteld: documenten worden in uw browser versleuteld/],
    ] as const) {
      const { page } = showcase[role];
      await page.getByTestId('lang-nl').click();
      expect(await page.getByTestId('footer-text').textContent(), role).toMatch(expected);
    }
    const context = await browser.newContext({ locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(showcase.guestLink);
    await pageSettled(page);
    const footer = (await page.getByTestId('footer-text').textContent()) ?? '';
    expect(footer).toMatch(/^Coffer · end-to-end versleuteld/);
    expect(footer).not.toMatch(/uw kantoor/);
    await context.close();
  });
});
