// Drop links in real Chromium against the real server program (the compiled dist/server, as
// `npm start` runs it), with mail going to a real SMTP server on loopback. The office is set up
// through the pages: an admin, an advisor and a colleague.
//
// - The advisor makes a drop bound to a client's address. In a browser context of their own,
//   the client opens the link, confirms the code from the mail and uploads two files (one of
//   50 MiB, random). The receipt codes match on both sides; the colleague, holding the office
//   key, downloads both and their SHA-256 matches. Every request of every context, the
//   server's log, every mail, the blobs on disk and the database file and WAL are searched for
//   the files' content and names, the label, the message and D: none is there.
// - The drop's public key in the database is replaced: the upload page refuses, and nothing is
//   uploaded (no upload request, no row); for a bound drop also when the client typed the code
//   before the crypto worker (held back) could check the key.
// - An upload is added to a drop without D, as a server could (the test, in Node, through the
//   public API): the office's page shows it rejected, and its files cannot be opened.
// - A locked bound drop is unlocked, closed and deleted, each with its answer lost: the page
//   reads the drop back and goes on as if the answer had come.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  dropFingerprint,
  fromBase64Url,
  idFromWire,
  newDropKeys,
  toBase64Url,
  toHex,
} from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import { codeFromMail } from '../helpers/sharing.js';
import { signIn, type Person } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import type { Coffer } from './support/coffer.js';
import { injectUpload, makeDropLink, openDrop, openDropLink, proveAddress, uploadFiles } from './support/drops.js';
import { download, expectSameFile, marker, randomFile, TRANSFER_TIMEOUT, windowNeedles } from './support/sending.js';
import { expectNoTrace, FlowTest, settle, type Sessions } from './support/sessions.js';
import { forms } from './support/traces.js';
import { dropChecks } from './support/drop-checks.js';
import { holdCryptoWorker } from './support/held-worker.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';

const OFFICE = 'Kantoor Jansen';
const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@kantoor-jansen.nl',
  password: 'vrolijke-olifant-tekent-7',
};
const COLLEAGUE: Person = {
  name: 'Bram Bakker',
  email: 'bram@kantoor-jansen.nl',
  password: 'groene-tulpen-in-de-regen-42',
};
const MiB = 1024 * 1024;
// As in sending.test.ts: Chromium reports some container downloads a worker read to the end
// as net::ERR_ABORTED; whether the download worked is what the tests check (same SHA-256).
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/drops\/[A-Za-z0-9_-]{22}\/uploads\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;
// The 410 a closed drop's link answers is the point of one test; Chromium logs every 4xx answer.
const CLOSED_DROP_410 =
  /^console\.error: Failed to load resource: the server responded with a status of 410 \(Gone\) \(\/api\/v1\/d\/[A-Za-z0-9_-]{22}\)$/;

let coffer: Coffer;
let browser: Browser;
let db: Db;
let sessions: Sessions;

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-drops-e2e-', [CHROMIUM_ABORTED_AFTER_BODY, CLOSED_DROP_410], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR, COLLEAGUE],
  });
  ({ coffer, browser, db, sessions } = flow);
});
afterAll(() => flow.stop());

const clientAddress = (): string => `klant-${randomBytes(4).toString('hex')}@example.nl`;

const { publicKeyOf, countFor, expectBlobsAreContainers } = dropChecks(flow);

