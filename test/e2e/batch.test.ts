// Sending many files at once (client/src/features/batch; docs/protocol.md §14a, "Batches";
// docs/threat-model.md "Batch plans and resume"), in real Chromium against the real server
// program, with mail going to a real SMTP server on loopback.
//
// A month of payslips: 50 files to 50 recipients from a Dutch CSV export — client accounts,
// contacts with a standing access code (Coffer mails their link), contacts without one and
// unknown addresses (links for the office's own mail merge). The server process is killed by its
// PID in the middle of the run and started again on the same data folder: the run carries on,
// and nobody gets a file twice (active shares per recipient, link mails per address). Each
// recipient opens exactly their own file (SHA-256 equal) and sees no other. The report and its
// CSV say what happened. Then: a closed tab resumes from the batch's page after the files are
// chosen again (the answer to its first withdrawal lost on the way); a server that changes an
// item's address is caught before anything is sent; a share whose answer never came back counts
// as made, not as a failure or a reason to send again; and no file name or link secret reaches
// the database, the data folder, the logs or any mail but the link mails Coffer was meant to
// send. Last, the file-name rule: contacts found by the reference number in a file name, within
// one organisation when asked.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromBase64Url, parseGuestLinkFragment } from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import { codeFromMail } from '../helpers/sharing.js';
import { signIn, type Person } from './support/accounts.js';
import { axeViolations } from './support/axe.js';
import { activateClient, approveClient, inviteClient } from './support/clients.js';
import type { Coffer } from './support/coffer.js';
import { addContact, makeStandingCode } from './support/contacts.js';
import { download, expectSameFile, randomFile, TRANSFER_TIMEOUT, type FileToSend } from './support/sending.js';
import { everything, FlowTest, type Session, type Sessions } from './support/sessions.js';
import { loseFirstAnswer } from './support/lost-answer.js';
import { horizontalOverflow, pageSettled } from './support/showcase.js';
import { findNeedles, forms, type Haystack } from './support/traces.js';

const OFFICE = 'Salarisbureau Bakker';
const ADMIN: Person = { name: 'Els Bakker', email: 'els@salaris-bakker.nl', password: 'kaasboer-fietspomp-regenjas' };
const ADVISOR: Person = {
  name: 'Anna de Vries',
  email: 'anna@salaris-bakker.nl',
  password: 'vrolijke-olifant-tekent-7',
};
const CLIENTS: Person[] = [
  { name: 'Jan Jansen', email: 'jan@bakkerij-jansen.example', password: 'zonnige-tulpen-bloeien-9' },
  { name: 'Piet Smit', email: 'piet@smit-bouw.example', password: 'natte-fietsen-drogen-4' },
];
const WITH_CODE = ['kees@visser.example', 'mia@visser.example', 'ruud@visser.example'];
const CONTACTS_WITHOUT_CODE = ['lotte@visser.example', 'bram@visser.example'];
const COUNT = 50;
// As in sending.test.ts: Chromium reports some completed worker downloads as aborted; and while
// the server is down the page's requests fail, which the run retries.
const ALLOWED = [
  /^request failed: GET \/api\/v1\/(links|received)\/[A-Za-z0-9_-]{22}\/files\/[A-Za-z0-9_-]{22} \(net::ERR_ABORTED\)$/,
  /net::ERR_CONNECTION_(REFUSED|RESET)/,
  /net::ERR_EMPTY_RESPONSE/,
  /Failed to load resource: the server responded with a status of 409/,
];

let coffer: Coffer;
let db: Db;
let sessions: Sessions;
const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('batch-e2e-', ALLOWED, { name: OFFICE, admin: ADMIN, colleagues: [ADVISOR] });
  ({ coffer, db, sessions } = flow);
});
afterAll(() => flow.stop());

interface Row {
  readonly file: FileToSend;
  readonly email: string;
  readonly delivery: 'account' | 'mail' | 'export';
}

/** The rows of a CSV the page wrote (every cell quoted, `,` in English), header first. */
function csvRows(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) =>
      line
        .slice(1, -1)
        .split('","')
        .map((cell) => cell.replaceAll('""', '"')),
    );
}

/**
 * On the send page: "Send many files", the files (in memory, or paths of files on the disk, picked
 * as an office picks them), the list; waits for the preview.
 */
async function composeBatch(page: Page, files: readonly FileToSend[] | readonly string[], list: string): Promise<void> {
  await page.getByTestId('nav-send').click();
  await page.getByTestId('send-many-link').click();
  await page.locator('[data-testid="batch-page"][data-state="compose"]').waitFor();
  const onDisk = (picked: typeof files): picked is readonly string[] => picked.every((f) => typeof f === 'string');
  await page.getByTestId('batch-files').setInputFiles(onDisk(files) ? [...files] : files.map((file) => ({ ...file })));
  await page.getByTestId('batch-list').setInputFiles({
    name: 'loonstroken-maart.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(list, 'utf8'),
  });
  await page.getByTestId('batch-preview').waitFor();
}

