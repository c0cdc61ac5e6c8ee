// Contacts in real Chromium against the built server, mail on a real SMTP server on loopback.
// The advisor adds a contact (English, an organisation), makes a standing access code and
// reads it once; then sends a file by typing part of the contact's name and choosing the
// suggestion with the keyboard. The standing code guards the link, so Coffer mails it (in
// English, the contact's language) and the card names the standing code instead of showing a
// code; the guest opens the link from that mail with the e-mail code and the standing code and
// downloads the file intact. Afterwards the recorded requests, the server's log, every mail and
// every file under DATA_DIR are searched: the standing code and the file's content and name are
// nowhere, and the link secret only in the one request that asked Coffer to mail it and in that
// mail. Last, with everything the server and the mail hold (Ks, the wrapped key, the manifest,
// the blob, S from the mail, the e-mail code), the file key unwraps only with the standing code.
// A contact whose add lost its answer is found in the list and counted as added, once; its delete,
// with the answer lost as well, is read back from the list and reported as done.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromBase64Url } from '../../shared/crypto/index.js';
import { waitForMail } from '../helpers/mail-server.js';
import { codeFromMail } from '../helpers/sharing.js';
import type { Person } from './support/accounts.js';
import { addContact, makeStandingCode } from './support/contacts.js';
import {
  download,
  expectSameFile,
  guestOpensFiles,
  marker,
  randomFile,
  submit,
  windowNeedles,
} from './support/sending.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';
import { expectOpensOnlyWithAccessCode } from './support/nothing-opens.js';
import { everything, expectNoTrace, FlowTest } from './support/sessions.js';
import { findNeedles, forms } from './support/traces.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
// See test/e2e/sending.test.ts: Chromium reports some completed worker fetches as aborted.
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/links\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-contacts-e2e-', [CHROMIUM_ABORTED_AFTER_BODY], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR],
  });
});
afterAll(() => flow.stop());