it('a client proves their address and uploads 50 MiB and a second file; both sides show the same receipt code, a colleague downloads both intact, and nothing readable is anywhere', async () => {
  const name = marker();
  const big = randomFile(`jaarstukken-${name}.pdf`, 50 * MiB);
  const small = randomFile(`loonstrook-${name}.pdf`, 300 * 1024 + 17);
  const label = `Bakkerij de Vries ${marker()}`;
  const message = `Hierbij de stukken, groet ${marker()}`;
  const email = clientAddress();
  const title = 'Stukken voor de jaarrekening 2025';
  const instructions = 'Upload hier uw jaarstukken en loonstroken.';

  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, { label, title, instructions, email });
  // The link carries the fingerprint of the drop key the server stores.
  expect(drop.fingerprint).toBe(toBase64Url(dropFingerprint(idFromWire(drop.dropId), publicKeyOf(drop.dropId))));
  // The link is there to copy, with the mail beside it addressed to the client.
  expect(await advisor.page.getByTestId('drop-link-mail').getAttribute('href')).toMatch(
    new RegExp(`^mailto:${email.replace('.', '\\.')}\\?subject=`),
  );

  // The client's own browser: opening the link mails nothing; the page shows the office, the title and instructions.
  const client = await sessions.open('client');
  const mailsBefore = coffer.mail.to(email).length;
  await openDropLink(client.page, drop.link, 'start');
  expect(coffer.mail.to(email)).toHaveLength(mailsBefore);
  expect(await client.page.getByTestId('drop-upload-office').textContent()).toContain(OFFICE);
  expect(await client.page.locator('h1').textContent()).toBe(title);
  expect(await client.page.getByTestId('drop-upload-instructions').textContent()).toBe(instructions);
  expect(await client.page.getByTestId('drop-upload-page').textContent()).toMatch(
    /we first send a 6-digit code to k\*+@example\.nl/,
  );
  await proveAddress(client.page, coffer.mail, email);
  const ownerMails = coffer.mail.to(ADVISOR.email).length;
  const receipt = await uploadFiles(client.page, [big, small], { message, receiptMail: true });
  expect(receipt.files).toEqual([
    { name: big.name, size: big.buffer.length },
    { name: small.name, size: small.buffer.length },
  ]);
  await expectBlobsAreContainers(drop.dropId, [big, small], client.requests);

  // The client's receipt by mail carries the same code; the advisor is told something arrived, with the way to it.
  expect((await coffer.mail.latest(email)).text ?? '').toContain(receipt.code);
  await expect.poll(() => coffer.mail.to(ADVISOR.email).length, { timeout: 10_000 }).toBe(ownerMails + 1);
  expect((await coffer.mail.latest(ADVISOR.email)).text ?? '').toContain(`${coffer.origin}/app/drops/${drop.dropId}`);

  // The advisor's inbox: the label opened in the browser, and the same receipt code.
  await advisor.page.getByTestId('nav-drops').click();
  const row = advisor.page.locator(`[data-testid="drop-row"][data-drop-id="${drop.dropId}"]`);
  await row.waitFor();
  expect(await row.getAttribute('data-label')).toBe(label);
  expect(await row.getByTestId('drop-row-uploads').textContent()).toMatch(/^1/);
  await openDrop(advisor.page, drop.dropId);
  const upload = advisor.page.locator('[data-testid="drop-upload"]');
  expect(await upload.count()).toBe(1);
  expect(await upload.getAttribute('data-state')).toBe('opened');
  expect(await upload.getByTestId('drop-upload-receipt-code').getAttribute('data-value')).toBe(receipt.code);
  expect(await upload.getByTestId('share-message').textContent()).toContain(message);
  // The link can be shown again: the same link, from D sealed to the advisor.
  expect(await advisor.page.getByTestId('drop-link-url').getAttribute('data-value')).toBe(drop.link);

  // A colleague takes over with the office key and downloads both files.
  const colleague = await sessions.signedIn(COLLEAGUE);
  await openDrop(colleague.page, drop.dropId, 'office');
  expect(await colleague.page.getByTestId('drop-page').getAttribute('data-holder')).toBe('office');
  expect(await colleague.page.getByTestId('drop-upload-receipt-code').getAttribute('data-value')).toBe(receipt.code);
  for (const file of [big, small]) expectSameFile(await download(colleague.page, file.name), file);

  await expectNoTrace(
    sessions,
    coffer,
    [
      ...windowNeedles('50 MiB file', big.buffer),
      ...windowNeedles('second file', small.buffer),
      ...forms('file name', big.name),
      ...forms('second file name', small.name),
      ...forms('name marker', name),
      ...forms('label', label),
      ...forms('message', message),
      ...forms('drop secret D', fromBase64Url(drop.secret)),
    ],
    { what: 'client address', value: email },
  );
  await sessions.finish(advisor, client, colleague);
});

