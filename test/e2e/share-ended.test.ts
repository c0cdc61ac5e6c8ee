// A guest opens the link of a share its sender revoked, in real Chromium against the real
// server program: the page says the files were withdrawn and whom to ask (the sender and the
// office), in English and, after the language switch, in Dutch; axe finds nothing.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Person } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { randomFile, send } from './support/sending.js';
import { FlowTest } from './support/sessions.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};

// The page's GET of an ended link answers 410, which Chromium reports on the console.
const GONE_ANSWER = /Failed to load resource: the server responded with a status of 410/;

/** The sender's browser revokes the share (the request the sent page's Revoke button makes). */
function revoke(page: Page, shareId: string): Promise<number> {
  return page.evaluate(
    async (id) =>
      (
        await fetch(`/api/v1/shares/${id}/revoke`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{}',
        })
      ).status,
    shareId,
  );
}

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-share-ended-e2e-', [GONE_ANSWER], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
});
afterAll(() => flow.stop());

it('names the sender and the office on a revoked share’s page, in both languages', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const sent = await send(
    advisor.page,
    [randomFile('jaarrekening.pdf', 2_000)],
    [{ email: 'klant@example.nl', kind: 'guest' }],
  );
  const [guest] = sent.guests;
  if (guest === undefined) throw new Error('no guest link on the page');

  expect(await revoke(advisor.page, sent.shareId)).toBe(204);

  const visitor = await flow.sessions.open('guest');
  await visitor.page.goto(guest.link);
  const gone = visitor.page.locator('[data-testid="guest-gone"][data-state="share_revoked"]');
  await gone.waitFor();
  expect(await gone.textContent()).toContain('The sender has withdrawn these files.');
  expect(await visitor.page.getByTestId('gone-contact').textContent()).toBe(
    `Questions? Contact ${ADVISOR.name} at ${OFFICE}.`,
  );
  await visitor.page.getByTestId('lang-nl').click();
  await expect
    .poll(() => visitor.page.getByTestId('gone-contact').textContent())
    .toBe(`Vragen? Neem contact op met ${ADVISOR.name} van ${OFFICE}.`);
  await flow.sessions.finish(advisor, visitor);
});

it('has no axe violations on the ended share’s page', async () => {
  const context = await flow.browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const sent = await send(
    advisor.page,
    [randomFile('loonstrook.pdf', 1_000)],
    [{ email: 'tweede@example.nl', kind: 'guest' }],
  );
  expect(await revoke(advisor.page, sent.shareId)).toBe(204);
  await page.goto(sent.guests[0]?.link ?? '');
  await page.getByTestId('gone-contact').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await context.close();
  await flow.sessions.finish(advisor);
});
