// npm run screenshots — every page of Coffer as people see it, to look at before a release:
// the built server (dist/, as `npm start` runs it) on 127.0.0.1 with a temporary data folder
// and a real SMTP server on loopback, an office with realistic content made through the real
// pages in headless Chromium (test/e2e/support/showcase.ts: an admin, a staff member and a
// client; shares, a drop link with uploads, a pending invitation, audit entries), and then a
// full-page screenshot of each page in Dutch and English at 390 and 1280 px wide: signed in as
// the admin, the staff member and the client, and signed out (home, sign-in, recovery, a used
// setup link, a guest's link, a drop link, an invitation, not-found).
//
// The files go to screenshots/ (git-ignored), named <lang>-<width>-<who>-<page>.png; the
// folder is emptied first. SCREENSHOTS_DIR=<folder> writes elsewhere. Requires a build
// (`npm run screenshots` builds first).
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/support/browser.js';
import {
  appPages,
  buildShowcase,
  goInApp,
  pageSettled,
  publicPages,
  type PageToVisit,
  type Showcase,
} from '../test/e2e/support/showcase.js';
import { removeTempDirs } from '../test/helpers/tmp.js';

const WIDTHS = [390, 1280] as const;
const LANGS = ['nl', 'en'] as const;
const HEIGHT = { 390: 844, 1280: 900 } as const;

const outDir = resolve(process.env['SCREENSHOTS_DIR'] ?? 'screenshots');

async function shoot(page: Page, file: string): Promise<void> {
  for (const lang of LANGS) {
    await page.getByTestId(`lang-${lang}`).click();
    await pageSettled(page);
    await page.screenshot({ path: join(outDir, file.replace('{lang}', lang)), fullPage: true });
  }
}

async function signedInPages(showcase: Showcase, role: 'admin' | 'staff' | 'client'): Promise<number> {
  const { page } = showcase[role];
  let count = 0;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHT[width] });
    for (const visit of appPages(showcase, role)) {
      await goInApp(page, visit.path);
      await pageSettled(page);
      await shoot(page, `{lang}-${width}-${role}-${visit.name}.png`);
      count += LANGS.length;
    }
    // A phone's navigation, opened (with the administration's entry opened too, for an admin).
    const toggle = page.getByTestId('nav-toggle');
    if (await toggle.isVisible()) {
      await goInApp(page, '/app');
      await pageSettled(page);
      await toggle.click();
      const admin = page.getByTestId('nav-admin-toggle');
      if ((await admin.count()) > 0 && (await admin.getAttribute('aria-expanded')) !== 'true') await admin.click();
      for (const lang of LANGS) {
        await page.getByTestId(`lang-${lang}`).click();
        await page.screenshot({ path: join(outDir, `${lang}-${width}-${role}-menu.png`) });
      }
      count += LANGS.length;
      await page.keyboard.press('Escape');
    }
  }
  return count;
}

async function signedOutPages(browser: Browser, showcase: Showcase): Promise<number> {
  let count = 0;
  for (const width of WIDTHS) {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width, height: HEIGHT[width] } });
    const page = await context.newPage();
    const pages: PageToVisit[] = publicPages(showcase);
    for (const visit of pages) {
      await page.goto(`${showcase.coffer.origin}${visit.path}`);
      await pageSettled(page);
      await shoot(page, `{lang}-${width}-signed-out-${visit.name}.png`);
      count += LANGS.length;
    }
    await context.close();
  }
  return count;
}

async function main(): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const browser = await launchChromium();
  let showcase: Showcase | undefined;
  try {
    console.log('building an office through the pages (a few minutes)…');
    showcase = await buildShowcase(browser, { bypassCSP: false });
    let count = 0;
    for (const role of ['admin', 'staff', 'client'] as const) count += await signedInPages(showcase, role);
    count += await signedOutPages(browser, showcase);
    console.log(`${count} screenshots in ${outDir}`);
  } finally {
    await showcase?.close();
    await browser.close();
    await removeTempDirs();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
