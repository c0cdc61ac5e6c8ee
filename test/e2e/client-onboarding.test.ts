// Client onboarding without a phone call, in real Chromium against the real server program
// (docs/threat-model.md, "Client onboarding"; docs/protocol.md §13a), and the same flows against
// a server that substitutes the client's keys (the test changes the stored keys in the database
// between activation and approval, as a hostile server would).
//
// - The advisor invites a client with a link they hand over themselves (the default): the link
//   carries the invitation secret I, which the client's browser uses to prove its new keys. The
//   advisor approves with no call (the dialog checks the proof; one click certifies), and the
//   client's first upload through the portal reaches the office intact (SHA-256). I never reaches
//   the server: not in a request, the log, a mail or the data folder.
// - With a handed-over link, the server puts keys of its own in the client's place: the
//   approving browser shows that these are not the client's keys and certifies nothing.
// - "Approve all": several waiting clients with handed-over links approved at once, each proof
//   checked in the browser first; the ones whose keys the server substituted are named and left
//   waiting.
// - With a mailed link (the server saw it), the advisor approves without a call (unchecked) and
//   the server had substituted the keys: at the client's next sign-in their own browser finds
//   that the office's certificate names other keys, shows a loud warning and opens nothing.
// - An invitation whose answer was lost (the server made it, the page never heard): a handed-over
//   one gets a new link the client activates from, a mailed one is reported as sent; one
//   invitation either way. An approval whose answer was lost is read back and counts as done.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asId, fromBase64Url, newAccountKeys, signEncryptionKey } from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import type { Person } from './support/accounts.js';
import {
  activateClient,
  handOverInvitation,
  inviteClient,
  openPortal,
  uploadThroughPortal,
} from './support/clients.js';
import type { Coffer } from './support/coffer.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';
import { download, expectSameFile, marker, randomFile, TRANSFER_TIMEOUT } from './support/sending.js';
import { expectNoTrace, FlowTest, type Session, type Sessions } from './support/sessions.js';
import { forms } from './support/traces.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
const client = (name: string, prefix: string, password: string): Person => ({
  name,
  email: `${prefix}-${randomBytes(3).toString('hex')}@example.nl`,
  password,
});
const HANDED: Person = client('Bakkerij de Vries', 'bakkerij', 'krentenbollen-met-boter-en-kaas');
const SWAPPED: Person = client('Garage Jansen', 'garage', 'vier-nieuwe-winterbanden-graag');
const MAILED: Person = client('Kapsalon Knip', 'kapsalon', 'schaar-kam-en-fohn-erbij-graag');
const LOST_HANDED: Person = client('Schilder Verf', 'schilder', 'kwast-en-roller-voor-de-muur');
const LOST_MAILED: Person = client('Loodgieter Lek', 'loodgieter', 'een-druppel-onder-het-aanrecht');
const BATCH: readonly Person[] = [
  client('Fietsenmaker Wiel', 'fiets', 'spaken-en-banden-plakken-7'),
  client('Bloemist Roos', 'bloem', 'tulpen-uit-amsterdam-8-keer'),
  client('Slagerij Vet', 'slager', 'rookworst-met-mosterd-erbij'),
];

// As in clients.test.ts: Chromium reports some container downloads a worker read to the end as
// net::ERR_ABORTED; whether the download worked is what the test checks (same SHA-256).
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/drops\/[A-Za-z0-9_-]{22}\/uploads\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
let advisor: Session;
const flow = new FlowTest();

beforeAll(async () => {
  await flow.start('coffer-onboarding-e2e-', [CHROMIUM_ABORTED_AFTER_BODY], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR],
  });
  ({ coffer, db, sessions } = flow);
  advisor = await sessions.signedIn(ADVISOR);
});
afterAll(() => flow.stop());

interface KeyRow {
  identity_public_key: Buffer;
  encryption_public_key: Buffer;
  encryption_key_signature: Buffer;
}

