// The guest's path and trusted devices in real Chromium at phone size (390 px), against the real
// server program with mail on a real SMTP server on loopback (docs/threat-model.md "Trusted
// devices", docs/protocol.md §21 "Trusted devices"):
//
// - First visit: open the link, "Send me a code", paste the code (it sends itself at the sixth
//   digit, "remember this device" is on), download: 4 actions. A second share from the office to
//   the same address, in the same browser: open the link, download: 2 actions, no code mailed.
// - The office revokes the address's trusted devices on the sent share: the next link asks for a
//   code again.
// - A malicious server hands the trusted browser, on one link, the Ks, grant and keys of another
//   share: without that share's link secret the browser opens nothing and says so.
// - A drop uploader who ticked "remember" uploads a second batch without a new code.
// - Wrong codes say how many tries are left; the right code after the last try says "ask for a
//   new code"; ten wrong lock the link and mail the sender; the sender unlocks it on the sent
//   share, the page says so, and a new code can be asked for at once.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { codeFromMail } from '../helpers/sharing.js';
import type { Person } from './support/accounts.js';
import { makeDropLink, openDropLink, proveAddress, uploadFiles } from './support/drops.js';
import { download, expectSameFile, randomFile, send, TRANSFER_TIMEOUT, type SentGuest } from './support/sending.js';
import { FlowTest, type Session } from './support/sessions.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
// Refusals the tests cause on purpose are logged by Chromium as failed loads.
const EXPECTED = [/status of 401/, /status of 423/];

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-trusted-e2e-', EXPECTED, { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
}, 300_000);
afterAll(() => flow.stop());

/** A phone: 390 px wide, in Dutch, downloads allowed. */
async function phone(locale = 'nl-NL'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await flow.browser.newContext({
    viewport: { width: 390, height: 844 },
    locale,
    acceptDownloads: true,
    hasTouch: true,
  });
  return { context, page: await context.newPage() };
}

const step = (page: Page, kind: string) => page.locator(`[data-testid="guest-page"][data-step="${kind}"]`);

async function sendTo(advisor: Session, email: string, name: string) {
  const file = randomFile(name, 3_000);
  const sent = await send(advisor.page, [file], [{ email, kind: 'guest' }]);
  const guest = sent.guests[0] as SentGuest;
  return { sent, guest, file };
}

async function openSentShare(advisor: Session, shareId: string): Promise<void> {
  await advisor.page.getByTestId('nav-sent').click();
  await advisor.page.locator(`[data-testid="sent-row"][data-share-id="${shareId}"]`).getByTestId('sent-open').click();
  await advisor.page
    .locator(`[data-testid="sent-share-page"][data-state="loaded"][data-share-id="${shareId}"]`)
    .waitFor({ timeout: 60_000 });
}

