// A client invitation as an advisor makes one: the Clients page, a link to hand over (the
// default), read from the page as "Copy link" would copy it (untimed: what is measured is the
// phone that opens it, phone.ts).
import { testId } from './chromium.js';
import type { Office } from './office.js';

/** Invites a client on the advisor's page and returns the link; leaves the advisor on the Send page. */
export async function clientInvitationLink(office: Office): Promise<string> {
  const { page } = office;
  await page.click(testId('nav-clients'));
  await page.fill(testId('client-name'), 'Bakkerij de Vries');
  await page.fill(testId('client-email'), 'bakkerij@example.com');
  await page.click(testId('client-invite'));
  await page.waitFor(testId('client-link-url'), 60_000);
  const link = await page.attribute(testId('client-link-url'), 'data-value');
  if (!link) throw new Error('the invitation shows no link');
  await page.click(testId('nav-send'));
  await page.waitFor(testId('send-page', { 'data-state': 'compose' }));
  return link;
}
