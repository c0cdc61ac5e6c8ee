// "Click to link": the advisor sends one 200 KiB file to one guest and waits for the guest's
// link to appear, the most common thing an office does. Timed in the page itself, from the
// Send click to the link element being in the document (a MutationObserver, so no polling
// delay), several times; the median is the figure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testId } from './chromium.js';
import { LETTER_BYTES } from './config.js';
import { writeRandomFile } from './files.js';
import type { Office } from './office.js';
import { composeToGuest, shownGuestLink } from './transfer.js';

export interface ClickToLink {
  /** Each run's time, seconds, in the order run. */
  readonly seconds: readonly number[];
  readonly medianSeconds: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Clicks Send and resolves, in the page, with the ms until the guest link is shown (or the error shown instead). */
const CLICK_UNTIL_LINK = (timeoutMs: number): string => `new Promise((resolve) => {
  const link = ${JSON.stringify(testId('guest-link-url'))};
  const failed = ${JSON.stringify(testId('send-error'))};
  let observer;
  const finish = (answer) => { observer.disconnect(); clearTimeout(timer); resolve(answer); };
  const check = () => {
    if (document.querySelector(link)?.getAttribute('data-value')) finish({ ms: performance.now() - started });
    else if (document.querySelector(failed)) finish({ error: document.querySelector(failed).innerText });
  };
  observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  const timer = setTimeout(() => finish({ error: 'no link after ${timeoutMs} ms' }), ${timeoutMs});
  const started = performance.now();
  document.querySelector(${JSON.stringify(testId('send-submit'))}).click();
})`;

/** The 200 KiB letter in `work`, written once. */
async function letter(work: string): Promise<string> {
  const path = join(work, 'letter.pdf');
  if (!existsSync(path)) await writeRandomFile(path, LETTER_BYTES);
  return path;
}

/** Sends the letter to the guest (untimed) and returns the guest's link; leaves an empty Send page. */
export async function letterLink(office: Office, work: string): Promise<string> {
  const { page } = office;
  await composeToGuest(page, [await letter(work)]);
  await page.click(testId('send-submit'));
  const sent = testId('send-page', { 'data-state': 'sent' });
  if ((await page.waitFor([sent, testId('send-error')], 60_000)) !== sent)
    throw new Error(`the letter was not sent: ${await page.text(testId('send-error'))}`);
  const link = await shownGuestLink(page);
  await page.click(testId('send-again'));
  return link;
}

export async function clickToLink(office: Office, work: string, runs: number): Promise<ClickToLink> {
  const { page } = office;
  const path = await letter(work);
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    await composeToGuest(page, [path]);
    const answer = await page.evaluate<{ ms?: number; error?: string }>(CLICK_UNTIL_LINK(60_000));
    if (answer.ms === undefined) throw new Error(`click to link, run ${run + 1}: ${answer.error ?? 'no answer'}`);
    seconds.push(answer.ms / 1000);
    await shownGuestLink(page); // the link is really there, not just an element
    await page.click(testId('send-again')); // back to an empty Send page for the next run
  }
  return { seconds, medianSeconds: median(seconds) };
}