it('takes a guest from the link to the file in 4 actions on a phone, and in 2 on a trusted device; revoked, a code again', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const email = 'jansen.klant@example.nl';
  const mail = flow.coffer.mail;
  const first = await sendTo(advisor, email, 'jaaropgave-2025.pdf');
  const { context, page } = await phone();
  let actions = 0;
  const act = async <T>(what: () => Promise<T>): Promise<T> => {
    actions += 1;
    return what();
  };

  // 1: the link. 2: "Send me a code". 3: the code, pasted with a space, sends itself. 4: download.
  await act(() => page.goto(first.guest.link));
  await step(page, 'start').waitFor();
  const before = mail.to(email).length;
  await act(() => page.getByTestId('guest-request-code').click());
  await step(page, 'code').waitFor();
  expect(await page.getByTestId('guest-remember').isChecked()).toBe(true);
  const code = await codeFromMail(mail, email, before + 1);
  await page.screenshot({ path: '/tmp/trusted-guest-code-nl.png', fullPage: true });
  await act(() => page.getByTestId('guest-code').fill(`${code.slice(0, 3)} ${code.slice(3)}`));
  await step(page, 'files').waitFor({ timeout: TRANSFER_TIMEOUT });
  await page.getByTestId('guest-trusted-device').waitFor();
  await page.screenshot({ path: '/tmp/trusted-guest-files-nl.png', fullPage: true });
  expectSameFile(await act(() => download(page, first.file.name)), first.file);
  expect(actions).toBeLessThanOrEqual(4);

  // A second share to the same address, the same browser: the link, then download.
  const second = await sendTo(advisor, email, 'loonstrook-januari.pdf');
  const mails = mail.to(email).length;
  actions = 0;
  await act(() => page.goto(second.guest.link));
  await step(page, 'files').waitFor({ timeout: TRANSFER_TIMEOUT });
  expectSameFile(await act(() => download(page, second.file.name)), second.file);
  expect(actions).toBeLessThanOrEqual(2);
  expect(mail.to(email)).toHaveLength(mails);

  // The sender sees "opened (trusted device)" and one remembering device, and revokes it.
  await openSentShare(advisor, second.sent.shareId);
  const recipient = advisor.page.locator(
    `[data-testid="sent-recipient"][data-recipient-id="${second.guest.recipientId}"]`,
  );
  await recipient.getByTestId('sent-recipient-trusted-at').waitFor();
  const devices = recipient.getByTestId('sent-recipient-trusted-devices');
  expect(await devices.getAttribute('data-count')).toBe('1');
  await recipient.getByTestId('sent-recipient-revoke-devices').click();
  await recipient.locator('[data-testid="sent-recipient-trusted-devices"][data-count="0"]').waitFor();

  // The same link again in the same browser: a code is needed.
  await page.goto('about:blank');
  await page.goto(second.guest.link);
  await step(page, 'start').waitFor();
  await page.getByTestId('guest-request-code').waitFor();
  await context.close();
  await flow.sessions.finish(advisor);
});

it('a trusted browser handed another share’s Ks, grant and keys by a malicious server opens nothing', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const email = 'vertrouwd@example.nl';
  const mail = flow.coffer.mail;
  const own = await sendTo(advisor, email, 'eigen.pdf');
  const other = await sendTo(advisor, 'iemand-anders@example.nl', 'van-een-ander.pdf');
  const { context, page } = await phone('en-US');

  // The browser becomes a trusted device for its own address.
  await page.goto(own.guest.link);
  await step(page, 'start').waitFor();
  const before = mail.to(email).length;
  await page.getByTestId('guest-request-code').click();
  await step(page, 'code').waitFor();
  await page.getByTestId('guest-code').fill(await codeFromMail(mail, email, before + 1));
  await step(page, 'files').waitFor({ timeout: TRANSFER_TIMEOUT });

  // What the other share's recipient would get after a right code (Ks, grant, wrapped keys), fetched as they would.
  const origin = flow.coffer.origin;
  const post = (path: string, body: unknown) =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: JSON.stringify(body),
    });
  const otherMails = mail.to('iemand-anders@example.nl').length;
  expect((await post(`/api/v1/links/${other.guest.linkId}/code`, {})).status).toBe(200);
  const otherCode = await codeFromMail(mail, 'iemand-anders@example.nl', otherMails + 1);
  const stolen = await (await post(`/api/v1/links/${other.guest.linkId}/verify`, { code: otherCode })).text();

  // The next link to the trusted address: the server answers its trusted-device request with the other share.
  const next = await sendTo(advisor, email, 'volgende.pdf');
  await page.route(`**/api/v1/links/${next.guest.linkId}/trusted`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: stolen }),
  );
  await page.goto(next.guest.link);
  await page
    .locator('[data-testid="guest-page"][data-step="untrusted"][data-reason="forged"]')
    .waitFor({ timeout: TRANSFER_TIMEOUT });
  expect(await page.getByTestId('file-row').count()).toBe(0);
  await context.close();
  await flow.sessions.finish(advisor);
});

