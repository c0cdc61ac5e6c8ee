// Sending in real Chromium against the real server program (the compiled dist/server, as
// `npm start` runs it), with mail going to a real SMTP server on loopback. The office is set up
// through the pages: an admin, an advisor and a colleague.
//
// - The advisor sends a 5 MiB random file to a guest, to a colleague with an account, and to
//   a guest with an access code. Every request of every browser context is recorded (URL and
//   body; the crypto worker's uploads included: the recorded part bodies are compared with
//   the blob on disk). Afterwards the recorded requests, the server's log, every mail, and
//   every file under DATA_DIR (database, WAL, blobs) are searched for the file's content,
//   its name, the link secret S and the access code, raw and encoded: none is there. The blob
//   is exactly the container. Each recipient downloads the file and its SHA-256 matches.
// - An HTML file with a script is sent and downloaded by a guest and a colleague: it arrives
//   as a file with its own bytes, and nothing in it ever runs or renders in Coffer's origin.
// - A colleague the advisor sent to before gets other keys on the server: the next send
//   stops. Keys the office never certified are refused; certified keys (a server with the
//   office key) that differ from the advisor's pin stop the send with both fingerprints on
//   screen, and when the advisor stops, nothing is uploaded or sent.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ciphertextLengthOf,
  CONTENT_PREFIX_BYTES,
  createContainerHasher,
  formatFingerprint,
  fromBase64Url,
  identityFingerprint,
  idFromWire,
  officeFingerprint,
  toBase64Url,
  toHex,
} from '../../shared/crypto/index.js';
import { parseContentPrefix } from '../../shared/crypto/envelope.js';
import { codeFromMail } from '../helpers/sharing.js';
import { UPLOAD_PART_BYTES } from '../../shared/wire/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import type { Person } from './support/accounts.js';
import type { Coffer } from './support/coffer.js';
import { identityKeyOf, officeKeysOf, replaceMemberKeys } from './support/keys.js';
import {
  compose,
  download,
  expectSameFile,
  guestOpensFiles,
  guestRequestsCode,
  marker,
  openReceived,
  randomFile,
  send,
  submit,
  TRANSFER_TIMEOUT,
  windowNeedles,
  type FileToSend,
} from './support/sending.js';
import {
  everything,
  expectNoTrace as expectNoTraceAnywhere,
  FlowTest,
  settle,
  type Session,
  type Sessions,
} from './support/sessions.js';
import { findNeedles, forms, type Needle, type RecordedRequest } from './support/traces.js';
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
// Chromium (through the DevTools protocol) reports about half of the fetches a dedicated
// worker reads to the end as failed with net::ERR_ABORTED when the answer's headers arrived
// before its body, although the worker got every byte: reproduced outside Coffer with a bare
// fetch of 400 bytes in a worker. Here it shows on small files' container downloads; whether
// the download really worked is what the tests check (saved, verified, same SHA-256).
const CHROMIUM_ABORTED_AFTER_BODY =
  /^request failed: GET \/api\/v1\/(links|received)\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/;

let coffer: Coffer;
let db: Db;
let sessions: Sessions;

const newSession = (who: string): Promise<Session> => sessions.open(who);
const signedIn = (person: Person): Promise<Session> => sessions.signedIn(person);
const finish = (...done: Session[]): Promise<void> => sessions.finish(...done);

const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-sending-e2e-', [CHROMIUM_ABORTED_AFTER_BODY], {
    name: OFFICE,
    admin: ADMIN,
    colleagues: [ADVISOR, COLLEAGUE],
  });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

const guestAddress = (): string => `klant-${randomBytes(4).toString('hex')}@example.nl`;

/** 32-byte windows of the plaintext at its start, its end and two odd offsets between. */
function contentNeedles(plaintext: Buffer): Needle[] {
  return windowNeedles('content', plaintext, [0, 1_000_003, 2_621_441, plaintext.length - 32]);
}

