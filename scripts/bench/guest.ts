// A guest's browser: a fresh browser context (no cookies, no cache, no service worker of the
// advisor's), a tab that opens the guest link, presses "Send me a code", reads the code from
// the mail the server sent to the real SMTP server on loopback, types it and waits for the
// files. Nothing here is timed: the callers time what they measure.
import { setTimeout as sleep } from 'node:timers/promises';
import { testId, type PageDriver } from './chromium.js';
import { GUEST } from './config.js';
import type { Office } from './office.js';

export interface GuestTab {
  readonly page: PageDriver;
  /** Closes the tab's browser context. */
  close(): Promise<void>;
}

/** A new tab in a fresh browser context (downloads allowed, saved where the office's are); `phone` emulates one. */
export async function newGuestTab(office: Office, options: { phone?: boolean } = {}): Promise<GuestTab> {
  const { chromium } = office;
  const context = await chromium.newContext();
  try {
    await chromium.allowDownloads(office.downloads, context);
    const page = await chromium.newPage(context);
    await page.start();
    if (options.phone) await page.emulatePhone();
    const close = async (): Promise<void> => {
      office.problems.push(...page.problems.map((problem) => `guest tab: ${problem}`));
      await chromium.closeContext(context);
    };
    return { page, close };
  } catch (error) {
    await chromium.closeContext(context).catch(() => undefined);
    throw error;
  }
}

/** The six-digit code in the `count`th mail to `address`, waiting up to 10 s for it. */
async function mailedCode(office: Office, address: string, count: number): Promise<string> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
    const mail = office.coffer.mail.to(address)[count - 1];
    if (mail === undefined) continue;
    const code = /^\s+(\d{6})\s*$/m.exec(mail.text ?? '')?.[1];
    if (code === undefined) throw new Error(`no code in the mail to ${address}`);
    return code;
  }
  throw new Error(`no code mail reached ${address}`);
}

/** A guest tab on `link` with the address proved and the files on screen. */
export async function openGuestFiles(office: Office, link: string, timeoutMs: number): Promise<GuestTab> {
  const guest = await newGuestTab(office);
  try {
    const { page } = guest;
    await page.goto(link);
    await page.waitFor(testId('guest-page', { 'data-step': 'start' }), 60_000);
    const before = office.coffer.mail.to(GUEST).length;
    await page.click(testId('guest-request-code'));
    await page.waitFor(testId('guest-page', { 'data-step': 'code' }), 60_000);
    await page.fill(testId('guest-code'), await mailedCode(office, GUEST, before + 1));
    await page.click(testId('guest-verify'));
    const files = testId('guest-page', { 'data-step': 'files' });
    const where = await page.waitFor([files, testId('guest-error')], timeoutMs);
    if (where !== files)
      throw new Error(`the guest could not open the share: ${await page.text(testId('guest-error'))}`);
    return guest;
  } catch (error) {
    await guest.close();
    throw error;
  }
}