it('a drop whose create lost its answer gives the advisor the link of the one drop made, and that link opens', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const drops = (): number => (db.prepare('SELECT count(*) AS n FROM drops').get() as { n: number }).n;
  const before = drops();
  // The server stores the drop; the answer never reaches the page.
  const lost = await loseFirstAnswer(advisor.page, '**/api/v1/drops', (request) => request.method() === 'POST');
  const drop = await makeDropLink(advisor.page, { label: `Verloren antwoord ${marker()}`, title: 'Stukken' });
  expect(lost.seen).toEqual(['dropped 201']);
  expect(drops()).toBe(before + 1);
  expect(drop.fingerprint).toBe(toBase64Url(dropFingerprint(idFromWire(drop.dropId), publicKeyOf(drop.dropId))));
  const client = await sessions.open('client');
  await openDropLink(client.page, drop.link, 'files');
  acceptCutConnections(advisor.problems.messages);
  await sessions.finish(advisor, client);
});

it('a single-use drop’s submission whose answer was lost ends with the receipt: one upload arrives, one receipt mail, and the advisor sees the same code', async () => {
  const email = clientAddress();
  const file = randomFile(`btw-aangifte-${marker()}.pdf`, 200 * 1024 + 3);
  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, {
    label: `Eenmalig ${marker()}`,
    title: 'BTW-aangifte',
    email,
    singleUse: true,
  });
  const client = await sessions.open('client');
  await openDropLink(client.page, drop.link, 'start');
  await proveAddress(client.page, coffer.mail, email);
  const receipts = coffer.mail.to(email).length;
  // The server stores the submission and closes the drop; the answer never reaches the page.
  const lost = await loseFirstAnswer(client.page, '**/api/v1/d/*/submit');
  const receipt = await uploadFiles(client.page, [file], { receiptMail: true });
  expect(lost.seen).toEqual(['dropped 201', 'passed']);
  expect(await client.page.getByTestId('drop-receipt-mismatch').count()).toBe(0);
  expect(await client.page.getByTestId('drop-receipt-mailed').count()).toBe(1);
  expect(countFor(drop.dropId).submissions).toBe(1);
  expect(coffer.mail.to(email)).toHaveLength(receipts + 1);
  expect((await coffer.mail.latest(email)).text ?? '').toContain(receipt.code);

  await openDrop(advisor.page, drop.dropId);
  const upload = advisor.page.locator('[data-testid="drop-upload"]');
  expect(await upload.count()).toBe(1);
  expect(await upload.getAttribute('data-state')).toBe('opened');
  expect(await upload.getByTestId('drop-upload-receipt-code').getAttribute('data-value')).toBe(receipt.code);
  acceptCutConnections(client.problems.messages);
  await sessions.finish(advisor, client);
});

it('a server that answers the repeated submission with another receipt code is shown to disagree, and the page keeps its own code', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, { label: `Open ${marker()}`, title: 'Stukken' });
  const client = await sessions.open('client');
  await openDropLink(client.page, drop.link, 'files');
  // The first answer is lost; the repeat's answer is the server's, with its receipt code changed.
  let forged = '';
  let calls = 0;
  await client.page.route('**/api/v1/d/*/submit', async (route) => {
    calls++;
    const answer = await route.fetch();
    if (calls === 1) {
      await route.abort('connectionreset');
      return;
    }
    const body = (await answer.json()) as { receiptCode: string };
    forged = body.receiptCode.replace(/^\d/, (digit) => String((Number(digit) + 1) % 10));
    await route.fulfill({ response: answer, json: { ...body, receiptCode: forged } });
  });
  const receipt = await uploadFiles(client.page, [randomFile(`bijlage-${marker()}.pdf`, 50 * 1024)]);
  expect(calls).toBe(2);
  expect(forged).not.toBe('');
  expect(receipt.code).not.toBe(forged);
  expect(await client.page.getByTestId('drop-receipt-mismatch').count()).toBe(1);
  expect(countFor(drop.dropId).submissions).toBe(1);
  await openDrop(advisor.page, drop.dropId);
  expect(
    await advisor.page
      .locator('[data-testid="drop-upload"]')
      .getByTestId('drop-upload-receipt-code')
      .getAttribute('data-value'),
  ).toBe(receipt.code);
  acceptCutConnections(client.problems.messages);
  await sessions.finish(advisor, client);
});

