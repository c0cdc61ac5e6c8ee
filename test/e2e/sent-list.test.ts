// The Sent list at work, in real Chromium against the real server program: an advisor with
// several shares finds one by a file name (decrypted in the browser, never sent to the server:
// the leak search looks through every request, the server's log, the mail and the data folder,
// database and WAL included), by a word of the message and by a recipient's address, and
// narrows the list by status and by kind of recipient. A server that swaps a share's sealed
// metadata gets no name onto the list. A revoke, an unlock and an extension whose answers were
// lost end as done.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idFromWire } from '../../shared/crypto/index.js';
import type { Person } from './support/accounts.js';
import { openSection } from './support/navigation.js';
import { compose, marker, randomFile, send, submit } from './support/sending.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';
import { expectNoTrace, FlowTest, settle } from './support/sessions.js';
import { forms } from './support/traces.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-sent-list-e2e-', [], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
});
afterAll(() => flow.stop());

/** The share ids of the rows on screen, once every name on the page is decrypted. */
async function rowsShown(page: Page): Promise<string[]> {
  await page.locator('[data-testid="sent-page"][data-state="loaded"][data-names="done"]').waitFor();
  return Promise.all(
    (await page.getByTestId('sent-row').all()).map(async (row) => (await row.getAttribute('data-share-id')) ?? ''),
  );
}

async function search(page: Page, words: string): Promise<string[]> {
  await page.getByTestId('sent-search').fill(words);
  return rowsShown(page);
}

it('finds a share by a decrypted file name, a word of its message or an address, and filters by status and recipient', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const page = advisor.page;
  const m = marker();
  const names = {
    accounts: `jaarrekening-${m}.pdf`,
    payslip: `loonstrook-maart-${m}.pdf`,
    return: `aangifte-ib-${m}.pdf`,
  };
  const message = `Hierbij de loonstrook van maart, kenmerk ${m}-bericht`;
  const guestA = `klant-a-${m}@example.nl`;
  const guestB = `klant-b-${m}@example.nl`;

  const accounts = await send(page, [randomFile(names.accounts, 1_500)], [{ email: guestA, kind: 'guest' }]);
  await compose(page, [randomFile(names.payslip, 1_200)], [{ email: guestB, kind: 'guest' }]);
  await page.getByTestId('send-message').fill(message);
  const payslip = await submit(page);
  const taxReturn = await send(page, [randomFile(names.return, 900)], [{ email: ADMIN.email, kind: 'account' }]);
  // The first share is revoked (the request the share page's Revoke button makes).
  expect(
    await page.evaluate(
      async (id) =>
        (
          await fetch(`/api/v1/shares/${id}/revoke`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          })
        ).status,
      accounts.shareId,
    ),
  ).toBe(204);

  await openSection(page, 'sent');
  expect(await rowsShown(page)).toEqual([taxReturn.shareId, payslip.shareId, accounts.shareId]);
  const row = (shareId: string) => page.locator(`[data-testid="sent-row"][data-share-id="${shareId}"]`);
  expect(await row(payslip.shareId).getByTestId('sent-names').textContent()).toBe(names.payslip);
  expect(await row(payslip.shareId).getByTestId('sent-message').textContent()).toBe(message);
  expect(await row(taxReturn.shareId).getByTestId('sent-names').textContent()).toBe(names.return);
  // A revoked share's keys are deleted at once: its name is gone, and the row says so.
  expect(await row(accounts.shareId).getByTestId('sent-row-files').textContent()).toBe(
    '1 file deleted from the server',
  );

  // By a file name (two words, either case), by a word of the message, by an address.
  expect(await search(page, `LOONSTROOK ${m}`)).toEqual([payslip.shareId]);
  expect(await page.getByTestId('sent-count').textContent()).toBe('Shares 1–1 of 1');
  expect(await search(page, `aangifte-ib`)).toEqual([taxReturn.shareId]);
  expect(await search(page, `${m}-bericht`)).toEqual([payslip.shareId]);
  expect(await search(page, guestA)).toEqual([accounts.shareId]);
  expect(await search(page, `geen-${m}`)).toEqual([]);
  expect(await page.getByTestId('sent-count').textContent()).toBe('No share matches.');

  // Filters: by status, by kind of recipient, and a search within a filter.
  await page.getByTestId('sent-filter-clear').click();
  await page.locator('[data-testid="sent-filters-more"] summary').click();
  await page.getByTestId('sent-filter-state').selectOption('revoked');
  expect(await rowsShown(page)).toEqual([accounts.shareId]);
  await page.getByTestId('sent-filter-state').selectOption('active');
  expect(await rowsShown(page)).toEqual([taxReturn.shareId, payslip.shareId]);
  await page.getByTestId('sent-filter-kind').selectOption('account');
  expect(await rowsShown(page)).toEqual([taxReturn.shareId]);
  await page.getByTestId('sent-filter-kind').selectOption('guest');
  expect(await search(page, 'loonstrook')).toEqual([payslip.shareId]);
  await page.getByTestId('sent-filter-clear').click();
  expect(await rowsShown(page)).toHaveLength(3);

  await settle(advisor);
  await flow.sessions.finish(advisor);
  // Neither the names nor the message (nor what was typed into the search) reached the server side.
  await expectNoTrace(
    flow.sessions,
    flow.coffer,
    [
      ...forms('file name', names.payslip),
      ...forms('file name', names.return),
      ...forms('file name', names.accounts),
      ...forms('message', message),
      ...forms('search', `LOONSTROOK ${m}`),
    ],
    { what: 'recipient address', value: guestB },
  );
});

