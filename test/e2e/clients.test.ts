// Client accounts and the client portal in real Chromium against the real server program (the
// compiled dist/server, as `npm start` runs it), mail through a real SMTP server on loopback.
// The office is set up through the pages: an admin and an advisor.
//
// - The advisor invites client A and client B on the Clients page. Each client, in a browser
//   context of their own, opens the mailed link (the office key is checked against the
//   fingerprint in it, then pinned), makes their account and waits; the advisor compares each
//   client's fingerprint and approves them (certificate, no office keys; a personal drop).
// - The advisor sends one document to each. Each client sees only their own in the portal,
//   opens it (the sender checked against the pinned office key) and downloads it: SHA-256 matches.
// - B uploads through the portal. Then, in A's page, with A's session, requests for B's share,
//   B's upload and B's drop, by the ids read from B's page, answer 404 — as random ids do.
// - A uploads through the portal; the advisor opens the client's drop and downloads it intact.
// - The advisor's inbox holds a share the admin sent them, an upload through their drop link and
//   both clients' portal uploads, newest first; the kind, search and "only new" filters narrow it.
//   A client's inbox holds only what was shared with them.
// - The portal pages have no axe violations, in Dutch and English.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idToWire, newId, toBase64Url } from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import { signIn, type Person } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import {
  activateClient,
  approveClient,
  fetchFromPage,
  inviteClient,
  openPortal,
  uploadThroughPortal,
} from './support/clients.js';
import type { Coffer } from './support/coffer.js';
import { makeDropLink, openDrop, openDropLink, uploadFiles } from './support/drops.js';
import {
  compose,
  download,
  expectSameFile,
  marker,
  randomFile,
  send,
  submit,
  TRANSFER_TIMEOUT,
} from './support/sending.js';
import { FlowTest, type Session, type Sessions } from './support/sessions.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
// A company name that ends in a full stop: the portal's greeting must not add a second one.
const CLIENT_A: Person = {
  name: 'Bakkerij de Vries B.V.',
  email: `bakkerij-${randomBytes(3).toString('hex')}@example.nl`,
  password: 'krentenbollen-met-boter-en-kaas',
};
const CLIENT_B: Person = {
  name: 'Garage Jansen',
  email: `garage-${randomBytes(3).toString('hex')}@example.nl`,
  password: 'vier-nieuwe-winterbanden-graag',
};

// As in sending.test.ts: Chromium reports some container downloads a worker read to the end as
// net::ERR_ABORTED; whether the download worked is what the tests check (same SHA-256).
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/(received\/[A-Za-z0-9_-]{22}|drops\/[A-Za-z0-9_-]{22}\/uploads\/[A-Za-z0-9_-]{22})\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;
// The 404s client A's page is meant to get for client B's ids (and for random ones); Chromium logs every 4xx.
const ID = '[A-Za-z0-9_-]{22}';
const EXPECTED_404 = new RegExp(
  `^console\\.error: Failed to load resource: the server responded with a status of 404 \\(Not Found\\) \\(/api/v1/(received/${ID}(/grant)?|portal/uploads/${ID}|portal/drops/${ID}/start|d/${ID})\\)$`,
);

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
const flow = new FlowTest();

interface ClientWorld {
  readonly person: Person;
  readonly session: Session;
}
let advisor: Session;
let a: ClientWorld;
let b: ClientWorld;

beforeAll(async () => {
  await flow.start('coffer-clients-e2e-', [CHROMIUM_ABORTED_AFTER_BODY, EXPECTED_404], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR],
  });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

function userIdOf(email: string): Uint8Array {
  return (db.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: Buffer }).id;
}