/** None of `needles` anywhere; and, so the search is known to work, the guest's address in the database. */
async function expectNoTrace(needles: readonly Needle[], control: { readonly email: string }): Promise<void> {
  await expectNoTraceAnywhere(sessions, coffer, needles, { what: 'recipient address', value: control.email });
}

/**
 * The share's one blob on disk is exactly the container the advisor's browser uploaded: the
 * recorded part bodies (sent by the crypto worker) put together, as long as format v1 makes a
 * container of this plaintext, with a header that parses and the hash the server recorded.
 */
async function expectBlobIsContainer(
  shareId: string,
  plaintextLength: number,
  uploaded: readonly RecordedRequest[],
): Promise<Buffer> {
  const rows = db
    .prepare('SELECT blob_id, size, ciphertext_hash FROM share_files WHERE share_id = ?')
    .all(idFromWire(shareId)) as { blob_id: Buffer; size: number; ciphertext_hash: Buffer }[];
  expect(rows).toHaveLength(1);
  const [row] = rows as [(typeof rows)[number]];
  const blob = await readFile(join(coffer.dataDir, 'blobs', toHex(row.blob_id)));
  expect(blob.length).toBe(ciphertextLengthOf(plaintextLength));
  expect(row.size).toBe(blob.length);
  expect(() => parseContentPrefix(blob.subarray(0, CONTENT_PREFIX_BYTES))).not.toThrow();
  const hasher = createContainerHasher();
  hasher.update(blob);
  expect(Buffer.from(hasher.digest()).equals(row.ciphertext_hash)).toBe(true);

  const parts = new Map<number, Buffer>();
  for (const request of uploaded) {
    const part = /^\/api\/v1\/uploads\/[A-Za-z0-9_-]+\/parts\/(\d+)$/.exec(new URL(request.url).pathname);
    if (request.method === 'PUT' && part?.[1] !== undefined && request.body) parts.set(Number(part[1]), request.body);
  }
  expect([...parts.keys()].sort((a, b) => a - b)).toEqual(
    Array.from({ length: Math.ceil(blob.length / UPLOAD_PART_BYTES) }, (_, i) => i),
  );
  expect(Buffer.concat([...parts.entries()].sort(([a], [b]) => a - b).map(([, body]) => body)).equals(blob)).toBe(true);
  return blob;
}

function count(table: 'shares' | 'uploads'): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

it('sends a 5 MiB file to a guest: the server never sees its content, its name or S, and the guest downloads it intact', async () => {
  const name = marker();
  const file = randomFile(`payslip-${name}.pdf`, 5 * MiB);
  const email = guestAddress();
  const advisor = await signedIn(ADVISOR);
  await compose(advisor.page, [file], [{ email, kind: 'guest' }]);
  // A first-time address and a link whose code goes to the same mailbox are both pointed out.
  await advisor.page
    .locator(`[data-testid="send-recipient"][data-email="${email}"]`)
    .getByTestId('send-recipient-new')
    .waitFor();
  await advisor.page.getByTestId('send-same-mailbox').waitFor();
  const sent = await submit(advisor.page);
  expect(sent.guests.map((g) => g.email)).toEqual([email]);
  const [guestLink] = sent.guests as [(typeof sent.guests)[number]];
  expect(guestLink.accessCode).toBeUndefined();
  await advisor.page
    .locator(`[data-testid="guest-link"][data-email="${email}"]`)
    .getByTestId('guest-link-new-address')
    .waitFor();
  // The link carries the office's fingerprint, which the guest's browser checks everything against.
  const office = db.prepare('SELECT signing_public_key FROM office').get() as { signing_public_key: Buffer };
  expect(guestLink.officeFingerprint).toBe(toBase64Url(officeFingerprint(new Uint8Array(office.signing_public_key))));

  const blob = await expectBlobIsContainer(sent.shareId, file.buffer.length, advisor.requests);

  const guest = await newSession('guest');
  await guestOpensFiles(guest.page, coffer.mail, guestLink);
  expectSameFile(await download(guest.page, file.name), file);

  // The search reaches what it should: the container's bytes are in the upload and the blob.
  const container = findNeedles(await everything(sessions, coffer), forms('container', blob.subarray(4096, 4128)));
  expect(container.some((hit) => hit.startsWith(`container (raw) in ${ADVISOR.name} request`))).toBe(true);
  expect(container.some((hit) => hit.startsWith('container (raw) in blobs/'))).toBe(true);
  await expectNoTrace(
    [
      ...contentNeedles(file.buffer),
      ...forms('file name', file.name),
      ...forms('name marker', name),
      ...forms('link secret S', fromBase64Url(guestLink.linkSecret)),
    ],
    { email },
  );
  await finish(advisor, guest);
});