it('shows no name the server changed: a share whose sealed metadata was swapped for another share’s is marked not verified', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const page = advisor.page;
  const m = marker();
  const honestName = `bankafschrift-${m}.pdf`;
  const victimName = `loonheffing-${m}.pdf`;
  const honest = await send(page, [randomFile(honestName, 800)], [{ email: `a-${m}@example.nl`, kind: 'guest' }]);
  const victim = await send(page, [randomFile(victimName, 700)], [{ email: `b-${m}@example.nl`, kind: 'guest' }]);
  // Playing a hostile server: the victim's row gets the other share's sealed metadata (a genuine
  // ciphertext of a name the sender really used, under another file key and file id).
  const metadataOf = (shareId: string): Buffer =>
    (
      flow.db.prepare('SELECT sealed_metadata FROM share_files WHERE share_id = ?').get(idFromWire(shareId)) as {
        sealed_metadata: Buffer;
      }
    ).sealed_metadata;
  flow.db
    .prepare('UPDATE share_files SET sealed_metadata = ? WHERE share_id = ?')
    .run(metadataOf(honest.shareId), idFromWire(victim.shareId));

  await openSection(page, 'sent');
  // Had the list taken the swapped metadata, both rows would carry the honest name.
  expect(await search(page, honestName)).toEqual([honest.shareId]);
  expect(await search(page, victimName)).toEqual([]);
  await page.getByTestId('sent-search').fill('');
  await rowsShown(page);
  const row = (shareId: string) => page.locator(`[data-testid="sent-row"][data-share-id="${shareId}"]`);
  expect(await row(honest.shareId).getByTestId('sent-names').textContent()).toBe(honestName);
  expect(await row(victim.shareId).getByTestId('sent-names-failed').textContent()).toBe(
    '1 file: not verified, open the share',
  );
  expect(await row(victim.shareId).getByTestId('sent-names').count()).toBe(0);
  await flow.sessions.finish(advisor);
});