it('refuses to encrypt anything when the drop key in the database was replaced, and nothing is uploaded', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, { label: `Open drop ${marker()}`, title: 'Uw documenten' });
  // A server that swaps in a key of its own (whose secret key it would hold).
  db.prepare('UPDATE drops SET public_key = ? WHERE id = ?').run(
    newDropKeys(idFromWire(drop.dropId)).keyPair.publicKey,
    idFromWire(drop.dropId),
  );
  const uploadsBefore = (db.prepare('SELECT count(*) AS n FROM uploads').get() as { n: number }).n;

  const client = await sessions.open('client of a swapped drop');
  await openDropLink(client.page, drop.link, 'mismatch');
  expect(await client.page.getByTestId('drop-upload-mismatch').textContent()).toContain('Do not upload anything here');
  expect(await client.page.getByTestId('drop-files').count()).toBe(0);
  expect(await client.page.getByTestId('drop-upload-submit').count()).toBe(0);
  // Once the page has settled, anything it would still send has been recorded.
  await settle(client);
  const sent = client.requests.filter(
    (request) => request.method !== 'GET' || /\/uploads\b/.test(new URL(request.url).pathname),
  );
  expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([]);
  expect(countFor(drop.dropId)).toEqual({ sessions: 0, uploads: 0, submissions: 0 });
  expect((db.prepare('SELECT count(*) AS n FROM uploads').get() as { n: number }).n).toBe(uploadsBefore);

  // The advisor's page sees it too: the key it opens from D's sealed copy is not the one listed.
  await openDrop(advisor.page, drop.dropId);
  await advisor.page.getByTestId('drop-key-warning').waitFor();
  await sessions.finish(advisor, client);
});

it('lets a bound drop’s client ask for a code before the crypto worker loads, and never shows the files when the server replaced the key', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const email = `swapped-${marker()}@example.nl`;
  const drop = await makeDropLink(advisor.page, { label: `Bound drop ${marker()}`, title: 'Uw documenten', email });
  db.prepare('UPDATE drops SET public_key = ? WHERE id = ?').run(
    newDropKeys(idFromWire(drop.dropId)).keyPair.publicKey,
    idFromWire(drop.dropId),
  );

  // The crypto worker's script is held back until the code has been typed: its check of the
  // drop key cannot have run before then.
  const client = await sessions.open('client of a swapped bound drop');
  const worker = await holdCryptoWorker(client.page);
  await openDropLink(client.page, drop.link, 'start');
  expect(await client.page.getByTestId('drop-upload-request-code').isEnabled()).toBe(true);
  await proveAddressTyped(client.page, email);
  // The code was right, and the page asked for the worker once the button was shown; but with
  // the key unchecked the files do not come: the page says it is getting ready, the form waits.
  await client.page
    .getByTestId('drop-upload-busy')
    .filter({ hasText: 'The code is correct. Getting the encryption ready' })
    .waitFor();
  expect(worker.asked()).toBeGreaterThan(0);
  expect(await client.page.getByTestId('drop-upload-page').getAttribute('data-step')).toBe('code');
  expect(await client.page.getByTestId('drop-upload-verify').isDisabled()).toBe(true);
  expect(await client.page.getByTestId('drop-files').count()).toBe(0);

  worker.release();
  await client.page.locator('[data-testid="drop-upload-page"][data-step="mismatch"]').waitFor();
  expect(await client.page.getByTestId('drop-upload-mismatch').textContent()).toContain('Do not upload anything here');
  expect(await client.page.getByTestId('drop-files').count()).toBe(0);
  expect(await client.page.getByTestId('drop-upload-submit').count()).toBe(0);
  await settle(client);
  expect(client.requests.filter((request) => /\/uploads\b/.test(new URL(request.url).pathname))).toEqual([]);
  // The code made a session (a grant), and nothing was uploaded with it.
  expect(countFor(drop.dropId)).toEqual({ sessions: 1, uploads: 0, submissions: 0 });
  await sessions.finish(advisor, client);
});