it('the advisor invites two clients; each activates from the mailed link (office key checked and pinned) and is approved after comparing fingerprints, without office keys', async () => {
  advisor = await sessions.signedIn(ADVISOR);
  const invite = async (person: Person): Promise<ClientWorld> => {
    const link = await inviteClient(advisor.page, coffer.mail, person);
    const session = await sessions.open(person.name);
    const fingerprint = await activateClient(session.page, link, person);
    // The office key is pinned the moment the account exists.
    await expect
      .poll(
        () =>
          (
            db
              .prepare("SELECT count(*) AS n FROM pins WHERE owner_id = ? AND subject = 'office'")
              .get(userIdOf(person.email)) as { n: number }
          ).n,
      )
      .toBe(1);
    await approveClient(advisor.page, session.page, person.email, fingerprint);
    return { person, session };
  };
  a = await invite(CLIENT_A);
  b = await invite(CLIENT_B);
  for (const { person } of [a, b]) {
    const row = db
      .prepare('SELECT role, approval, certificate, sealed_office_keys FROM users WHERE email = ?')
      .get(person.email) as Record<string, unknown>;
    expect(row).toMatchObject({ role: 'client', approval: 'approved', sealed_office_keys: null });
    expect(row['certificate']).not.toBeNull();
  }
  // The portal shows the office key as checked against the pin; no staff sections in the navigation.
  for (const { session } of [a, b]) {
    expect(await session.page.getByTestId('office-trust').getAttribute('data-state')).toBe('same');
    const nav = await session.page
      .locator('.app-nav__link')
      .evaluateAll((links) => links.map((link) => link.getAttribute('data-testid')));
    expect(nav).toEqual(['nav-dashboard', 'nav-received', 'nav-security']);
  }
});

it('each client sees only the document sent to them, opens it and downloads it intact', async () => {
  const forA = randomFile(`aangifte-${marker()}.pdf`, 2 * 1024 * 1024 + 11);
  const forB = randomFile(`apk-rapport-${marker()}.pdf`, 700 * 1024 + 3);
  // One share each (from the Overview, so each send starts on a fresh send page).
  await advisor.page.getByTestId('nav-dashboard').click();
  await compose(advisor.page, [forA], [{ email: CLIENT_A.email, kind: 'account' }]);
  // The send form names a client as a client, not as a colleague.
  expect(
    await advisor.page
      .locator(`[data-testid="send-recipient"][data-email="${CLIENT_A.email}"]`)
      .getByTestId('send-recipient-account')
      .textContent(),
  ).toBe(`Client: ${CLIENT_A.name}`);
  const sentToA = await submit(advisor.page);
  await advisor.page.getByTestId('nav-dashboard').click();
  const sentToB = await send(advisor.page, [forB], [{ email: CLIENT_B.email, kind: 'account' }]);
  for (const [client, sent, file] of [
    [a, sentToA, forA],
    [b, sentToB, forB],
  ] as const) {
    const page = client.session.page;
    await openPortal(page);
    await page.locator(`[data-testid="received-row"][data-share-id="${sent.shareId}"]`).waitFor({ timeout: 30_000 });
    expect(
      await page
        .locator('[data-testid="received-row"]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-share-id'))),
    ).toEqual([sent.shareId]);
    await page
      .locator(`[data-testid="received-row"][data-share-id="${sent.shareId}"]`)
      .getByTestId('received-open')
      .click();
    await page
      .locator(`[data-testid="received-share-page"][data-state="loaded"][data-share-id="${sent.shareId}"]`)
      .waitFor({ timeout: TRANSFER_TIMEOUT });
    expect(await page.getByTestId('received-verified').textContent()).toContain(ADVISOR.name);
    expectSameFile(await download(page, file.name), file);
  }
});