it('lets a drop uploader who was remembered upload a second batch without a new code', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const email = 'piet@bakkerij.example';
  const made = await makeDropLink(advisor.page, { label: 'Piet', title: 'Loonstroken', email });
  const { context, page } = await phone();
  await openDropLink(page, made.link, 'start');
  await proveAddress(page, flow.coffer.mail, email, { remember: true });
  await uploadFiles(page, [randomFile('loonstrook-1.pdf', 2_000)]);
  const mails = flow.coffer.mail.to(email).length;
  await page.getByTestId('drop-upload-more').click();
  await page.locator('[data-testid="drop-upload-page"][data-step="files"]').waitFor();
  await uploadFiles(page, [randomFile('loonstrook-2.pdf', 2_500)]);
  expect(flow.coffer.mail.to(email)).toHaveLength(mails);
  // And again on a later visit: straight to the files.
  await openDropLink(page, made.link, 'files');
  await context.close();
  await flow.sessions.finish(advisor);
});

it('says how many tries are left, "ask for a new code" after the last, and "the office unlocked you" after a lock', async () => {
  const advisor = await flow.sessions.signedIn(ADVISOR);
  const email = 'vergeetachtig@example.nl';
  const mail = flow.coffer.mail;
  const { sent, guest } = await sendTo(advisor, email, 'aangifte.pdf');
  const { context, page } = await phone('en-US');
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const error = page.getByTestId('guest-code-error');

  const askCode = async (): Promise<string> => {
    const before = mail.to(email).length;
    await page.getByTestId(before === 0 ? 'guest-request-code' : 'guest-resend').click();
    await step(page, 'code').waitFor();
    return codeFromMail(mail, email, before + 1);
  };
  await page.goto(guest.link);
  await step(page, 'start').waitFor();
  await page.getByTestId('guest-request-code').waitFor();
  const first = await askCode();
  for (let left = 4; left >= 0; left--) {
    await page.getByTestId('guest-code').fill(wrong(first));
    await expect
      .poll(() => error.textContent())
      .toBe(
        left === 0
          ? 'This code is not correct, and that was its last try. Ask for a new code.'
          : `This code is not correct. You can try it ${left} more ${left === 1 ? 'time' : 'times'}.`,
      );
  }
  await page.getByTestId('guest-code').fill(first);
  await expect
    .poll(() => error.textContent())
    .toBe('Too many tries for this code, or it has expired or was used already. Ask for a new code.');

  // Five more wrong, with a new code: locked, and the sender is mailed.
  const senderMails = mail.to(ADVISOR.email).length;
  const second = await askCode();
  for (let left = 4; left >= 1; left--) {
    await page.getByTestId('guest-code').fill(wrong(second));
    await expect.poll(() => error.textContent()).toContain(`${left} more`);
  }
  await page.getByTestId('guest-code').fill(wrong(second));
  await step(page, 'locked').waitFor();
  expect(await page.getByTestId('guest-locked').textContent()).toContain('can unlock it for you');
  await expect.poll(() => mail.to(ADVISOR.email).length).toBe(senderMails + 1);
  expect((await mail.latest(ADVISOR.email)).text).toContain('v***@example.nl');

  // The sender unlocks on the sent share; the guest's page says so and a code comes at once.
  await openSentShare(advisor, sent.shareId);
  await advisor.page
    .locator(`[data-testid="sent-recipient"][data-recipient-id="${guest.recipientId}"]`)
    .getByTestId('sent-recipient-unlock')
    .click();
  await advisor.page.locator(`[data-testid="sent-recipient"][data-locked="false"]`).waitFor();
  await page.reload();
  await step(page, 'start').waitFor();
  expect(await page.getByTestId('guest-unlocked').textContent()).toBe('The office unlocked you. Ask for a new code.');
  const before = mail.to(email).length;
  await page.getByTestId('guest-request-code').click();
  await step(page, 'code').waitFor();
  await page.getByTestId('guest-code').fill(await codeFromMail(mail, email, before + 1));
  await step(page, 'files').waitFor({ timeout: TRANSFER_TIMEOUT });
  await context.close();
  await flow.sessions.finish(advisor);
});