function keysOf(email: string): KeyRow & { id: Buffer } {
  return db
    .prepare(
      'SELECT id, identity_public_key, encryption_public_key, encryption_key_signature FROM users WHERE email = ?',
    )
    .get(email) as KeyRow & { id: Buffer };
}

function setKeys(email: string, keys: KeyRow): void {
  db.prepare(
    'UPDATE users SET identity_public_key = ?, encryption_public_key = ?, encryption_key_signature = ? WHERE email = ?',
  ).run(keys.identity_public_key, keys.encryption_public_key, keys.encryption_key_signature, email);
}

/** The hostile server's own keys for the client's account, self-signed like a real client's. */
function substituteKeys(email: string): KeyRow {
  const genuine = keysOf(email);
  const own = newAccountKeys();
  setKeys(email, {
    identity_public_key: Buffer.from(own.identity.publicKey),
    encryption_public_key: Buffer.from(own.encryption.publicKey),
    encryption_key_signature: Buffer.from(signEncryptionKey(asId(genuine.id), own)),
  });
  return genuine;
}

const row = (email: string, state: string) =>
  advisor.page.locator(`[data-testid="client-row"][data-email="${email}"][data-state="${state}"]`);

/** The Clients page afresh (the list also refreshes by itself every few seconds), and the Approve button of a waiting client. */
async function openApproval(email: string): Promise<void> {
  await advisor.page.getByTestId('nav-dashboard').click();
  await advisor.page.getByTestId('nav-clients').click();
  await row(email, 'pending').getByTestId('client-approve').click();
}

it('onboards a client with no phone call: the advisor hands the link over, approves in one click, and the first upload reaches the office intact', async () => {
  const link = await handOverInvitation(advisor.page, HANDED);
  const secret = link.split('.').at(-1) ?? '';

  const session = await sessions.open(HANDED.name);
  const fingerprint = await activateClient(session.page, link, HANDED);
  // Coffer mailed nothing: the advisor delivered the link.
  expect(coffer.mail.to(HANDED.email)).toEqual([]);

  // The advisor: the waiting client is marked as checked by the link; Approve, then Approve.
  await openApproval(HANDED.email);
  await advisor.page.locator('[data-testid="approve-client-dialog"][data-state="proven"]').waitFor({ timeout: 30_000 });
  expect(await advisor.page.getByTestId('approve-client-fingerprint').getAttribute('data-fingerprint')).toBe(
    fingerprint,
  );
  await advisor.page.getByTestId('approve-client-confirm').click();
  await row(HANDED.email, 'active').waitFor({ timeout: 30_000 });
  expect(await row(HANDED.email, 'active').getByTestId('client-key-check').getAttribute('data-check')).toBe('proof');
  expect(db.prepare('SELECT key_check FROM users WHERE email = ?').pluck().get(HANDED.email)).toBe('proof');
  await session.page.locator('[data-testid="portal-page"][data-state="loaded"]').waitFor({ timeout: 30_000 });

  // The client's first upload, through the portal, to the office.
  const file = randomFile(`loonstroken-${marker()}.pdf`, 1024 * 1024 + 17);
  await openPortal(session.page);
  const receipt = await uploadThroughPortal(session.page, [file]);
  await advisor.page.getByTestId('nav-clients').click();
  await row(HANDED.email, 'active').getByTestId('client-drop').click();
  const upload = advisor.page.locator(`[data-testid="drop-upload"][data-upload-id="${receipt.dropUploadId}"]`);
  await upload.waitFor({ timeout: TRANSFER_TIMEOUT });
  expect(await upload.getByTestId('drop-upload-receipt-code').getAttribute('data-value')).toBe(receipt.code);
  expectSameFile(await download(advisor.page, file.name), file);

  // I was in the link only: no request, log line, mail or stored byte holds it.
  await expectNoTrace(sessions, coffer, forms('invitation secret I', fromBase64Url(secret, 32)), {
    what: 'client name',
    value: HANDED.name,
  });
  await sessions.finish(session);
});