it('revokes a share whose revoke lost its answer: the page says it is revoked, and it is', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const page = advisor.page;
  const sent = await send(
    page,
    [randomFile(`loonstrook-${marker()}.pdf`, 1_000)],
    [{ email: `klant-${marker()}@example.nl`, kind: 'guest' }],
  );
  const revokedAt = (): unknown =>
    flow.db.prepare('SELECT revoked_at FROM shares WHERE id = ?').pluck().get(idFromWire(sent.shareId));
  await page.goto(`${flow.coffer.origin}/app/sent/${sent.shareId}`);
  await page.locator('[data-testid="sent-share-page"][data-state="loaded"]').waitFor();
  // The server revokes the share; the answer never reaches the page.
  const lost = await loseFirstAnswer(page, '**/api/v1/shares/*/revoke');
  await page.getByTestId('sent-revoke').click();
  await page.getByTestId('revoke-dialog-confirm').click();
  await expect.poll(() => page.getByTestId('sent-share-status').textContent()).toBe('The share has been revoked.');
  expect(lost.seen).toEqual(['dropped 204']);
  expect(await page.getByTestId('sent-share-problem').count()).toBe(0);
  expect(revokedAt()).toEqual(expect.any(Number));
  acceptCutConnections(advisor.problems.messages);
  await flow.sessions.finish(advisor);
});

it('unlocks a recipient and extends a share whose answers were lost: the page says both are done, and they are', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const page = advisor.page;
  const guest = `klant-${marker()}@example.nl`;
  const sent = await send(page, [randomFile(`jaaropgave-${marker()}.pdf`, 1_000)], [{ email: guest, kind: 'guest' }]);
  const shareId = idFromWire(sent.shareId);
  // The guest typed too many wrong codes (how a link locks is the link page's test): set in the database.
  flow.db
    .prepare('UPDATE share_recipients SET locked_at = ?, wrong_codes = 10 WHERE share_id = ?')
    .run(Date.now(), shareId);
  const lockedAt = (): unknown =>
    flow.db.prepare('SELECT locked_at FROM share_recipients WHERE share_id = ?').pluck().get(shareId);
  await page.goto(`${flow.coffer.origin}/app/sent/${sent.shareId}`);
  await page.locator('[data-testid="sent-share-page"][data-state="loaded"]').waitFor();

  // The server unlocks the guest; the answer never reaches the page.
  const unlocking = await loseFirstAnswer(page, '**/api/v1/shares/*/recipients/*/unlock');
  await page.getByTestId('sent-recipient-unlock').click();
  await expect
    .poll(() => page.getByTestId('sent-share-status').textContent())
    .toBe(`${guest} can request a code again.`);
  expect(unlocking.seen).toEqual(['dropped 204']);
  expect(await page.getByTestId('sent-share-problem').count()).toBe(0);
  expect(lockedAt()).toBeNull();
  await expect.poll(() => page.getByTestId('sent-recipient-unlock').count()).toBe(0);

  // The same for a new expiry: the one the page asked for is the share's.
  const expiresAt = (): unknown => flow.db.prepare('SELECT expires_at FROM shares WHERE id = ?').pluck().get(shareId);
  const before = expiresAt();
  const extending = await loseFirstAnswer(page, '**/api/v1/shares/*/extend');
  const longest = await page.locator('[data-testid="sent-extend-days"] option').last().getAttribute('value');
  await page.getByTestId('sent-extend-days').selectOption(longest ?? '');
  await page.getByTestId('sent-extend').click();
  await expect.poll(() => page.getByTestId('sent-share-status').textContent()).toBe('The expiry has been changed.');
  expect(extending.seen).toEqual(['dropped 204']);
  expect(await page.getByTestId('sent-share-problem').count()).toBe(0);
  const asked = JSON.parse(extending.dropped()?.postData() ?? '{}') as { expiresAt?: string };
  expect(expiresAt()).toBe(Date.parse(asked.expiresAt ?? ''));
  expect(expiresAt()).not.toBe(before);
  acceptCutConnections(advisor.problems.messages);
  await flow.sessions.finish(advisor);
});
