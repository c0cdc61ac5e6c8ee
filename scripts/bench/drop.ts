// A drop link as an advisor makes one for a client: the form on the Drops page, bound to the
// client's address, and the link as the page shows it (untimed: what is measured is the phone
// that opens it, phone.ts).
import { testId } from './chromium.js';
import { GUEST } from './config.js';
import type { Office } from './office.js';

/** Makes a drop bound to GUEST on the advisor's page and returns its link; leaves the advisor on the Send page. */
export async function boundDropLink(office: Office): Promise<string> {
  const { page } = office;
  await page.click(testId('nav-drops'));
  await page.waitFor(testId('drops-page', { 'data-state': 'loaded' }));
  await page.click(testId('drops-new'));
  await page.waitFor(testId('drop-new-page', { 'data-state': 'compose' }));
  await page.fill(testId('drop-label'), 'Jaarstukken 2026');
  await page.fill(testId('drop-title'), 'Uw jaarstukken 2026');
  await page.fill(testId('drop-email'), GUEST);
  await page.click(testId('drop-create-submit'));
  await page.waitFor(testId('drop-new-page', { 'data-state': 'created' }), 60_000);
  const link = await page.attribute(testId('drop-link-url'), 'data-value');
  if (!link) throw new Error('the new drop shows no link');
  await page.click(testId('nav-send'));
  await page.waitFor(testId('send-page', { 'data-state': 'compose' }));
  return link;
}