it('refuses, in the approving browser, keys the server put in place of a client who activated a handed-over link', async () => {
  const link = await handOverInvitation(advisor.page, SWAPPED);
  const session = await sessions.open(SWAPPED.name);
  await activateClient(session.page, link, SWAPPED);
  await sessions.finish(session);
  substituteKeys(SWAPPED.email);

  await openApproval(SWAPPED.email);
  const dialog = advisor.page.locator('[data-testid="approve-client-dialog"][data-state="substituted"]');
  await dialog.waitFor({ timeout: 30_000 });
  expect(await advisor.page.getByTestId('approve-client-substituted').textContent()).toContain(
    `Do not approve: these are not the keys of ${SWAPPED.name}`,
  );
  expect(await advisor.page.getByTestId('approve-client-confirm').count()).toBe(0);
  await advisor.page.getByTestId('approve-client-cancel').click();
  // Nothing was certified: the client still waits.
  expect(db.prepare('SELECT approval, certificate FROM users WHERE email = ?').get(SWAPPED.email)).toEqual({
    approval: 'pending',
    certificate: null,
  });
  await row(SWAPPED.email, 'pending').waitFor();
});

it('approves every waiting client with a handed-over link at once, checking each proof in the browser, and names those whose keys the server substituted', async () => {
  for (const person of BATCH) {
    const link = await handOverInvitation(advisor.page, person);
    const session = await sessions.open(person.name);
    await activateClient(session.page, link, person);
    await sessions.finish(session);
  }
  const [first, second, swapped] = BATCH as [Person, Person, Person];
  substituteKeys(swapped.email);

  // Waiting with a proof: the three, and the client of the test before, whose keys are still the server's.
  await advisor.page.getByTestId('nav-dashboard').click();
  await advisor.page.getByTestId('nav-clients').click();
  const button = advisor.page.getByTestId('batch-approve');
  await expect.poll(() => button.textContent(), { timeout: 30_000 }).toBe('Approve all 4 clients');
  await button.click();
  await expect
    .poll(() => advisor.page.getByTestId('batch-status').textContent(), { timeout: 120_000 })
    .toBe('2 clients approved.');
  const refused = (await advisor.page.getByTestId('batch-refused').textContent()) ?? '';
  expect(refused).toContain('Not approved: the keys of 2 clients are not the ones from your link');
  for (const name of [swapped.name, SWAPPED.name]) expect(refused).toContain(name);
  const state = (email: string) =>
    db.prepare('SELECT approval, key_check AS keyCheck FROM users WHERE email = ?').get(email);
  for (const person of [first, second])
    expect(state(person.email)).toEqual({ approval: 'approved', keyCheck: 'proof' });
  for (const person of [swapped, SWAPPED]) expect(state(person.email)).toEqual({ approval: 'pending', keyCheck: null });
  await row(first.email, 'active').waitFor({ timeout: 30_000 });
});