it("answers client A's page with 404 for client B's share, upload and drop, by the ids from B's page, as for random ids", async () => {
  // B's ids, read from B's own page.
  const bPage = b.session.page;
  await openPortal(bPage);
  const bShareId = (await bPage.locator('[data-testid="received-row"]').first().getAttribute('data-share-id')) ?? '';
  const bDropId = (await bPage.getByTestId('portal-drop').getAttribute('data-drop-id')) ?? '';
  const bUpload = await uploadThroughPortal(bPage, [randomFile(`kvk-uittreksel-${marker()}.pdf`, 40_000)]);
  expect(bShareId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(bDropId).toMatch(/^[A-Za-z0-9_-]{22}$/);

  // In A's page, with A's session.
  const aPage = a.session.page;
  await openPortal(aPage);
  const random = (): string => idToWire(newId());
  const attempts: [string, 'GET' | 'POST', (id: string) => string, string][] = [
    ["B's share", 'GET', (id) => `/api/v1/received/${id}`, bShareId],
    ["a grant for B's share", 'POST', (id) => `/api/v1/received/${id}/grant`, bShareId],
    ["B's upload", 'GET', (id) => `/api/v1/portal/uploads/${id}`, bUpload.dropUploadId],
    ["an upload session on B's drop", 'POST', (id) => `/api/v1/portal/drops/${id}/start`, bDropId],
    ["B's drop's public page", 'GET', (id) => `/api/v1/d/${id}`, bDropId],
  ];
  for (const [what, method, path, id] of attempts) {
    const theirs = await fetchFromPage(aPage, method, path(id));
    expect(theirs, what).toEqual({ status: 404, code: 'not_found' });
    expect(await fetchFromPage(aPage, method, path(random())), what).toEqual(theirs);
  }
  // And A's page never shows any of it.
  const aText = (await aPage.getByTestId('portal-page').textContent()) ?? '';
  for (const id of [bShareId, bDropId, bUpload.dropUploadId, bUpload.code]) expect(aText).not.toContain(id);
});

it("client A uploads through the portal's drop; the advisor opens the client's uploads and downloads the file intact", async () => {
  const file = randomFile(`bankafschriften-${marker()}.pdf`, 3 * 1024 * 1024 + 5);
  const aPage = a.session.page;
  await openPortal(aPage);
  const receipt = await uploadThroughPortal(aPage, [file]);
  const history = aPage.locator(`[data-testid="portal-history-row"][data-upload-id="${receipt.dropUploadId}"]`);
  expect(await history.getByTestId('portal-history-code').textContent()).toBe(receipt.code);
  expect(await aPage.locator('[data-testid="portal-history-row"]').count()).toBe(1);

  // The advisor: Clients → the client's uploads → the same receipt code, and the file.
  await advisor.page.getByTestId('nav-clients').click();
  await advisor.page
    .locator(`[data-testid="client-row"][data-email="${CLIENT_A.email}"]`)
    .getByTestId('client-drop')
    .click();
  const dropId = toBase64Url(
    (db.prepare('SELECT id FROM drops WHERE client_id = ?').get(userIdOf(CLIENT_A.email)) as { id: Buffer }).id,
  );
  await advisor.page
    .locator(`[data-testid="drop-page"][data-state="loaded"][data-drop-id="${dropId}"]`)
    .waitFor({ timeout: TRANSFER_TIMEOUT });
  const upload = advisor.page.locator(`[data-testid="drop-upload"][data-upload-id="${receipt.dropUploadId}"]`);
  expect(await upload.getAttribute('data-state')).toBe('opened');
  expect(await upload.getByTestId('drop-upload-receipt-code').getAttribute('data-value')).toBe(receipt.code);
  expect(await advisor.page.getByTestId('drop-label-value').textContent()).toBe(CLIENT_A.name);
  // The personal drop has no public link (it answers 404): no link to copy, and the page says how the client uploads.
  expect(await advisor.page.getByTestId('drop-for-client').textContent()).toContain(CLIENT_A.email);
  expect(await advisor.page.getByTestId('drop-link').count()).toBe(0);
  expectSameFile(await download(advisor.page, file.name), file);
  // Also from the drop list, as any drop.
  await openDrop(advisor.page, dropId);
});

it("the advisor's inbox lists a share sent to them, a drop link upload and both clients' portal uploads, newest first, and the filters narrow it", async () => {
  // A share from the admin to the advisor, then an upload through a drop link of the advisor's.
  const admin = await sessions.signedIn(ADMIN);
  const sent = await send(
    admin.page,
    [randomFile(`memo-${marker()}.pdf`, 5_000)],
    [{ email: ADVISOR.email, kind: 'account' }],
  );
  const label = `Jaarstukken Visser ${marker()}`;
  const drop = await makeDropLink(advisor.page, { label, title: 'Uw jaarstukken 2025' });
  const uploader = await sessions.open('uploader through a drop link');
  await openDropLink(uploader.page, drop.link, 'files');
  await uploadFiles(uploader.page, [randomFile(`balans-${marker()}.pdf`, 2_000)]);

  const page = advisor.page;
  const inbox = async (): Promise<string[]> => {
    await page.locator('[data-testid="received-page"][data-state="loaded"]').waitFor({ timeout: 60_000 });
    return page
      .locator('[data-testid="received-row"]')
      .evaluateAll((rows) =>
        rows.map(
          (row) =>
            `${row.querySelector('[data-testid="received-kind-cell"]')?.textContent ?? ''}: ${row.querySelector('th .cell-main')?.textContent ?? ''}`,
        ),
      );
  };
  await page.getByTestId('nav-received').click();
  // Newest first: B uploaded before A, then the admin's share, then the drop link upload. The
  // drop's label and the clients' names are what the advisor's browser opened.
  const everything = [
    `Drop link upload: ${label}`,
    `Sent to you: ${ADMIN.name}`,
    `Client portal upload: ${CLIENT_A.name}`,
    `Client portal upload: ${CLIENT_B.name}`,
  ];
  expect(await inbox()).toEqual(everything);
  expect(await page.locator('[data-testid="received-row"][data-unread="true"]').count()).toBe(4);

  await page.getByTestId('received-kind').selectOption('portal');
  expect(await inbox()).toEqual(everything.slice(2));
  expect(await page.getByTestId('received-count').textContent()).toBe('2 of 4 shown.');
  await page.getByTestId('received-search').fill('bakkerij');
  expect(await inbox()).toEqual([everything[2]]);
  await page.getByTestId('received-kind').selectOption('drop');
  expect(await inbox()).toEqual([]);
  await page.getByTestId('received-no-match').waitFor();
  await page.getByTestId('received-kind').selectOption('all');
  await page.getByTestId('received-search').fill('visser');
  expect(await inbox()).toEqual([everything[0]]);
  await page.getByTestId('received-search').fill('');
  expect(await inbox()).toEqual(everything);

  // Opening the share takes it out of "only new".
  await page
    .locator(`[data-testid="received-row"][data-share-id="${sent.shareId}"]`)
    .getByTestId('received-open')
    .click();
  await page
    .locator(`[data-testid="received-share-page"][data-state="loaded"][data-share-id="${sent.shareId}"]`)
    .waitFor({ timeout: TRANSFER_TIMEOUT });
  await page.getByTestId('nav-received').click();
  expect(await inbox()).toEqual(everything);
  await page.getByTestId('received-unread').check();
  expect(await inbox()).toEqual([everything[0], everything[2], everything[3]]);

  // A client's inbox: only what was shared with them, no filter by kind.
  const aPage = a.session.page;
  await aPage.getByTestId('nav-received').click();
  await aPage.locator('[data-testid="received-page"][data-state="loaded"]').waitFor({ timeout: 60_000 });
  expect(
    await aPage
      .locator('[data-testid="received-row"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind'))),
  ).toEqual(['share']);
  expect(await aPage.getByTestId('received-kind').count()).toBe(0);

  // The admin's Users page lists the clients apart from the staff.
  await admin.page.getByTestId('nav-users').click();
  const emailsIn = (table: string): Promise<(string | null)[]> =>
    admin.page
      .locator(`[data-testid="${table}"] [data-testid="user-row"]`)
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-email')));
  await admin.page.locator('[data-testid="users-clients-table"]').waitFor();
  expect((await emailsIn('users-clients-table')).sort()).toEqual([CLIENT_A.email, CLIENT_B.email].sort());
  expect((await emailsIn('users-table')).sort()).toEqual([ADMIN.email, ADVISOR.email].sort());
  await sessions.finish(admin, uploader);
});