it('sends a 5 MiB file to a colleague with an account, who signs in and downloads it from Received', async () => {
  const name = marker();
  const file = randomFile(`jaaropgaaf-${name}.pdf`, 5 * MiB);
  const mailsBefore = coffer.mail.to(COLLEAGUE.email).length;
  const advisor = await signedIn(ADVISOR);
  const sent = await send(advisor.page, [file], [{ email: COLLEAGUE.email, kind: 'account' }]);
  expect(sent.guests).toEqual([]);
  expect(await advisor.page.getByTestId('sent-account').textContent()).toContain(COLLEAGUE.name);
  await expectBlobIsContainer(sent.shareId, file.buffer.length, advisor.requests);
  // The colleague is told by mail: who sent, and a link to their own Received page (no secret
  // in it: the search below covers the mail too).
  expect(coffer.mail.to(COLLEAGUE.email)).toHaveLength(mailsBefore + 1);
  const notice = (await coffer.mail.latest(COLLEAGUE.email)).text ?? '';
  expect(notice).toContain(ADVISOR.name);
  expect(notice).toContain(`${coffer.origin}/app/received/${sent.shareId}`);

  const colleague = await signedIn(COLLEAGUE);
  await openReceived(colleague.page, sent.shareId);
  expectSameFile(await download(colleague.page, file.name), file);

  await expectNoTrace(
    [...contentNeedles(file.buffer), ...forms('file name', file.name), ...forms('name marker', name)],
    { email: COLLEAGUE.email },
  );
  await finish(advisor, colleague);
});

it('a send whose answer was lost ends as sent, not as an error: the colleague has one share and one notice, and opens it', async () => {
  const file = randomFile(`jaaropgaaf-${marker()}.pdf`, 300_000);
  const mailsBefore = coffer.mail.to(COLLEAGUE.email).length;
  const sharesBefore = (db.prepare('SELECT count(*) AS n FROM shares').get() as { n: number }).n;
  const advisor = await signedIn(ADVISOR);
  // Between the page and the server: the share reaches the server, which makes it, and the
  // connection drops before the answer gets back (a proxy restarting, a server killed just after
  // it committed).
  const lost = await loseFirstAnswer(advisor.page, '**/api/v1/shares', (request) => request.method() === 'POST');
  const sent = await send(advisor.page, [file], [{ email: COLLEAGUE.email, kind: 'account' }]);
  expect(lost.seen).toEqual(['dropped 201']);
  expect(await advisor.page.getByTestId('sent-account').textContent()).toContain(COLLEAGUE.name);
  expect((db.prepare('SELECT count(*) AS n FROM shares').get() as { n: number }).n).toBe(sharesBefore + 1);
  await expect.poll(() => coffer.mail.to(COLLEAGUE.email).length).toBe(mailsBefore + 1);

  const colleague = await signedIn(COLLEAGUE);
  await openReceived(colleague.page, sent.shareId);
  expectSameFile(await download(colleague.page, file.name), file);
  // The one request the test cut off is the only one that failed.
  acceptCutConnections(advisor.problems.messages);
  await finish(advisor, colleague);
});