/** "Send me a code" and the code from the newest mail, typed (it sends itself at the sixth digit). */
async function proveAddressTyped(page: Page, email: string): Promise<void> {
  const before = coffer.mail.to(email).length;
  await page.getByTestId('drop-upload-request-code').click();
  await page.locator('[data-testid="drop-upload-page"][data-step="code"]').waitFor();
  await page.getByTestId('drop-upload-remember').uncheck();
  await page.getByTestId('drop-upload-code').fill(await codeFromMail(coffer.mail, email, before + 1));
}

it('shows an upload added without D as rejected in the office, and its files cannot be opened', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, { label: `Open drop ${marker()}`, title: 'Uw documenten' });
  const injected = await injectUpload(coffer.origin, drop.dropId, publicKeyOf(drop.dropId));

  await openDrop(advisor.page, drop.dropId);
  const item = advisor.page.locator(`[data-testid="drop-upload"][data-upload-id="${injected}"]`);
  await item.waitFor();
  expect(await item.getAttribute('data-state')).toBe('rejected');
  expect(await item.getByTestId('drop-upload-rejected').textContent()).toContain(
    'Rejected: not uploaded through this link',
  );
  expect(await item.getByTestId('file-row').count()).toBe(0);
  expect(await item.getByTestId('drop-upload-receipt-code').count()).toBe(0);

  // The advisor's browser told the server, which no longer hands out its files.
  await expect
    .poll(
      () =>
        (
          db.prepare('SELECT rejected_at FROM drop_uploads WHERE id = ?').get(idFromWire(injected)) as {
            rejected_at: number | null;
          }
        ).rejected_at,
      { timeout: TRANSFER_TIMEOUT },
    )
    .not.toBeNull();
  const file = db.prepare('SELECT file_id FROM drop_files WHERE drop_upload_id = ?').get(idFromWire(injected)) as {
    file_id: Buffer;
  };
  const res = await advisor.context.request.get(
    `${coffer.origin}/api/v1/drops/${drop.dropId}/uploads/${injected}/files/${toBase64Url(file.file_id)}`,
  );
  expect(res.status()).toBe(409);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upload_rejected');

  // A colleague's browser, checking for itself, shows it rejected too.
  const colleague = await sessions.signedIn(COLLEAGUE);
  await openDrop(colleague.page, drop.dropId, 'office');
  expect(
    await colleague.page
      .locator(`[data-testid="drop-upload"][data-upload-id="${injected}"]`)
      .getAttribute('data-state'),
  ).toBe('rejected');
  await sessions.finish(advisor, colleague);
});