it('adds a contact with a standing access code; a file sent by choosing the suggestion opens with that code', async () => {
  const { coffer, sessions } = flow;
  const email = `pieter-${randomBytes(3).toString('hex')}@bakkerij-smit.example`;
  const advisor = await sessions.signedIn(ADVISOR);
  const page = advisor.page;

  // ---- the address book
  await addContact(page, { email, name: 'Pieter Smit', lang: 'en', organisation: 'Bakkerij Smit' });
  const standingCode = await makeStandingCode(page, email);
  expect(standingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  const row = page.locator(`[data-testid="contact-row"][data-email="${email}"]`);
  expect(await row.getByTestId('contact-code-state').textContent()).toContain(ADVISOR.name);

  // ---- sending: part of the name, then the suggestion chosen with the keyboard
  const name = marker();
  const file = randomFile(`loonstrook-${name}.pdf`, 300_000);
  await page.getByTestId('nav-send').click();
  await page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();
  await page.getByTestId('send-files').setInputFiles([{ ...file }]);
  const input = page.getByTestId('send-recipient-input');
  await input.pressSequentially('piet', { delay: 30 });
  const suggestion = page.locator(`[data-testid="send-recipient-suggestion"][data-email="${email}"]`);
  await suggestion.waitFor();
  expect(await input.getAttribute('aria-expanded')).toBe('true');
  expect(await suggestion.textContent()).toContain('Bakkerij Smit');
  await input.press('ArrowDown');
  const optionId = await suggestion.getAttribute('id');
  await expect.poll(() => input.getAttribute('aria-activedescendant')).toBe(optionId);
  expect(await suggestion.getAttribute('aria-selected')).toBe('true');
  await input.press('Enter');
  const recipient = page.locator(`[data-testid="send-recipient"][data-email="${email}"][data-kind="guest"]`);
  await recipient.waitFor();
  expect(await input.inputValue()).toBe('');
  expect(await recipient.getByTestId('send-recipient-standing-code').textContent()).toContain('Pieter Smit');
  expect(await recipient.getByTestId('send-recipient-access-code').count()).toBe(0);

  const sent = await submit(page);
  const [guestLink] = sent.guests as [(typeof sent.guests)[number]];
  expect(guestLink.email).toBe(email);
  // The card does not show the code again: it names the contact's standing code.
  expect(guestLink.accessCode).toBeUndefined();
  const card = page.locator(`[data-testid="guest-link"][data-email="${email}"]`);
  expect(await card.getByTestId('guest-link-standing-code').textContent()).toContain('Pieter Smit');
  // A standing code guards the link, so Coffer mailed it: nothing for the advisor to pass on.
  expect(await card.getAttribute('data-link-mail')).toBe('mailed');
  const linkMail = await waitForMail(
    () => coffer.mail.to(email)[0],
    10_000,
    () => `no link mail to ${email}`,
  );
  const mailedLink = /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(linkMail.text ?? '')?.[0] ?? '';
  expect(mailedLink).toBe(guestLink.link);
  expect(linkMail.subject).toContain(OFFICE);
  expect(linkMail.text).toContain('You also need an access code');

  // ---- the guest: from the mail, e-mail code (in English, the contact's language) and the standing code
  const guest = await sessions.open('contact');
  await guestOpensFiles(guest.page, coffer.mail, { ...guestLink, link: mailedLink, accessCode: standingCode });
  expect((await coffer.mail.latest(email)).subject).toBe(`Your code for the documents from ${OFFICE}`);
  expectSameFile(await download(guest.page, file.name), file);

  await expectNoTrace(
    sessions,
    coffer,
    [
      ...windowNeedles('content', file.buffer, [0, 100_003, file.buffer.length - 32]),
      ...forms('file name', file.name),
      ...forms('standing access code', standingCode),
      ...forms('standing access code (ungrouped)', standingCode.replaceAll('-', '')),
    ],
    { what: 'contact address', value: email },
  );
  // S left the advisor's browser only to be mailed, and sits only in that request and that mail.
  const withS = findNeedles(
    await everything(sessions, coffer),
    forms('link secret S', fromBase64Url(guestLink.linkSecret)),
  );
  const linkMailAt = ` in mail ${coffer.mail.messages.indexOf(linkMail)} to ${email}`;
  expect(withS.filter((hit) => !hit.endsWith(linkMailAt) && !hit.includes('/mail-link)'))).toEqual([]);
  expect(withS.some((hit) => hit.endsWith(linkMailAt))).toBe(true);
  await sessions.finish(advisor, guest);

  // ---- the database, the data folder and the mail open nothing without the standing code
  await expectOpensOnlyWithAccessCode(flow.db, coffer.dataDir, {
    shareId: sent.shareId,
    recipientId: guestLink.recipientId,
    mailedLink,
    emailCode: await codeFromMail(coffer.mail, email, 2),
    accessCode: standingCode,
    plaintext: file.buffer,
  });
});

it('a contact whose add lost its answer is added once, and whose delete lost its answer is gone: the page says so each time', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const page = advisor.page;
  const email = `marloes-${randomBytes(3).toString('hex')}@kapsalon-bos.example`;
  const contacts = (): number =>
    (flow.db.prepare('SELECT count(*) AS n FROM contacts WHERE email = ?').get(email) as { n: number }).n;
  // The server stores the contact; the answer never reaches the page.
  const lost = await loseFirstAnswer(page, '**/api/v1/contacts', (request) => request.method() === 'POST');
  await addContact(page, { email, name: 'Marloes Bos', lang: 'nl', organisation: 'Kapsalon Bos' });
  expect(lost.seen).toEqual(['dropped 201']);
  expect(contacts()).toBe(1);
  expect(await page.getByTestId('contacts-status').textContent()).toContain('Marloes Bos');
  expect(await page.getByTestId('add-contact-error').count()).toBe(0);

  // Deleting it loses its answer too: the page lists the address again and says it is deleted.
  const deleting = await loseFirstAnswer(page, '**/api/v1/contacts/*', (request) => request.method() === 'DELETE');
  const row = page.locator(`[data-testid="contact-row"][data-email="${email}"]`);
  await row.getByTestId('contact-delete').click();
  await page.getByTestId('contact-delete-dialog-confirm').click();
  await expect
    .poll(() => page.getByTestId('contacts-status').textContent())
    .toBe('Marloes Bos was deleted from the contacts.');
  expect(deleting.seen).toEqual(['dropped 204']);
  expect(contacts()).toBe(0);
  await expect.poll(() => row.count()).toBe(0);
  acceptCutConnections(advisor.problems.messages);
  await flow.sessions.finish(advisor);
});