/** Sends, and returns the batch's id once its page runs. */
async function sendBatch(page: Page): Promise<string> {
  await page.getByTestId('batch-send').click();
  await page.locator('[data-testid="batch-view"][data-run="active"]').waitFor({ timeout: TRANSFER_TIMEOUT });
  return (await page.getByTestId('batch-view').getAttribute('data-batch-id')) ?? '';
}

/** Waits until the run ended: its links for the office's own mail merge are offered (every batch here has some), never an error. */
async function runEnds(page: Page): Promise<void> {
  // A run that stopped on an error offers no links: its message is the failure, at once.
  await page
    .locator('[data-testid="batch-export"], [data-testid="batch-error"]')
    .first()
    .waitFor({ timeout: TRANSFER_TIMEOUT * 3 });
  expect(await page.getByTestId('batch-error').allTextContents()).toEqual([]);
  await page.locator('[data-testid="batch-view"][data-run="idle"]').waitFor();
}

/** Saves the export of links and returns its rows (e-mail, name, file, link), header left out. */
async function saveExport(page: Page): Promise<string[][]> {
  const [saved] = await Promise.all([
    page.waitForEvent('download', { timeout: TRANSFER_TIMEOUT }),
    page.getByTestId('batch-export-save').click(),
  ]);
  const rows = csvRows(await readFile(await saved.path(), 'utf8'));
  await page.getByTestId('batch-export').waitFor({ state: 'detached' });
  return rows.slice(1);
}

/** A guest opens their link (and types a standing access code, if any) and sees their files. */
async function guestOpens(page: Page, email: string, link: string, accessCode?: string): Promise<void> {
  await page.goto(link);
  await page.locator('[data-testid="guest-page"][data-step="start"]').waitFor();
  const before = coffer.mail.to(email).length;
  await page.getByTestId('guest-request-code').click();
  await page.locator('[data-testid="guest-page"][data-step="code"]').waitFor();
  await page.getByTestId('guest-remember').uncheck();
  const code = await codeFromMail(coffer.mail, email, before + 1);
  if (accessCode !== undefined) await page.getByTestId('guest-access-code').fill(accessCode);
  await page.getByTestId('guest-code').fill(code);
  await page.locator('[data-testid="guest-page"][data-step="files"]').waitFor({ timeout: TRANSFER_TIMEOUT });
}