it('closes a drop at once (the link then says so), deletes an upload (its answer lost), and deletes the drop', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, { label: `Open drop ${marker()}`, title: 'Uw documenten' });
  const client = await sessions.open('client of a closed drop');
  await openDropLink(client.page, drop.link, 'files');
  await uploadFiles(client.page, [randomFile(`notitie-${marker()}.pdf`, 1000)]);

  await openDrop(advisor.page, drop.dropId);
  const dropUploadId = (await advisor.page.getByTestId('drop-upload').getAttribute('data-upload-id')) ?? '';
  await advisor.page.getByTestId('drop-close').click();
  await advisor.page.getByTestId('drop-confirm-confirm').click();
  await advisor.page.locator('[data-testid="drop-page"][data-state="loaded"][data-drop-state="closed"]').waitFor();
  expect(await advisor.page.getByTestId('drop-link').count()).toBe(0);

  // The link holder gets the plain message (410), and nothing to upload with.
  await openDropLink(client.page, drop.link, 'gone');
  expect(await client.page.getByTestId('drop-upload-gone').getAttribute('data-state')).toBe('closed');
  expect(await client.page.getByTestId('drop-files').count()).toBe(0);

  // What arrived stays until deleted: first the upload (its blob goes with it), then the drop.
  const blob = db.prepare('SELECT blob_id FROM drop_files WHERE drop_upload_id = ?').get(idFromWire(dropUploadId)) as {
    blob_id: Buffer;
  };
  // The delete of the upload loses its answer: the page reads the drop back and says it is gone.
  const deleting = await loseFirstAnswer(
    advisor.page,
    '**/api/v1/drops/*/uploads/*',
    (request) => request.method() === 'DELETE',
  );
  await advisor.page.getByTestId('drop-upload-delete').click();
  await advisor.page.getByTestId('drop-confirm-confirm').click();
  await advisor.page.getByTestId('drop-no-uploads').waitFor();
  expect(deleting.seen).toEqual(['dropped 204']);
  expect(await advisor.page.getByTestId('drop-status').textContent()).toBe('The upload has been deleted.');
  expect(await advisor.page.getByTestId('drop-problem').count()).toBe(0);
  expect(countFor(drop.dropId).submissions).toBe(0);
  await expect(readFile(join(coffer.dataDir, 'blobs', toHex(blob.blob_id)))).rejects.toThrow();
  await advisor.page.getByTestId('drop-delete').click();
  await advisor.page.getByTestId('drop-confirm-confirm').click();
  await advisor.page.locator('[data-testid="drops-page"][data-state="loaded"]').waitFor();
  expect(await advisor.page.locator(`[data-testid="drop-row"][data-drop-id="${drop.dropId}"]`).count()).toBe(0);
  acceptCutConnections(advisor.problems.messages);
  await sessions.finish(advisor, client);
});

it('unlocks a locked bound drop, closes it and deletes it, each with its answer lost: the page goes on as done, and it is', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const drop = await makeDropLink(advisor.page, {
    label: `Gebonden ${marker()}`,
    title: 'Uw stukken',
    email: `klant-${marker()}@example.nl`,
  });
  const id = idFromWire(drop.dropId);
  // The client typed too many wrong codes (how a drop locks is the link page's test): set in the database.
  db.prepare('UPDATE drops SET locked_at = ?, wrong_codes = 10 WHERE id = ?').run(Date.now(), id);
  const row = (): { locked_at: number | null; closed_at: number | null } =>
    db.prepare('SELECT locked_at, closed_at FROM drops WHERE id = ?').get(id) as {
      locked_at: number | null;
      closed_at: number | null;
    };
  await openDrop(advisor.page, drop.dropId);

  // The server unlocks the drop; the answer never reaches the page.
  const unlocking = await loseFirstAnswer(advisor.page, '**/api/v1/drops/*/unlock');
  await advisor.page.getByTestId('drop-unlock').click();
  await expect
    .poll(() => advisor.page.getByTestId('drop-status').textContent())
    .toBe('The drop link is unlocked: the client can request a code again.');
  expect(unlocking.seen).toEqual(['dropped 204']);
  expect(await advisor.page.getByTestId('drop-problem').count()).toBe(0);
  expect(row().locked_at).toBeNull();
  await expect.poll(() => advisor.page.getByTestId('drop-locked').count()).toBe(0);

  // The same for closing it.
  const closing = await loseFirstAnswer(advisor.page, '**/api/v1/drops/*/close');
  await advisor.page.getByTestId('drop-close').click();
  await advisor.page.getByTestId('drop-confirm-confirm').click();
  await advisor.page.locator('[data-testid="drop-page"][data-state="loaded"][data-drop-state="closed"]').waitFor();
  expect(await advisor.page.getByTestId('drop-status').textContent()).toBe('The drop link has been closed.');
  expect(closing.seen).toEqual(['dropped 204']);
  expect(await advisor.page.getByTestId('drop-problem').count()).toBe(0);
  expect(row().closed_at).toEqual(expect.any(Number));

  // And for deleting it: the page asks for the drop, which is gone (404), and goes to the list.
  const deleting = await loseFirstAnswer(advisor.page, '**/api/v1/drops/*', (request) => request.method() === 'DELETE');
  await advisor.page.getByTestId('drop-delete').click();
  await advisor.page.getByTestId('drop-confirm-confirm').click();
  await advisor.page.locator('[data-testid="drops-page"][data-state="loaded"]').waitFor();
  expect(deleting.seen).toEqual(['dropped 204']);
  expect(await advisor.page.locator(`[data-testid="drop-row"][data-drop-id="${drop.dropId}"]`).count()).toBe(0);
  expect(db.prepare('SELECT count(*) FROM drops WHERE id = ?').pluck().get(id)).toBe(0);
  acceptCutConnections(advisor.problems.messages);
  const gone = advisor.problems.messages.filter((line) => /status of 404 .*\/api\/v1\/drops\//.test(line));
  expect(gone).toHaveLength(1);
  advisor.problems.messages.splice(
    0,
    advisor.problems.messages.length,
    ...advisor.problems.messages.filter((line) => !gone.includes(line)),
  );
  await sessions.finish(advisor);
});