it('an invitation whose answer was lost still ends as one invitation: a handed-over link that works, or the mailed one', async () => {
  const invitations = (email: string): number =>
    (db.prepare('SELECT count(*) AS n FROM invitations WHERE email = ?').get(email) as { n: number }).n;
  const lost = await loseFirstAnswer(
    advisor.page,
    '**/api/v1/clients/invitations',
    (request) => request.method() === 'POST',
  );

  // Handed over: the token was only in the lost answer, so the page makes a new link for the
  // invitation it finds (as "send again" does), and the client activates from it.
  const link = await handOverInvitation(advisor.page, LOST_HANDED);
  expect(lost.seen).toEqual(['dropped 201']);
  expect(invitations(LOST_HANDED.email)).toBe(1);
  expect(await advisor.page.getByTestId('invite-client-error').count()).toBe(0);
  const session = await sessions.open(LOST_HANDED.name);
  await activateClient(session.page, link, LOST_HANDED);
  expect(coffer.mail.to(LOST_HANDED.email)).toEqual([]);

  // Its approval's answer is lost too (the server certified the client and made the personal
  // drop): the page reads the client back, closes the dialog with no error, and the client is in.
  const approval = await loseFirstAnswer(advisor.page, '**/api/v1/clients/*/approve');
  await openApproval(LOST_HANDED.email);
  await advisor.page.locator('[data-testid="approve-client-dialog"][data-state="proven"]').waitFor({ timeout: 30_000 });
  await advisor.page.getByTestId('approve-client-confirm').click();
  await advisor.page.getByTestId('approve-client-dialog').waitFor({ state: 'detached', timeout: 30_000 });
  expect(approval.seen).toEqual(['dropped 200']);
  expect(await advisor.page.getByTestId('approve-client-error').count()).toBe(0);
  await row(LOST_HANDED.email, 'active').waitFor({ timeout: 30_000 });
  await session.page.locator('[data-testid="portal-page"][data-state="loaded"]').waitFor({ timeout: 30_000 });
  await openPortal(session.page);
  await sessions.finish(session);

  // Mailed: the page says the invitation went out, and the client has one mail with a link.
  await advisor.page.unroute('**/api/v1/clients/invitations');
  const mailed = await loseFirstAnswer(
    advisor.page,
    '**/api/v1/clients/invitations',
    (request) => request.method() === 'POST',
  );
  await inviteClient(advisor.page, coffer.mail, LOST_MAILED);
  expect(mailed.seen).toEqual(['dropped 201']);
  expect(invitations(LOST_MAILED.email)).toBe(1);
  expect(await advisor.page.getByTestId('invite-client-status').textContent()).toContain(LOST_MAILED.email);
  expect(await advisor.page.getByTestId('invite-client-error').count()).toBe(0);
  expect(coffer.mail.to(LOST_MAILED.email)).toHaveLength(1);
  await advisor.page.unroute('**/api/v1/clients/invitations');
  acceptCutConnections(advisor.problems.messages);
  // The form keeps the last way chosen; the next tests start from the default, handing over.
  await advisor.page.getByTestId('client-delivery-handover').check();
});

it("warns a client loudly at sign-in when, after a mailed invitation approved without a call, the office's certificate names keys the server substituted", async () => {
  const link = await inviteClient(advisor.page, coffer.mail, MAILED);
  const session = await sessions.open(MAILED.name);
  const fingerprint = await activateClient(session.page, link, MAILED);
  await sessions.finish(session);
  const genuine = substituteKeys(MAILED.email);

  // The advisor approves without comparing: the dialog shows the server's keys' fingerprint, not the client's.
  await openApproval(MAILED.email);
  await advisor.page
    .locator('[data-testid="approve-client-dialog"][data-state="compare"]')
    .waitFor({ timeout: 30_000 });
  expect(await advisor.page.getByTestId('approve-client-fingerprint').getAttribute('data-fingerprint')).not.toBe(
    fingerprint,
  );
  await advisor.page.getByTestId('approve-client-unverified').click();
  await row(MAILED.email, 'active').waitFor({ timeout: 30_000 });
  expect(await row(MAILED.email, 'active').getByTestId('client-key-check').getAttribute('data-check')).toBe(
    'unverified',
  );
  // The server serves the client their own keys (their password opens only those), with the certificate for its own.
  setKeys(MAILED.email, genuine);

  const again = await sessions.open(`${MAILED.name}, signing in`);
  await again.page.goto(`${coffer.origin}/login`);
  await again.page.getByTestId('login-email').fill(MAILED.email);
  await again.page.getByTestId('login-password').fill(MAILED.password);
  await again.page.getByTestId('login-submit').click();
  const problem = again.page.getByTestId('unlock-problem');
  await problem.waitFor({ timeout: 60_000 });
  expect(await problem.textContent()).toContain(
    'Stop: the office’s certificate for your account does not match the keys in this browser.',
  );
  for (const testid of ['portal-page', 'received-row', 'portal-drop'])
    expect(await again.page.getByTestId(testid).count(), testid).toBe(0);
  await sessions.finish(again, advisor);
});
