// A client's advisor in real Chromium against the real server program (the compiled dist/server),
// mail through a real SMTP server on loopback (docs/operations.md "Advisors and leavers").
//
// - The admin invites a client on the Clients page and names a colleague as the advisor; the
//   client activates from the mailed link; the admin and that advisor are told that the client
//   waits, and the admin approves them (so the personal drop is sealed to the admin).
// - The client uploads through the portal: the upload arrives with the advisor, not with the
//   admin who approved: it is listed among the advisor's own drops and mailed to the advisor
//   only, without a file name.
// - The advisor makes a new upload link on the Clients page, and another whose answer is lost
//   (the page reads the list back); the portal uploads through the newest, which again reaches
//   the advisor.
// - A guest whose link is locked reads that the office will unlock it, not the sender's name.
// - The leak search: the files' contents and names appear nowhere (requests, server log, every
//   mail, the data folder), while the client's address is in the database.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  activateClient,
  approveClient,
  openPortal,
  uploadThroughPortal,
  bakkerijClient,
  KANTOOR_JANSEN,
} from './support/clients.js';
import type { Coffer } from './support/coffer.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';
import { openSection } from './support/navigation.js';
import { marker, randomFile, send, windowNeedles, type FileToSend } from './support/sending.js';
import { expectNoTrace, FlowTest, type Session, type Sessions } from './support/sessions.js';
import { forms } from './support/traces.js';
import type { Db } from '../../server/kernel/db/open.js';
import { idFromWire } from '../../shared/crypto/index.js';

const { office: OFFICE, admin: ADMIN, advisor: ADVISOR } = KANTOOR_JANSEN;
const CLIENT = bakkerijClient();

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
const flow = new FlowTest();
let admin: Session;
let advisor: Session;
let client: Session;
const uploaded: FileToSend[] = [];

