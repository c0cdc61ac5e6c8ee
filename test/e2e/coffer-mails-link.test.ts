// Coffer mails the link (docs/threat-model.md "Who delivers a link"), in real Chromium against
// the real server program with mail going to a real SMTP server on loopback.
//
// An advisor sends a file to a guest with an access code and leaves "Coffer mails the link" on.
// The guest's link arrives from Coffer; the guest opens it from that mail, asks for the e-mail
// code (read from the same SMTP server), types the access code the advisor's page showed, and
// downloads the file: SHA-256 equal.
//
// Then everything the server and the mail hold is put together as an attacker would: the
// database file and its WAL (Ks, the wrapped file key, the signed manifest), the blob, the
// server's log output and every mail (S from the link mail, the e-mail code). Without the access
// code, the best attempt at the file key (the guest's own derivation, with no code or a wrong
// one) fails; with the code it opens the blob, so the attempt is the real one. Nothing of the
// access code is anywhere, and the link secret is in the one mail Coffer sent and in no file,
// log or other mail of the server.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromBase64Url, parseGuestLinkFragment, toHex } from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import { codeFromMail } from '../helpers/sharing.js';
import { waitForMail } from '../helpers/mail-server.js';
import type { Person } from './support/accounts.js';
import type { Coffer } from './support/coffer.js';
import { compose, download, expectSameFile, guestOpensFiles, randomFile, submit } from './support/sending.js';
import { everything, FlowTest, type Sessions } from './support/sessions.js';
import { expectOpensOnlyWithAccessCode } from './support/nothing-opens.js';
import { findNeedles, forms } from './support/traces.js';

const OFFICE = 'Kantoor Visser';
const ADMIN: Person = { name: 'Els Visser', email: 'els@kantoor-visser.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-visser.nl',
  password: 'vrolijke-olifant-tekent-7',
};
// As in sending.test.ts: Chromium reports some completed worker downloads as aborted.
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/links\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-mails-link-e2e-', [CHROMIUM_ABORTED_AFTER_BODY], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR],
  });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

it('mails the link to a guest with an access code, who opens the file; without the access code nothing the server or the mail holds opens it', async () => {
  const file = randomFile('jaaropgave-2025.pdf', 300_000);
  const email = 'klant-visser@example.nl';
  const advisor = await sessions.signedIn(ADVISOR);
  // A second guest without an access code: their link must not reach the server at all.
  const plainEmail = 'buur-visser@example.nl';
  await compose(
    advisor.page,
    [file],
    [
      { email, kind: 'guest', accessCode: true },
      { email: plainEmail, kind: 'guest' },
    ],
  );
  // On by default: after choosing files and recipients, one click sends and delivers.
  expect(await advisor.page.getByTestId('send-mail-links').isChecked()).toBe(true);
  const sent = await submit(advisor.page);
  const onPage = sent.guests.find((g) => g.email === email)!;
  const plain = sent.guests.find((g) => g.email === plainEmail)!;
  const accessCode = onPage.accessCode ?? '';
  expect(accessCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  const card = advisor.page.locator(`[data-testid="guest-link"][data-email="${email}"]`);
  expect(await card.getAttribute('data-link-mail')).toBe('mailed');
  expect(await card.getByTestId('guest-link-mailed').textContent()).toContain(email);
  expect(await card.getByTestId('guest-link-access-code-value').isVisible()).toBe(true);
  const plainCard = advisor.page.locator(`[data-testid="guest-link"][data-email="${plainEmail}"]`);
  expect(await plainCard.getAttribute('data-link-mail')).toBe('none');
  expect(await plainCard.getByTestId('guest-link-same-mailbox').textContent()).toContain(
    'Coffer cannot send this link',
  );

  // The mail from Coffer: the whole link, the office, never the access code.
  const linkMail = await waitForMail(
    () => coffer.mail.to(email)[0],
    10_000,
    () => `no link mail to ${email}`,
  );
  const text = linkMail.text ?? '';
  const mailedLink = /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? '';
  expect(mailedLink).toBe(onPage.link);
  expect(linkMail.subject).toContain(OFFICE);
  // The guest's language is the one the sender's page sent (this browser reads English).
  expect(text).toContain('You also need an access code');
  expect(text).not.toContain(accessCode);
  expect(text.replace(/[^0-9A-Z]/g, '')).not.toContain(accessCode.replaceAll('-', ''));

  // The guest opens the link from the mail: e-mail code from SMTP, access code from the advisor's page.
  const guest = await sessions.open('guest from the mailed link');
  await guestOpensFiles(guest.page, coffer.mail, { ...onPage, link: mailedLink });
  expectSameFile(await download(guest.page, file.name), file);
  const emailCode = await codeFromMail(coffer.mail, email, 2);

  // The advisor's sent page says Coffer mailed this link.
  await advisor.page.getByTestId('send-view-share').click();
  const delivery = (who: string) =>
    advisor.page
      .locator(`[data-testid="sent-recipient"][data-email="${who}"]`)
      .getByTestId('sent-recipient-link-delivery');
  await delivery(email).waitFor();
  expect(await delivery(email).getAttribute('data-mailed')).toBe('true');
  expect(await delivery(plainEmail).getAttribute('data-mailed')).toBe('false');

  // ---- everything the server and the mail hold, without the access code
  await sessions.finish(advisor, guest);
  await expectOpensOnlyWithAccessCode(db, coffer.dataDir, {
    shareId: sent.shareId,
    recipientId: onPage.recipientId,
    mailedLink,
    emailCode,
    accessCode,
    plaintext: file.buffer,
  });
  const { linkSecret } = parseGuestLinkFragment(new URL(mailedLink).hash);
  expect(toHex(linkSecret)).toBe(toHex(fromBase64Url(onPage.linkSecret)));

  // The access code is nowhere the server, its log or the mail reach; S only in the one mail Coffer sent.
  const all = await everything(sessions, coffer);
  // The guest without an access code: S went nowhere but the advisor's screen, not even in a request.
  expect(findNeedles(all, forms('S of the guest without an access code', fromBase64Url(plain.linkSecret)))).toEqual([]);
  expect(coffer.mail.to(plainEmail)).toEqual([]);
  // The advisor's browser sent the other S once, in the one request that asks Coffer to mail it.
  const sentS = findNeedles(all, forms('link secret S', linkSecret)).filter((hit) => hit.includes(' request '));
  expect(sentS.length).toBeGreaterThan(0);
  expect(sentS.filter((hit) => !hit.includes(`/recipients/${onPage.recipientId}/mail-link)`))).toEqual([]);
  const haystacks = all.filter((h) => !h.where.includes(' request '));
  expect(
    findNeedles(haystacks, [
      ...forms('access code', accessCode),
      ...forms('access code (ungrouped)', accessCode.replaceAll('-', '')),
    ]),
  ).toEqual([]);
  const withS = findNeedles(haystacks, forms('link secret S', linkSecret));
  const linkMailAt = ` in mail ${coffer.mail.messages.indexOf(linkMail)} to ${email}`;
  expect(withS.length).toBeGreaterThan(0);
  expect(withS.filter((hit) => !hit.endsWith(linkMailAt))).toEqual([]);
});