it('has no axe violations on the drop pages, the office’s and the uploader’s, in both languages', async () => {
  // bypassCSP lets axe's script in, for the audit only; the tests above run under the real policy.
  const advisor = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const office = await advisor.newPage();
  await signIn(office, coffer.origin, ADVISOR);
  const email = clientAddress();
  const drop = await makeDropLink(office, {
    label: `Audit ${marker()}`,
    title: 'Uw documenten',
    instructions: 'Eén regel.\nNog een regel.',
    email,
  });
  const client = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const uploader = await client.newPage();
  await uploader.goto(drop.link);
  for (const lang of ['en', 'nl']) {
    const audit = async (page: Page, what: string): Promise<void> => {
      await page.waitForLoadState('networkidle');
      expect(await axeViolations(page), `${lang} ${what}`).toEqual([]);
    };
    await uploader.getByTestId(`lang-${lang}`).click();
    await uploader.locator('[data-testid="drop-upload-page"][data-step="start"]').waitFor();
    await audit(uploader, 'upload page, before the code');
    const mails = coffer.mail.to(email).length;
    await uploader.getByTestId('drop-upload-request-code').click();
    await uploader.locator('[data-testid="drop-upload-page"][data-step="code"]').waitFor();
    await audit(uploader, 'upload page, the code');
    await uploader.getByTestId('drop-upload-remember').uncheck();
    // The form sends itself at the sixth digit.
    await uploader.getByTestId('drop-upload-code').fill(await codeFromMail(coffer.mail, email, mails + 1));
    await uploader.locator('[data-testid="drop-upload-page"][data-step="files"]').waitFor();
    await audit(uploader, 'upload page, choosing files');
    await uploader
      .getByTestId('drop-files')
      .setInputFiles([{ name: `notitie-${lang}.txt`, mimeType: 'text/plain', buffer: Buffer.from('Zie bijlage.\n') }]);
    await uploader.getByTestId('drop-upload-submit').click();
    await uploader
      .locator('[data-testid="drop-upload-page"][data-step="receipt"]')
      .waitFor({ timeout: TRANSFER_TIMEOUT });
    await audit(uploader, 'upload page, the receipt');
    // A drop used many times takes more: a new code for the next round.
    await uploader.getByTestId('drop-upload-more').click();

    await office.getByTestId(`lang-${lang}`).click();
    await office.getByTestId('nav-drops').click();
    await office.locator('[data-testid="drops-page"][data-state="loaded"]').waitFor();
    await audit(office, 'drops list');
    await office.getByTestId('drops-new').click();
    await audit(office, 'new drop form');
    await openDrop(office, drop.dropId);
    await audit(office, 'drop page with uploads');
  }
  // The server serves each page's address itself too (a reload, a bookmark, a link in a mail).
  for (const path of ['/app/drops', '/app/drops/new', `/app/drops/${drop.dropId}`, `/d/${drop.dropId}`]) {
    const page = await advisor.request.get(`${coffer.origin}${path}`);
    expect(page.status(), path).toBe(200);
    expect(page.headers()['content-type'], path).toMatch(/^text\/html/);
  }
  await client.close();
  await advisor.close();
});