it('a guest whose code request lost its answer gets the field for the code on its way (in Dutch), and that one code opens the files', async () => {
  const file = randomFile(`loonstrook-${marker()}.pdf`, 120_000);
  const email = guestAddress();
  const advisor = await signedIn(ADVISOR);
  const sent = await send(advisor.page, [file], [{ email, kind: 'guest' }]);
  const [guestLink] = sent.guests as [(typeof sent.guests)[number]];

  const guest = await newSession('guest whose code answer was lost');
  await guest.page.goto(guestLink.link);
  await guest.page.locator('[data-testid="guest-page"][data-step="start"]').waitFor();
  await guest.page.getByTestId('lang-nl').click();
  const mails = coffer.mail.to(email).length;
  // The server issues and mails the code; the answer never reaches the page.
  const lost = await loseFirstAnswer(guest.page, '**/api/v1/links/*/code');
  await guest.page.getByTestId('guest-request-code').click();
  await guest.page.locator('[data-testid="guest-page"][data-step="code"]').waitFor();
  expect(lost.seen).toEqual(['dropped 200']);
  expect(await guest.page.getByTestId('guest-code-unconfirmed').textContent()).toContain('kan dus onderweg zijn');
  expect(await guest.page.getByTestId('guest-error').count()).toBe(0);
  // Nothing was asked twice: the one mail's code is the newest, and it opens the files.
  const code = await codeFromMail(coffer.mail, email, mails + 1);
  expect(coffer.mail.to(email)).toHaveLength(mails + 1);
  await guest.page.getByTestId('guest-remember').uncheck();
  await guest.page.getByTestId('guest-code').fill(code);
  await guest.page.locator('[data-testid="guest-page"][data-step="files"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  expectSameFile(await download(guest.page, file.name), file);
  acceptCutConnections(guest.problems.messages);
  await finish(advisor, guest);
});

it('sends a 5 MiB file to a guest with an access code: the e-mail code alone opens nothing', async () => {
  const name = marker();
  const file = randomFile(`paspoort-${name}.pdf`, 5 * MiB);
  const email = guestAddress();
  const advisor = await signedIn(ADVISOR);
  await compose(advisor.page, [file], [{ email, kind: 'guest', accessCode: true }]);
  // With an access code the link and the code no longer reach the same mailbox alone.
  expect(await advisor.page.getByTestId('send-same-mailbox').count()).toBe(0);
  // The advisor passes the link on themselves (Coffer mailing it is tested in coffer-mails-link):
  // then the server never sees S.
  await advisor.page.getByTestId('send-mail-links').uncheck();
  const sent = await submit(advisor.page);
  const [guestLink] = sent.guests as [(typeof sent.guests)[number]];
  const accessCode = guestLink.accessCode ?? '';
  expect(accessCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  await expectBlobIsContainer(sent.shareId, file.buffer.length, advisor.requests);

  const guest = await newSession('guest with access code');
  const code = await guestRequestsCode(guest.page, coffer.mail, guestLink);
  await guest.page.getByTestId('guest-code').fill(code);
  // A right e-mail code with a wrong access code: the server lets the guest in, but the files do not open.
  const wrong = `${accessCode.startsWith('7') ? '8' : '7'}${accessCode.slice(1)}`;
  await guest.page.getByTestId('guest-access-code').fill(wrong);
  await guest.page.getByTestId('guest-verify').click();
  await guest.page
    .locator('[data-testid="guest-page"][data-step="access-code"]')
    .waitFor({ timeout: TRANSFER_TIMEOUT });
  expect(await guest.page.getByTestId('guest-error').textContent()).toContain('does not open the files');
  expect(await guest.page.getByTestId('file-list').count()).toBe(0);
  // The access code told by phone opens them.
  await guest.page.getByTestId('guest-access-code').fill(accessCode);
  await guest.page.getByTestId('guest-access-submit').click();
  await guest.page.locator('[data-testid="guest-page"][data-step="files"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  expectSameFile(await download(guest.page, file.name), file);

  await expectNoTrace(
    [
      ...contentNeedles(file.buffer),
      ...forms('file name', file.name),
      ...forms('name marker', name),
      ...forms('link secret S', fromBase64Url(guestLink.linkSecret)),
      ...forms('access code', accessCode),
      ...forms('access code (ungrouped)', accessCode.replaceAll('-', '')),
    ],
    { email },
  );
  await finish(advisor, guest);
});

it("sends an HTML file with a script: it only ever arrives as a download, and nothing in it runs in Coffer's origin", async () => {
  const name = marker();
  const html =
    `<!doctype html><html><head><title>Factuur</title></head><body><h1>Factuur</h1>` +
    `<img src="/api/v1/marker-${name}-img" alt="">` +
    `<script>document.title='pwned-${name}';fetch('/api/v1/marker-${name}-fetch');window.open('/api/v1/marker-${name}-open');</script>` +
    `</body></html>\n`;
  const file: FileToSend = { name: `factuur-${name}.html`, mimeType: 'text/html', buffer: Buffer.from(html) };
  const email = guestAddress();
  const advisor = await signedIn(ADVISOR);
  const sent = await send(
    advisor.page,
    [file],
    [
      { email, kind: 'guest' },
      { email: COLLEAGUE.email, kind: 'account' },
    ],
  );
  const [guestLink] = sent.guests as [(typeof sent.guests)[number]];

  const guest = await newSession('guest of the HTML file');
  await guestOpensFiles(guest.page, coffer.mail, guestLink);
  const colleague = await signedIn(COLLEAGUE);
  await openReceived(colleague.page, sent.shareId);

  for (const receiver of [guest, colleague]) {
    const opened: string[] = [];
    receiver.context.on('page', (page) => opened.push(page.url()));
    const url = receiver.page.url();
    const title = await receiver.page.title();
    expectSameFile(await download(receiver.page, file.name), file);
    // A rendered copy would have run its script and fetched its image while being parsed, before
    // the download finished; once the page has settled, any such request has been recorded.
    await settle(receiver);
    expect(opened, receiver.who).toEqual([]);
    expect(receiver.context.pages().length, receiver.who).toBe(1);
    expect(receiver.page.frames(), receiver.who).toHaveLength(1);
    expect(receiver.page.url(), receiver.who).toBe(url);
    expect(await receiver.page.title(), receiver.who).toBe(title);
    expect(
      receiver.requests.filter((request) => request.url.includes(name)).map((request) => request.url),
      receiver.who,
    ).toEqual([]);
  }
  await finish(advisor, guest, colleague);
});

it("stops the send when a colleague's key changed since the advisor last sent to them, and shows both fingerprints", async () => {
  const advisor = await signedIn(ADVISOR);
  // The advisor sends to the colleague, which pins the colleague's key in the advisor's account.
  const note: FileToSend = { name: 'notitie.txt', mimeType: 'text/plain', buffer: Buffer.from('Zie bijlage.\n') };
  await send(advisor.page, [note], [{ email: COLLEAGUE.email, kind: 'account' }]);
  const ids = db
    .prepare(
      'SELECT (SELECT id FROM users WHERE email = ?) AS advisor, (SELECT id FROM users WHERE email = ?) AS colleague',
    )
    .get(ADVISOR.email, COLLEAGUE.email) as { advisor: Buffer; colleague: Buffer };
  const pinOf = () =>
    (
      db
        .prepare("SELECT envelope FROM pins WHERE owner_id = ? AND subject = 'user' AND subject_id = ?")
        .get(ids.advisor, ids.colleague) as { envelope: Buffer } | undefined
    )?.envelope;
  const pin = pinOf();
  expect(pin).toBeDefined();
  const pinnedKey = identityKeyOf(db, COLLEAGUE.email);
  const before = {
    shares: count('shares'),
    uploads: count('uploads'),
    mails: coffer.mail.to(COLLEAGUE.email).length,
    requests: advisor.requests.length,
  };
  const nothingSent = (): void => {
    expect(count('shares')).toBe(before.shares);
    expect(count('uploads')).toBe(before.uploads);
    expect(coffer.mail.to(COLLEAGUE.email)).toHaveLength(before.mails);
    const sending = advisor.requests
      .slice(before.requests)
      .filter(
        (request) => request.method !== 'GET' && /^\/api\/v1\/(uploads|shares)\b/.test(new URL(request.url).pathname),
      );
    expect(sending.map((request) => `${request.method} ${request.url}`)).toEqual([]);
    expect(pinOf()?.equals(pin as Buffer)).toBe(true);
  };
  const payslip = randomFile(`loonstrook-${marker()}.pdf`, 64 * 1024);
  await advisor.page.getByTestId('send-again').click();
  await compose(advisor.page, [payslip], [{ email: COLLEAGUE.email, kind: 'account' }]);

  // 1. The server alone hands out new keys: they carry no office certificate, and the send stops.
  replaceMemberKeys(db, COLLEAGUE.email);
  await advisor.page.getByTestId('send-submit').click();
  await advisor.page.getByTestId('send-error').waitFor();
  expect(await advisor.page.getByTestId('send-error').textContent()).toContain(
    `Your office has not vouched for the keys of ${COLLEAGUE.name}`,
  );
  expect(await advisor.page.getByTestId('key-changed-dialog').isVisible()).toBe(false);
  nothingSent();

  // 2. New keys with a valid office certificate (made with the office key, as a rogue admin
  //    could): only the advisor's pin tells them apart. The send stops with both fingerprints.
  const newKey = replaceMemberKeys(db, COLLEAGUE.email, officeKeysOf(db, ADMIN.email, ADMIN.password));
  await advisor.page.getByTestId('send-submit').click();
  const dialog = advisor.page.locator('[data-testid="key-changed-dialog"][data-state="compare"]');
  await dialog.waitFor();
  await advisor.page.locator('[data-testid="send-page"][data-state="key-changed"]').waitFor();
  expect(await dialog.textContent()).toContain(`The key of ${COLLEAGUE.name} (${COLLEAGUE.email}) is different`);
  expect(await dialog.getByTestId('key-changed-old').getAttribute('data-fingerprint')).toBe(
    formatFingerprint(identityFingerprint(pinnedKey)),
  );
  expect(await dialog.getByTestId('key-changed-new').getAttribute('data-fingerprint')).toBe(
    formatFingerprint(identityFingerprint(newKey)),
  );
  expect(formatFingerprint(identityFingerprint(newKey))).not.toBe(formatFingerprint(identityFingerprint(pinnedKey)));
  nothingSent();

  // The advisor stops: nothing is uploaded or sent, and the pin still holds the old key.
  await dialog.getByTestId('key-changed-stop').click();
  await advisor.page.locator('[data-testid="send-page"][data-state="compose"]').waitFor();
  expect(await advisor.page.getByTestId('send-error').textContent()).toContain(
    'Nothing was sent, because a changed key was not confirmed.',
  );
  expect(await dialog.isVisible()).toBe(false);
  nothingSent();
  await finish(advisor);
});

it("a guest's page works before the crypto worker has loaded: the code is requested while the worker's script is held back, and the file opens once it arrives", async () => {
  const file = randomFile(`brief-${marker()}.pdf`, 200 * 1024);
  const email = guestAddress();
  const advisor = await signedIn(ADVISOR);
  await compose(advisor.page, [file], [{ email, kind: 'guest' }]);
  const sent = await submit(advisor.page);
  const [guestLink] = sent.guests as [(typeof sent.guests)[number]];

  const guest = await newSession('guest');
  // The worker's script (libsodium, most of the page's weight) is answered only when released.
  const worker = await holdCryptoWorker(guest.context);

  const code = await guestRequestsCode(guest.page, coffer.mail, guestLink);
  // The page asked for the worker by itself, in the background, once it could be used.
  await expect.poll(() => worker.asked()).toBe(1);
  worker.release();
  // The form sends itself at the sixth digit.
  await guest.page.getByTestId('guest-code').fill(code);
  await guest.page.locator('[data-testid="guest-page"][data-step="files"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  expectSameFile(await download(guest.page, file.name), file);
  expect(worker.asked()).toBe(1);
  await finish(advisor, guest);
});