/** Shares of batches per recipient address that are still active (not revoked). */
function activeBatchShares(): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT r.email AS email, count(*) AS n FROM share_recipients r JOIN shares s ON s.id = r.share_id
       WHERE s.batch_id IS NOT NULL AND s.revoked_at IS NULL GROUP BY r.email`,
    )
    .all() as { email: string; n: number }[];
  return new Map(rows.map((r) => [r.email, r.n]));
}

/** The links Coffer mailed to `email`, one per mail. */
function mailedLinks(email: string): string[] {
  return coffer.mail
    .to(email)
    .flatMap((m) => /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(m.text ?? '')?.[0] ?? []);
}

it(
  'sends 50 payslips from a CSV through a server crash; everyone opens exactly their own; the report says so; nothing leaks',
  { timeout: 1_800_000 },
  async () => {
    const advisor = await sessions.signedIn(ADVISOR);
    // ---- the office's people, through the real pages: two client accounts, contacts with and without a standing code
    const clientPages = new Map<string, Session>();
    for (const client of CLIENTS) {
      const session = await sessions.open(client.name);
      const link = await inviteClient(advisor.page, coffer.mail, client);
      const fingerprint = await activateClient(session.page, link, client);
      await approveClient(advisor.page, session.page, client.email, fingerprint);
      clientPages.set(client.email, session);
    }
    const codes = new Map<string, string>();
    for (const [i, email] of WITH_CODE.entries()) {
      await addContact(advisor.page, { email, name: `Medewerker Visser ${i}`, lang: 'nl', organisation: 'Visser' });
      codes.set(email, await makeStandingCode(advisor.page, email));
    }
    for (const [i, email] of CONTACTS_WITHOUT_CODE.entries())
      await addContact(advisor.page, { email, name: `Zonder Code ${i}`, lang: 'en' });

    // ---- the month's payslips and the CSV a Dutch payroll system exports
    const addresses = [
      ...CLIENTS.map((c) => c.email),
      ...WITH_CODE,
      ...CONTACTS_WITHOUT_CODE,
      ...Array.from(
        { length: COUNT - CLIENTS.length - WITH_CODE.length - CONTACTS_WITHOUT_CODE.length },
        (_, i) => `werknemer${i}@example.org`,
      ),
    ];
    const rows: Row[] = addresses.map((email, i) => ({
      file: randomFile(`loonstrook-2026-03-${String(10_000 + i)}.pdf`, 40_000 + i),
      email,
      delivery: CLIENTS.some((c) => c.email === email) ? 'account' : WITH_CODE.includes(email) ? 'mail' : 'export',
    }));
    const list = [
      '\uFEFFBestand;E-mailadres;Naam;Bericht',
      ...rows.map((row, i) => `${row.file.name};${row.email};"Werknemer ${i}";"Uw loonstrook van maart"`),
    ].join('\r\n');

    // ---- preview: one row per file, how each recipient gets it, nothing blocking
    await composeBatch(
      advisor.page,
      rows.map((r) => r.file),
      list,
    );
    const previewRows = advisor.page.getByTestId('batch-preview-row');
    expect(await previewRows.count()).toBe(COUNT);
    expect(await advisor.page.getByTestId('batch-preview').getAttribute('data-blocked')).toBe('false');
    for (const row of rows) {
      const shown = advisor.page.locator(`[data-testid="batch-preview-row"][data-email="${row.email}"]`);
      expect(await shown.getAttribute('data-delivery'), row.email).toBe(row.delivery);
    }
    expect(
      await advisor.page
        .locator('[data-testid="batch-preview-row"][data-email="werknemer0@example.org"]')
        .getAttribute('data-flags'),
    ).toContain('unknownAddress');

    // ---- send; the server is killed in the middle of the run and started again on the same data folder
    const batchId = await sendBatch(advisor.page);
    const batchRef = Buffer.from(fromBase64Url(batchId));
    const started = () =>
      (
        db.prepare(`SELECT count(*) AS n FROM batch_items WHERE batch_id = ? AND state <> 'pending'`).get(batchRef) as {
          n: number;
        }
      ).n;
    await expect.poll(started, { timeout: TRANSFER_TIMEOUT, interval: 100 }).toBeGreaterThanOrEqual(8);
    const before = started();
    const killed = await coffer.restart();
    expect(before).toBeLessThan(COUNT);
    await runEnds(advisor.page);
    expect(await advisor.page.getByTestId('batch-error').allTextContents()).toEqual([]);

    // ---- the export for the office's own mail merge, made in the browser
    const exported = await saveExport(advisor.page);
    const exportRows = rows.filter((r) => r.delivery === 'export');
    expect(exported.map((r) => r[0]).sort()).toEqual(exportRows.map((r) => r.email).sort());
    const links = new Map(exported.map((r) => [r[0] ?? '', r[3] ?? '']));
    for (const row of exportRows) expect(exported.find((r) => r[0] === row.email)?.[2], row.email).toBe(row.file.name);

    // ---- nobody got anything twice: one active share per recipient, one link mail per 'mail' recipient, none for others
    const perRecipient = activeBatchShares();
    expect([...perRecipient.keys()].sort()).toEqual([...addresses].sort());
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    // A link mail is recorded once the mail server has it, so a crash just after the mail server
    // took it (the server was killed while a mail-link was under way) makes the retry mail the
    // same link again: at least once, at most twice, and never two different links.
    for (const row of rows) {
      const mailed = mailedLinks(row.email);
      if (row.delivery !== 'mail') expect(mailed, row.email).toEqual([]);
      else {
        expect(mailed.length, row.email).toBeGreaterThanOrEqual(1);
        expect(mailed.length, row.email).toBeLessThanOrEqual(2);
        expect(new Set(mailed).size, row.email).toBe(1);
      }
    }
    const states = db
      .prepare(`SELECT state, count(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY state`)
      .all(batchRef);
    expect(states).toEqual([{ state: 'delivered', n: COUNT }]);

    // ---- each recipient opens exactly their own file, and sees no other
    const guest = await sessions.open('guests');
    for (const row of rows) {
      let page: Page;
      if (row.delivery === 'account') {
        page = (clientPages.get(row.email) as Session).page;
        await page.getByTestId('nav-received').click();
        await expect.poll(() => page.getByTestId('received-row').count(), { timeout: 30_000 }).toBe(1);
        await page.getByTestId('received-open').click();
        await page
          .locator('[data-testid="received-share-page"][data-state="loaded"]')
          .waitFor({ timeout: TRANSFER_TIMEOUT });
      } else {
        page = guest.page;
        const link = row.delivery === 'export' ? (links.get(row.email) as string) : (mailedLinks(row.email)[0] ?? '');
        await guestOpens(page, row.email, link, codes.get(row.email));
      }
      expect(await page.getByTestId('file-row').count(), row.email).toBe(1);
      expectSameFile(await download(page, row.file.name), row.file);
    }

    // ---- the report: every item delivered, each downloaded; its CSV says the same
    await advisor.page.reload();
    await advisor.page.locator('[data-testid="batch-view"][data-state="done"]').waitFor({ timeout: 60_000 });
    const report = advisor.page.getByTestId('batch-report-row');
    expect(await report.count()).toBe(COUNT);
    expect(await advisor.page.locator('[data-testid="batch-report-row"][data-state="delivered"]').count()).toBe(COUNT);
    const [savedReport] = await Promise.all([
      advisor.page.waitForEvent('download'),
      advisor.page.getByTestId('batch-report-save').click(),
    ]);
    const reportRows = csvRows(await readFile(await savedReport.path(), 'utf8'));
    expect(reportRows[0]).toEqual([
      'No.',
      'file',
      'e-mail',
      'name',
      'delivery',
      'state',
      'delivered at',
      'code requested at',
      'first downloaded at',
      'number of downloads',
    ]);
    expect(reportRows.slice(1).map((r) => [r[1], r[2], r[5], r[9]])).toEqual(
      rows.map((row) => [row.file.name, row.email, 'Delivered', '1']),
    );
    expect(reportRows.slice(1).every((r) => (r[8] ?? '') !== '')).toBe(true);
    // Guests asked for a code; accounts never do.
    for (const [i, row] of rows.entries())
      expect((reportRows[i + 1]?.[7] ?? '') !== '', row.email).toBe(row.delivery !== 'account');

    // ---- the Sent list shows the batch as one row
    await advisor.page.getByTestId('nav-sent').click();
    const batchRow = advisor.page.locator(`[data-testid="sent-batch-row"][data-batch-id="${batchId}"]`);
    await batchRow.waitFor();
    // The counts arrive with the user's batch list, a moment after the shares.
    await expect
      .poll(() => batchRow.getByTestId('sent-batch-label').textContent())
      .toBe(`Batch · ${COUNT} files · ${COUNT} delivered`);
    expect(await advisor.page.getByTestId('sent-row').count()).toBe(0);

    // ---- no file name anywhere the server reaches; a link secret only in the link mail Coffer sent for it
    await sessions.finish(guest, advisor, ...clientPages.values());
    const all: Haystack[] = [
      ...(await everything(sessions, coffer)),
      { where: 'killed server stdout', bytes: Buffer.from(killed.stdout) },
      { where: 'killed server stderr', bytes: Buffer.from(killed.stderr) },
    ];
    expect(
      findNeedles(
        all,
        rows.flatMap((row) => forms(`file name ${row.file.name}`, row.file.name)),
      ),
    ).toEqual([]);
    // The control: the search finds what is there (an address, in the database).
    expect(findNeedles(all, forms('an address', addresses[0] as string)).some((hit) => hit.includes('coffer.db'))).toBe(
      true,
    );
    for (const [email, link] of links) {
      const { linkSecret } = parseGuestLinkFragment(new URL(link).hash);
      expect(findNeedles(all, forms(`S of ${email}`, linkSecret)), email).toEqual([]);
    }
    for (const email of WITH_CODE) {
      // The link mails to this recipient: one, or two of the same link after the crash (above).
      const linkMails = coffer.mail.to(email).filter((m) => /\/s\/[A-Za-z0-9_-]{22}#/.test(m.text ?? ''));
      const link = /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(linkMails[0]?.text ?? '')?.[0] ?? '';
      const { linkSecret } = parseGuestLinkFragment(new URL(link).hash);
      const hits = findNeedles(all, forms(`S of ${email}`, linkSecret));
      const mailsAt = linkMails.map((mail) => ` in mail ${coffer.mail.messages.indexOf(mail)} to ${email}`);
      expect(hits.length).toBeGreaterThan(0);
      expect(
        hits.filter((hit) => !mailsAt.some((at) => hit.endsWith(at)) && !hit.includes('/mail-link)')),
        email,
      ).toEqual([]);
    }
  },
);

it(
  'a closed tab resumes from the batch page once the files are chosen again; a server that changes an address is caught first',
  { timeout: 900_000 },
  async () => {
    const first = await sessions.signedIn(ADVISOR);
    const rows = Array.from({ length: 6 }, (_, i) => ({
      file: randomFile(`jaaropgave-2025-${i}.pdf`, 1_500_000 + i),
      email: `gezin${i}@example.net`,
    }));
    const list = ['file,email', ...rows.map((r) => `${r.file.name},${r.email}`)].join('\n');
    await composeBatch(
      first.page,
      rows.map((r) => r.file),
      list,
    );
    const batchId = await sendBatch(first.page);
    const batchRef = Buffer.from(fromBase64Url(batchId));
    const made = () =>
      (
        db.prepare(`SELECT count(*) AS n FROM batch_items WHERE batch_id = ? AND state = 'created'`).get(batchRef) as {
          n: number;
        }
      ).n;
    await expect.poll(made, { timeout: TRANSFER_TIMEOUT, interval: 100 }).toBeGreaterThanOrEqual(1);
    // The tab is closed in the middle: its links (only ever in that tab) are gone.
    await first.context.close();
    expect(made()).toBeLessThan(rows.length);

    // ---- a server that answers with another address for an item: the page stops before anything is sent
    const second = await sessions.signedIn(ADVISOR);
    const { page } = second;
    await page.route(`**/api/v1/batches/${batchId}`, async (route) => {
      const answer = await route.fetch();
      const body = (await answer.json()) as { items: { email: string }[] };
      const item = body.items[0];
      if (item) item.email = 'mallory@example.org';
      await route.fulfill({ response: answer, json: body });
    });
    const sentBefore = second.requests.length;
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new Event('coffer:navigate'));
    }, `/app/batches/${batchId}`);
    await page.locator('[data-testid="batch-view"][data-state="refused"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('batch-refused').textContent()).toContain('does not match the list you sealed');
    expect(
      second.requests
        .slice(sentBefore)
        .filter((r) => r.method !== 'GET')
        .map((r) => `${r.method} ${new URL(r.url).pathname}`),
    ).toEqual([]);
    await page.unroute(`**/api/v1/batches/${batchId}`);

    // ---- the honest answer: choose the same files again, and the batch carries on
    await page.getByTestId('nav-dashboard').click();
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new Event('coffer:navigate'));
    }, `/app/batches/${batchId}`);
    await page.getByTestId('batch-resume').waitFor({ timeout: 60_000 });
    // Counted now, not when the tab closed: a share it had asked for just before may have been
    // made after it closed.
    const createdBefore = made();
    // The first withdrawal reaches the server and its answer is lost: it is not sent again.
    const redos = await loseFirstAnswer(page, '**/api/v1/batches/*/items/*/redo');
    await page.getByTestId('batch-resume-files').setInputFiles(rows.map((r) => ({ ...r.file })));
    await runEnds(page);
    const exported = await saveExport(page);
    expect(exported.map((r) => r[0]).sort()).toEqual(rows.map((r) => r.email).sort());
    const states = db
      .prepare(`SELECT state, count(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY state`)
      .all(batchRef);
    expect(states).toEqual([{ state: 'delivered', n: rows.length }]);
    // The closed tab's undelivered shares were withdrawn: one active share per recipient, never two live links.
    const revoked = (
      db.prepare(`SELECT count(*) AS n FROM shares WHERE batch_id = ? AND revoked_at IS NOT NULL`).get(batchRef) as {
        n: number;
      }
    ).n;
    expect(revoked).toBe(createdBefore);
    expect(redos.seen).toEqual(['dropped 204', ...Array<string>(revoked - 1).fill('passed')]);
    const perRecipient = activeBatchShares();
    for (const row of rows) expect(perRecipient.get(row.email), row.email).toBe(1);

    // ---- each recipient opens their own file with the exported link
    const guest = await sessions.open('families');
    for (const row of rows) {
      const link = exported.find((r) => r[0] === row.email)?.[3] ?? '';
      await guestOpens(guest.page, row.email, link);
      expect(await guest.page.getByTestId('file-row').count()).toBe(1);
      expectSameFile(await download(guest.page, row.file.name), row.file);
    }
    await sessions.finish(guest, second);
  },
);

it('counts a share whose answer was lost as made: the run ends without an error, nobody gets a second share, and the link works', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { page } = advisor;
  const rows = Array.from({ length: 3 }, (_, i) => ({
    file: randomFile(`loonstrook-mei-${String(2000 + i)}.pdf`, 60_000 + i),
    email: `verloren${i}@example.org`,
  }));
  // Between the page and the server: the batch's first share reaches the server, which makes it,
  // and the connection drops before the answer gets back (a proxy restarting, a server killed
  // just after it committed).
  const lost = await loseFirstAnswer(
    page,
    '**/api/v1/shares',
    (request) => request.method() === 'POST' && (request.postDataJSON() as { batch?: unknown }).batch !== undefined,
  );
  await composeBatch(
    page,
    rows.map((r) => r.file),
    ['Bestand;E-mailadres', ...rows.map((r) => `${r.file.name};${r.email}`)].join('\r\n'),
  );
  const batchId = await sendBatch(page);
  await runEnds(page);
  expect(lost.seen).toEqual(['dropped 201', 'passed', 'passed']);
  const exported = await saveExport(page);
  expect(exported.map((r) => r[0]).sort()).toEqual(rows.map((r) => r.email).sort());
  const batchRef = Buffer.from(fromBase64Url(batchId));
  expect(
    db.prepare(`SELECT state, count(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY state`).all(batchRef),
  ).toEqual([{ state: 'delivered', n: rows.length }]);
  const perRecipient = activeBatchShares();
  for (const row of rows) expect(perRecipient.get(row.email), row.email).toBe(1);
  expect(
    (db.prepare(`SELECT count(*) AS n FROM shares WHERE batch_id = ?`).get(batchRef) as { n: number }).n,
    'shares made, withdrawn ones too',
  ).toBe(rows.length);

  // The recipient whose share's answer was lost opens it with the exported link.
  const { batch } = lost.dropped()?.postDataJSON() as { batch: { itemNo: number } };
  const row = rows[batch.itemNo] as (typeof rows)[number];
  const guest = await sessions.open('lost answer');
  await guestOpens(guest.page, row.email, exported.find((r) => r[0] === row.email)?.[3] ?? '');
  expect(await guest.page.getByTestId('file-row').count()).toBe(1);
  expectSameFile(await download(guest.page, row.file.name), row.file);
  await sessions.finish(guest, advisor);
});

it('the file-name rule finds contacts by the reference number in a file name, optionally within one organisation', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { page } = advisor;
  const people = [
    { email: 'noor@noord.example', name: 'Noor de Wit', organisation: 'Bakkerij Noord', reference: 'NRD-7' },
    { email: 'ali@noord.example', name: 'Ali Bakker', organisation: 'Bakkerij Noord', reference: 'NRD-8' },
    { email: 'sem@zuid.example', name: 'Sem Zuid', organisation: 'Bakkerij Zuid', reference: '77' },
  ];
  for (const person of people) {
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-email').fill(person.email);
    await page.getByTestId('contact-name').fill(person.name);
    await page.getByTestId('contact-organisation').fill(person.organisation);
    await page.getByTestId('contact-reference').fill(person.reference);
    await page.getByTestId('contact-add').click();
    await page.locator(`[data-testid="contact-row"][data-email="${person.email}"]`).waitFor();
  }
  const files = ['loonstrook NRD-7 maart.pdf', 'loonstrook_NRD-8.pdf', 'loonstrook-77.pdf', 'loonstrook-NRD-9.pdf'].map(
    (name) => randomFile(name, 1000),
  );
  await page.getByTestId('nav-send').click();
  await page.getByTestId('send-many-link').click();
  await page.locator('[data-testid="batch-page"][data-state="compose"]').waitFor();
  await page.getByTestId('batch-files').setInputFiles(files.map((file) => ({ ...file })));
  await page.getByTestId('batch-mode-names').check();
  const previewed = async () =>
    page
      .getByTestId('batch-preview-row')
      .evaluateAll((rows) =>
        rows.map((row) => `${row.getAttribute('data-email')} ${row.getAttribute('data-delivery')}`),
      );
  await expect
    .poll(previewed)
    .toEqual(['noor@noord.example export', 'ali@noord.example export', 'sem@zuid.example export']);
  expect(await page.getByTestId('batch-preview-unmatched').textContent()).toContain('loonstrook-NRD-9.pdf');
  await page.getByTestId('batch-organisation').selectOption('Bakkerij Noord');
  await expect.poll(previewed).toEqual(['noor@noord.example export', 'ali@noord.example export']);
  expect(await page.getByTestId('batch-preview-unmatched').textContent()).toContain('loonstrook-77.pdf');
  await sessions.finish(advisor);
});

it('sends nothing while it cannot tell which addresses are colleagues: a failed check says so, and checking again finds the account', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { page } = advisor;
  const files = [randomFile('notitie-els.pdf', 1000), randomFile('notitie-onbekend.pdf', 1000)];
  const list = [
    'Bestand;E-mailadres',
    `notitie-els.pdf;${ADMIN.email}`,
    'notitie-onbekend.pdf;iemand@example.org',
  ].join('\r\n');
  // Whether Send was enabled at any moment, even for one frame (a click then would send
  // before the check): watched in the page from before the list is read.
  await page.evaluate(() => {
    const seen = window as unknown as { sendWasEnabled: boolean };
    seen.sendWasEnabled = false;
    const look = (): void => {
      const send = document.querySelector<HTMLButtonElement>('[data-testid="batch-send"]');
      if (send && !send.disabled) seen.sendWasEnabled = true;
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true });
  });
  // The address check fails (the server is away for a moment).
  await page.route('**/api/v1/recipients/lookup', (route) => route.abort('connectionreset'));
  await composeBatch(page, files, list);
  await page.getByTestId('batch-lookup-failed').waitFor();
  expect(await page.getByTestId('batch-send').isDisabled()).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { sendWasEnabled: boolean }).sendWasEnabled)).toBe(false);
  await page.unroute('**/api/v1/recipients/lookup');
  await page.getByTestId('batch-lookup-retry').click();
  const colleague = page.locator(`[data-testid="batch-preview-row"][data-email="${ADMIN.email}"]`);
  await expect.poll(() => colleague.getAttribute('data-delivery')).toBe('account');
  expect(await page.getByTestId('batch-lookup-failed').count()).toBe(0);
  expect(await page.getByTestId('batch-send').isEnabled()).toBe(true);
  // The checks this test cut off may be noted as failed requests; there must be nothing else.
  const problems = advisor.problems.messages.splice(0);
  expect(problems.filter((line) => !line.includes('/api/v1/recipients/lookup'))).toEqual([]);
  await sessions.finish(advisor);
});

it('tells two files of one name apart by the folders the list names, from a chosen folder', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { page } = advisor;
  const root = await mkdtemp(join(tmpdir(), 'coffer-batch-folder-'));
  for (const month of ['januari', 'februari']) {
    await mkdir(join(root, 'Salaris', month), { recursive: true });
    await writeFile(join(root, 'Salaris', month, 'loonstrook.pdf'), randomFile(`${month}.pdf`, 3000).buffer);
  }
  await page.getByTestId('nav-send').click();
  await page.getByTestId('send-many-link').click();
  await page.locator('[data-testid="batch-page"][data-state="compose"]').waitFor();
  await page.getByTestId('batch-folder').setInputFiles(join(root, 'Salaris'));
  const chooseList = (lines: string[]) =>
    page.getByTestId('batch-list').setInputFiles({
      name: 'lijst.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['Bestand;E-mailadres', ...lines].join('\r\n'), 'utf8'),
    });
  const flags = () =>
    page.getByTestId('batch-preview-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-flags')));

  // A bare name fits both files: the row blocks, and says to add the folder.
  await chooseList(['loonstrook.pdf;jan@example.org']);
  await expect.poll(flags).toEqual([expect.stringContaining('sameName')]);
  expect(await page.getByTestId('batch-send').isDisabled()).toBe(true);
  // With their folders (a Windows list writes them with \\) each row finds its own file.
  await chooseList(['januari/loonstrook.pdf;jan@example.org', 'februari\\loonstrook.pdf;piet@example.org']);
  await expect.poll(flags).toEqual(['copiedLink unknownAddress', 'copiedLink unknownAddress']);
  expect(await page.getByTestId('batch-preview').getAttribute('data-blocked')).toBe('false');
  await sessions.finish(advisor);
  await rm(root, { recursive: true, force: true });
});

it('on a phone, in Dutch and English, the preview with its flags and the batch page after the run are axe clean and do not scroll sideways', async () => {
  // axe is injected as a script: this context alone bypasses the CSP (as test/e2e/layout.test.ts does).
  const context = await flow.browser.newContext({
    locale: 'nl-NL',
    viewport: { width: 390, height: 844 },
    bypassCSP: true,
  });
  const page = await context.newPage();
  await signIn(page, coffer.origin, ADVISOR);
  await page.getByTestId('lang-nl').click();
  // NRD-7 is Noor de Wit, the contact the test before made; NRD-99 is nobody's number.
  const files = ['loonstrook NRD-7 april.pdf', 'loonstrook-NRD-99.pdf'].map((name) => randomFile(name, 2000));
  await page.goto(`${coffer.origin}/app/send/batch`);
  await page.locator('[data-testid="batch-page"][data-state="compose"]').waitFor();
  await page.getByTestId('batch-files').setInputFiles(files.map((file) => ({ ...file })));
  await page.getByTestId('batch-mode-names').check();
  await page.getByTestId('batch-preview-unmatched').waitFor();
  const accessible = async (where: string): Promise<void> => {
    for (const lang of ['nl', 'en'] as const) {
      await page.getByTestId(`lang-${lang}`).click();
      await pageSettled(page);
      expect(await horizontalOverflow(page), `${where} ${lang}`).toEqual([]);
      expect(await axeViolations(page), `${where} ${lang}`).toEqual([]);
    }
  };
  await accessible('preview');
  await page.getByTestId('batch-send').click();
  await runEnds(page);
  await accessible('batch page');
  await context.close();
});

it('a month of payslips picked from the disk, 200 of 150 KiB: every one is read, sent and in the export (none waits forever on its file)', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { page } = advisor;
  // Files on the disk, as an office picks them (a picked file is read by the browser from the
  // disk, not from memory): Chromium's bring-your-own-buffer reads of such files sometimes never
  // ended, and the run then waited on that item forever.
  const dir = await mkdtemp(join(tmpdir(), 'coffer-batch-disk-'));
  const names = Array.from({ length: 200 }, (_, i) => `loonstrook-juni-${String(5000 + i)}.pdf`);
  const paths: string[] = [];
  for (const [i, name] of names.entries()) {
    const path = join(dir, name);
    await writeFile(path, randomFile(name, 150 * 1024 + i).buffer);
    paths.push(path);
  }
  await composeBatch(
    page,
    paths,
    ['Bestand;E-mailadres', ...names.map((name, i) => `${name};juni${i}@example.org`)].join('\r\n'),
  );
  const batchId = await sendBatch(page);
  await runEnds(page);
  const items = db
    .prepare(`SELECT state, count(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY state`)
    .all(Buffer.from(fromBase64Url(batchId))) as { state: string; n: number }[];
  expect(items).toEqual([{ state: 'created', n: 200 }]);
  expect((await saveExport(page)).map((row) => row[2])).toEqual(names);
  await rm(dir, { recursive: true, force: true });
  await sessions.finish(advisor);
});

it('a run stopped halfway and then cancelled, the answer to the cancel lost: every share it made is withdrawn, the rest is never made, and the page says so', async () => {
  const advisor = await sessions.signedIn(ADVISOR);
  const { page } = advisor;
  const rows = Array.from({ length: 24 }, (_, i) => ({
    file: randomFile(`loonstrook-april-${String(1000 + i)}.pdf`, 400_000 + i),
    email: `gestopt${i}@example.org`,
  }));
  await composeBatch(
    page,
    rows.map((r) => r.file),
    ['Bestand;E-mailadres', ...rows.map((r) => `${r.file.name};${r.email}`)].join('\r\n'),
  );
  const batchId = await sendBatch(page);
  const batchRef = Buffer.from(fromBase64Url(batchId));
  const made = () =>
    (
      db.prepare(`SELECT count(*) AS n FROM batch_items WHERE batch_id = ? AND state <> 'pending'`).get(batchRef) as {
        n: number;
      }
    ).n;
  await expect.poll(made, { timeout: TRANSFER_TIMEOUT, interval: 50 }).toBeGreaterThanOrEqual(1);

  // Stop the run, then cancel the batch. The server cancels it, and the connection is reset
  // before its answer reaches the page: the page finds the batch cancelled and says so.
  const lostCancel = await loseFirstAnswer(page, '**/api/v1/batches/*/cancel');
  await page.getByTestId('batch-overall-cancel').click();
  await page.getByTestId('batch-cancel').click();
  await page.locator('[data-testid="batch-view"][data-state="cancelled"]').waitFor();
  expect(lostCancel.seen).toEqual(['dropped 204']);
  expect(await page.getByTestId('batch-status').textContent()).toContain('The batch was cancelled');

  const items = db.prepare(`SELECT state FROM batch_items WHERE batch_id = ?`).all(batchRef) as { state: string }[];
  expect(items.map((i) => i.state)).toEqual(rows.map(() => 'cancelled'));
  const shares = db
    .prepare(`SELECT count(*) AS made, count(revoked_at) AS withdrawn FROM shares WHERE batch_id = ?`)
    .get(batchRef) as { made: number; withdrawn: number };
  expect(shares.made).toBeGreaterThanOrEqual(1);
  expect(shares.made, 'shares made before the stop').toBeLessThan(rows.length);
  expect(shares.withdrawn).toBe(shares.made);
  // Nothing more goes out after the cancel: no share is made later by a request still in flight.
  await page.waitForTimeout(2000);
  expect(
    (
      db.prepare(`SELECT count(*) AS n FROM shares WHERE batch_id = ? AND revoked_at IS NULL`).get(batchRef) as {
        n: number;
      }
    ).n,
  ).toBe(0);
  for (const row of rows) expect(coffer.mail.to(row.email), row.email).toEqual([]);
  // Stopping aborts the uploads in flight: only those requests may have failed, on purpose.
  const aborted = /^request failed: (POST|PUT|DELETE) \/api\/v1\/uploads[^ ]* \(net::ERR_ABORTED\)$/;
  const problems = advisor.problems.messages;
  problems.splice(0, problems.length, ...problems.filter((line) => !aborted.test(line)));
  await sessions.finish(advisor);
});