it('shows a client nothing but a loud warning when the server names another office key than the one they pinned', async () => {
  const original = (db.prepare('SELECT signing_public_key FROM office').get() as { signing_public_key: Buffer })
    .signing_public_key;
  // A server that swaps in an office key of its own (with which it could certify a "sender").
  db.prepare('UPDATE office SET signing_public_key = ?').run(randomBytes(32));
  try {
    const swapped = await sessions.open('client A, office key swapped');
    await signIn(swapped.page, coffer.origin, CLIENT_A);
    await swapped.page.getByTestId('office-key-changed').waitFor({ timeout: 30_000 });
    expect(await swapped.page.getByTestId('office-pin-gate').getAttribute('data-state')).toBe('changed');
    // Nothing of the portal: no shares, no sender names, no drop, no history.
    for (const testid of ['portal-page', 'received-row', 'portal-drop', 'portal-history'])
      expect(await swapped.page.getByTestId(testid).count(), testid).toBe(0);
    expect(await swapped.page.locator('main').textContent()).not.toContain(ADVISOR.name);
    // The same on the received pages.
    await swapped.page.getByTestId('nav-received').click();
    await swapped.page.getByTestId('office-key-changed').waitFor();
    expect(await swapped.page.getByTestId('received-page').count()).toBe(0);
    await sessions.finish(swapped);
  } finally {
    db.prepare('UPDATE office SET signing_public_key = ?').run(original);
  }
});