beforeAll(async () => {
  await flow.start('coffer-advisors-e2e-', [], { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

/** The mails to `address` whose subject matches, waiting up to 10 s for `count` of them. */
async function mailsTo(address: string, subject: RegExp, count: number) {
  await expect
    .poll(() => coffer.mail.to(address).filter((m) => subject.test(m.subject ?? '')).length, { timeout: 10_000 })
    .toBe(count);
  return coffer.mail.to(address).filter((m) => subject.test(m.subject ?? ''));
}

const ARRIVED = /documenten voor u binnengekomen|documents arrived for you/;

it('the admin invites a client for a colleague; both hear that the client waits; the admin approves', async () => {
  admin = await sessions.signedIn(ADMIN);
  advisor = await sessions.signedIn(ADVISOR);
  const page = admin.page;
  await openSection(page, 'clients');
  await page.getByTestId('client-name').fill(CLIENT.name);
  await page.getByTestId('client-email').fill(CLIENT.email);
  await page.getByTestId('client-advisor').selectOption({ label: ADVISOR.name });
  // Coffer mails this invitation (the other way, a link the advisor hands over, is client-onboarding.test.ts).
  await page.getByTestId('client-delivery-mail').check();
  await page.getByTestId('client-invite').click();
  const row = page.locator(`[data-testid="client-row"][data-email="${CLIENT.email}"]`);
  await row.locator('[data-testid="client-advisor"]', { hasText: ADVISOR.name }).waitFor();

  const invitation = await coffer.mail.latest(CLIENT.email, 10_000);
  const link = /(http:\/\/127\.0\.0\.1:\d+\/invite#[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43})\b/.exec(
    invitation.text ?? '',
  )?.[1];
  expect(link).toBeDefined();
  client = await sessions.open(CLIENT.name);
  const fingerprint = await activateClient(client.page, link ?? '', CLIENT);

  const waiting = new RegExp(`${CLIENT.email.replace('.', '\\.')} (wacht op goedkeuring|is waiting for approval)`);
  for (const who of [ADMIN, ADVISOR]) expect(await mailsTo(who.email, waiting, 1)).toHaveLength(1);

  await approveClient(page, client.page, CLIENT.email, fingerprint);
  // The drop is sealed to the approving admin; its arrivals are the advisor's.
  const owner = db
    .prepare(
      'SELECT u.email FROM drops d JOIN users u ON u.id = d.owner_id JOIN users c ON c.id = d.client_id WHERE c.email = ?',
    )
    .pluck()
    .get(CLIENT.email);
  expect(owner).toBe(ADMIN.email);
});

it('a portal upload is listed among the advisor’s drops and mailed to the advisor, not the approving admin, without a name', async () => {
  const file = randomFile(`loonstroken-${marker()}.pdf`, 300_000 + 17);
  uploaded.push(file);
  await openPortal(client.page);
  await uploadThroughPortal(client.page, [file]);

  const arrived = await mailsTo(ADVISOR.email, ARRIVED, 1);
  expect(arrived[0]?.text ?? '').not.toContain(file.name);
  expect(arrived[0]?.text ?? '').toMatch(/klantportaal|client's portal/);
  expect(coffer.mail.to(ADMIN.email).filter((m) => ARRIVED.test(m.subject ?? ''))).toEqual([]);

  await openSection(advisor.page, 'drops');
  const dropRow = advisor.page.locator('[data-testid="drop-row"]');
  await dropRow.first().waitFor({ timeout: 30_000 });
  expect(await dropRow.count()).toBe(1);
  expect(await dropRow.first().getByTestId('drop-row-uploads').textContent()).toMatch(/^1/);
  // The admin's own list does not hold it.
  await openSection(admin.page, 'drops');
  await admin.page.locator('[data-testid="drops-page"][data-state="loaded"]').waitFor();
  expect(await admin.page.locator('[data-testid="drop-row"]').count()).toBe(0);
});

it('the advisor makes a new upload link (once more with its answer lost); the portal uploads through the newest and the advisor is told again', async () => {
  const page = advisor.page;
  await openSection(page, 'clients');
  const row = page.locator(`[data-testid="client-row"][data-email="${CLIENT.email}"][data-state="active"]`);
  const before = (await row.getByTestId('client-drop').getAttribute('href')) ?? '';
  await row.getByTestId('client-renew').click();
  await row.getByTestId('client-renew-confirm').click();
  await page.locator('[data-testid="clients-status"]', { hasText: CLIENT.name }).waitFor({ timeout: 30_000 });
  await expect.poll(async () => row.getByTestId('client-drop').getAttribute('href')).not.toBe(before);

  // Once more, with the answer lost: the server makes the link; the page reads the list back.
  const renewed = (await row.getByTestId('client-drop').getAttribute('href')) ?? '';
  const lost = await loseFirstAnswer(page, '**/api/v1/clients/*/drop', (request) => request.method() === 'POST');
  await page.getByTestId('nav-dashboard').click();
  await openSection(page, 'clients');
  await row.getByTestId('client-renew').click();
  await row.getByTestId('client-renew-confirm').click();
  await page.locator('[data-testid="clients-status"]', { hasText: CLIENT.name }).waitFor({ timeout: 30_000 });
  expect(lost.seen).toEqual(['dropped 200']);
  expect(await page.getByTestId('clients-error').count()).toBe(0);
  await expect.poll(async () => row.getByTestId('client-drop').getAttribute('href')).not.toBe(renewed);
  acceptCutConnections(advisor.problems.messages);

  const file = randomFile(`jaaropgave-${marker()}.pdf`, 120_000 + 5);
  uploaded.push(file);
  await openPortal(client.page);
  const newDropId = (await client.page.getByTestId('portal-drop').getAttribute('data-drop-id')) ?? '';
  expect(`/app/drops/${newDropId}`).not.toBe(before);
  expect(`/app/drops/${newDropId}`).not.toBe(renewed);
  await uploadThroughPortal(client.page, [file]);
  await mailsTo(ADVISOR.email, ARRIVED, 2);
});

it('a guest whose link is locked reads that the office, not the sender, will unlock it', async () => {
  const sent = await send(
    advisor.page,
    [randomFile(`jaarrekening-${marker()}.pdf`, 2_000)],
    [{ email: `gast-${marker()}@example.nl`, kind: 'guest' }],
  );
  const link = sent.guests[0]?.link ?? '';
  // The state ten wrong codes leave (test/http/alerts-advisors.test.ts plays the codes themselves).
  db.prepare('UPDATE share_recipients SET wrong_codes = 10, locked_at = ? WHERE share_id = ?').run(
    Date.now(),
    idFromWire(sent.shareId),
  );
  const guest = await sessions.open('guest');
  await guest.page.goto(link);
  const locked = guest.page.getByTestId('guest-locked');
  await locked.waitFor({ timeout: 30_000 });
  expect(await locked.textContent()).toContain(`${OFFICE} has been told and can unlock it for you.`);
  expect(await locked.textContent()).not.toContain(ADVISOR.name);
  await guest.page.getByTestId('lang-nl').click();
  await expect.poll(() => locked.textContent()).toContain(`${OFFICE} is op de hoogte en kan hem voor u vrijgeven.`);
});

it('leaves no trace of the files’ contents or names anywhere: requests, server log, mails, data folder', async () => {
  // The portal also stored each upload's names record (sealed to the client): searched too.
  expect(
    db.prepare('SELECT count(*) FROM drop_uploads WHERE client_id IS NOT NULL AND client_names IS NULL').pluck().get(),
  ).toBe(0);
  expect(db.prepare('SELECT count(*) FROM drop_uploads WHERE client_names IS NOT NULL').pluck().get()).toBeGreaterThan(
    0,
  );
  const needles = uploaded.flatMap((file) => [
    ...windowNeedles(`content of ${file.name}`, file.buffer),
    ...forms('file name', file.name),
  ]);
  await expectNoTrace(sessions, coffer, needles, { what: 'client address', value: CLIENT.email });
});