it('has no axe violations on the portal, a received share, the invitation page, the Clients page and the inbox, in both languages', async () => {
  // bypassCSP lets axe's script in, for the audit only; the tests above run under the real policy.
  const clientContext = await flow.browser.newContext({
    bypassCSP: true,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const client = await clientContext.newPage();
  await signIn(client, coffer.origin, CLIENT_A);
  const officeContext = await flow.browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const office = await officeContext.newPage();
  await signIn(office, coffer.origin, ADVISOR);
  // A third client, invited but not yet activated, for the invitation page.
  const pending: Person = {
    name: 'Kapsalon Knip',
    email: `kapsalon-${randomBytes(3).toString('hex')}@example.nl`,
    password: 'schaar-kam-en-fohn-erbij',
  };
  const link = await inviteClient(office, coffer.mail, pending);
  const inviteContext = await flow.browser.newContext({
    bypassCSP: true,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const invitee = await inviteContext.newPage();

  const audit = async (page: Page, what: string, lang: string): Promise<void> => {
    await page.waitForLoadState('networkidle');
    expect(await axeViolations(page), `${lang} ${what}`).toEqual([]);
  };
  await openPortal(client);
  const shareId = (await client.locator('[data-testid="received-row"]').first().getAttribute('data-share-id')) ?? '';
  expect(shareId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  for (const lang of ['en', 'nl']) {
    await client.getByTestId(`lang-${lang}`).click();
    await openPortal(client);
    // The greeting reads as a sentence after a name that ends in a full stop.
    expect(await client.getByTestId('portal-intro').textContent()).toMatch(
      lang === 'nl'
        ? /^Welkom, Bakkerij de Vries B\.V\. Hier ziet u /
        : /^Welcome, Bakkerij de Vries B\.V\. Here you see /,
    );
    await audit(client, 'portal', lang);
    await client
      .locator(`[data-testid="received-row"][data-share-id="${shareId}"]`)
      .getByTestId('received-open')
      .click();
    await client
      .locator('[data-testid="received-share-page"][data-state="loaded"]')
      .waitFor({ timeout: TRANSFER_TIMEOUT });
    await audit(client, 'received share', lang);

    await office.getByTestId(`lang-${lang}`).click();
    await office.getByTestId('nav-clients').click();
    await office.locator('[data-testid="clients-table"]').waitFor();
    // The client's name is in a column called Name, not "Your name".
    expect(await office.locator('[data-testid="clients-table"] thead th').first().textContent()).toBe(
      lang === 'nl' ? 'Naam' : 'Name',
    );
    await audit(office, 'clients page', lang);
    await office.getByTestId('nav-received').click();
    await office.locator('[data-testid="received-page"][data-state="loaded"]').waitFor({ timeout: 60_000 });
    await audit(office, 'inbox', lang);

    await invitee.goto(link);
    await invitee.getByTestId(`lang-${lang}`).click();
    await invitee.getByTestId('invite-office-verified').waitFor({ timeout: 30_000 });
    await audit(invitee, 'invitation page', lang);
  }
  await clientContext.close();
  await officeContext.close();
  await inviteContext.close();
  await sessions.finish(advisor, a.session, b.session);
});
