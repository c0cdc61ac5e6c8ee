// `coffer batch` against the real server (real SQLite file, real SMTP on loopback): a Dutch list
// of six files to two client accounts, a contact with a standing access code and two unknown
// guests makes one share per file and recipient; Coffer mails the contact's link and no other,
// the links file holds the guests' links, and each recipient opens exactly their own file(s).
// A list that names a path outside the batch folder (or a link in it that points out of it) or a
// file that is not there, a run without --yes and without a terminal, a run the person declines
// at the terminal, and a device without the `send` scope are refused with nothing made. A
// colleague's key that changed since it was pinned stops the run before the batch is made. A
// server that changes an address of a stopped batch is caught on resume before anything is
// written; the honest resume then finishes the batch. An answer lost on the way (a link mail, a
// share, a withdrawal on resume) never fails the run or makes anything twice.
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchDetail } from '../../shared/wire/batches.js';
import { GrantResponse, ReceivedList, ShareForRecipient } from '../../shared/wire/shares.js';
import type { BatchOutcome } from '../../cli/batch.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { decryptDownload, openAsAccount, randomPlaintext } from '../helpers/browser-shares.js';
import { makeClient, type ClientAccount } from '../helpers/clients.js';
import { waitForMail } from '../helpers/mail-server.js';
import { setUpOffice } from '../helpers/office.js';
import { fetchFile, withStaff, type SendingOffice } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';
import {
  adminGetsNewKeys,
  close,
  coffer,
  connectDevice,
  contactWithStandingCode,
  dropFirstAnswer,
  guestOpens,
  listen,
  sha256,
} from './support.js';

const suite = httpSuite();
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await close(server);
});

const ANNA = 'anna@bakkerij-jansen.example';
const KEES = 'kees@garage-kees.example';
const LISA = 'lisa@devries-advies.example';
const PIET = 'piet@example.nl';
const MARIE = 'marie@example.nl';

/** The six files of the list, by the path the list names them with. */
const FILES: readonly {
  readonly path: string;
  readonly email: string;
  readonly name: string;
  readonly size: number;
}[] = [
  { path: 'januari/loonstrook-anna-2026-01.pdf', email: ANNA, name: 'Anna Jansen', size: 41_000 },
  { path: 'januari/jaaropgave-anna-2025.pdf', email: ANNA, name: '', size: 70_000 },
  { path: 'loonstrook-kees-2026-01.pdf', email: KEES, name: 'Kees Bos', size: 30_000 },
  { path: 'offerte-lisa.pdf', email: LISA, name: 'Lisa de Vries', size: 25_000 },
  { path: 'loonstrook-piet-2026-01.pdf', email: PIET, name: 'Piet Bakker', size: 20_000 },
  { path: 'loonstrook-marie-2026-01.pdf', email: MARIE, name: 'Marie Smit', size: 90_000 },
];

/** A Dutch Excel export: byte-order mark, semicolons, Dutch headers, a quoted message with a separator. */
function dutchList(rows: readonly { readonly path: string; readonly email: string; readonly name: string }[]): string {
  const lines = rows.map((r) => `${r.path};${r.email};${r.name};"Uw stukken; zie bijlage"`);
  return `\uFEFFBestand;E-mailadres;Naam;Bericht\r\n${lines.join('\r\n')}\r\n`;
}

async function officeWithPeople() {
  // The expiry `coffer` asks for is counted from this computer's clock: the server's must agree.
  const t = await suite.app();
  t.clock.set(Date.now());
  const o = await withStaff(await setUpOffice(t, suite.mail));
  const clients = new Map<string, ClientAccount>([
    [ANNA, await makeClient(o, o.staff, ANNA, 'Bakkerij Jansen')],
    [KEES, await makeClient(o, o.staff, KEES, 'Garage Kees')],
  ]);
  const standing = await contactWithStandingCode(o, LISA, 'Lisa de Vries', 'nl');
  return { o, clients, standing };
}

/** The batch folder with the files and the list in it; `plaintexts` by the list's path. */
async function batchFolder(
  rows: readonly { readonly path: string; readonly email: string; readonly name: string; readonly size: number }[],
) {
  const dir = await tempDir('coffer-cli-batch-');
  const plaintexts = new Map<string, Uint8Array>();
  for (const row of rows) {
    const bytes = randomPlaintext(row.size);
    await mkdir(dirname(join(dir, row.path)), { recursive: true });
    await writeFile(join(dir, row.path), bytes);
    plaintexts.set(row.path, bytes);
  }
  const csv = join(dir, 'loonstroken.csv');
  await writeFile(csv, dutchList(rows));
  return { dir, csv, plaintexts };
}

function count(o: SendingOffice, table: 'batches' | 'uploads' | 'shares'): number {
  return (o.t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Active shares per recipient address. */
function activeShares(o: SendingOffice): Record<string, number> {
  const rows = o.t.db
    .prepare(
      `SELECT r.email AS email, count(*) AS n FROM share_recipients r JOIN shares s ON s.id = r.share_id
       WHERE s.revoked_at IS NULL GROUP BY r.email`,
    )
    .all() as { email: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.email, r.n]));
}

/** A client account opens what it received, as its browser does: the files' SHA-256, by share. */
async function accountOpens(o: SendingOffice, client: ClientAccount): Promise<Map<string, string>> {
  const list = ReceivedList.parse((await client.tab.get('/api/v1/received')).body);
  const opened = new Map<string, string>();
  for (const { shareId } of list.shares) {
    const share = ShareForRecipient.parse((await client.tab.get(`/api/v1/received/${shareId}`)).body);
    const { keys, manifest } = openAsAccount(client.account, share, o.office.keys.signing.publicKey);
    const fileId = share.files[0]?.fileId ?? '';
    const { grant } = GrantResponse.parse((await client.tab.post(`/api/v1/received/${shareId}/grant`, {})).body);
    const res = await fetchFile(o.t.app, `/api/v1/received/${shareId}/files/${fileId}`, grant, { who: client.tab });
    expect(res.status).toBe(200);
    const key = keys.get(fileId);
    if (key === undefined) throw new Error('no key');
    opened.set(shareId, sha256(decryptDownload(key, fileId, new Uint8Array(res.body as Buffer), manifest)));
  }
  return opened;
}

/** A terminal where the person types `text`. */
function typed(text: string): PassThrough & { isTTY: boolean } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end(text);
  return stdin;
}

describe('coffer batch', () => {
  it('sends a Dutch list: one share per file and recipient, the contact’s link mailed, the guests’ links in the links file, each recipient opens their own file', async () => {
    const { o, clients, standing } = await officeWithPeople();
    const { server, base } = await listen(o);
    servers.push(server);
    const { home } = await connectDevice(o, o.staff, base);
    const { csv, plaintexts } = await batchFolder(FILES);
    const links = join(await tempDir('coffer-cli-links-'), 'links.csv');

    const ran = await coffer(home, ['batch', '--csv', csv, '--links', links, '--yes', '--json', '--lang', 'nl']);
    expect(ran.code, ran.stderr).toBe(0);
    const outcome = ran.json<BatchOutcome>();
    expect(outcome.preview?.map((p) => [p.line, p.email, p.delivery, [...p.flags].sort()])).toEqual([
      [2, ANNA, 'account', ['duplicateAddress']],
      [3, ANNA, 'account', ['duplicateAddress']],
      [4, KEES, 'account', []],
      [5, LISA, 'mail', []],
      [6, PIET, 'export', ['copiedLink', 'unknownAddress']],
      [7, MARIE, 'export', ['copiedLink', 'unknownAddress']],
    ]);
    expect(outcome.items.map((i) => [i.email, i.delivery, i.state])).toEqual(
      FILES.map((f, index) => [
        f.email,
        ['account', 'account', 'account', 'mail', 'export', 'export'][index],
        'delivered',
      ]),
    );
    // Links in the file only, not in the answer.
    expect(outcome.items.some((i) => i.link !== undefined)).toBe(false);
    expect(outcome.linksFile).toBe(links);

    // One share per file and recipient, nothing else.
    expect(count(o, 'shares')).toBe(6);
    expect(activeShares(o)).toEqual({ [ANNA]: 2, [KEES]: 1, [LISA]: 1, [PIET]: 1, [MARIE]: 1 });
    const detail = BatchDetail.parse((await o.staff.tab.get(`/api/v1/batches/${outcome.batchId}`)).body);
    expect(detail.state).toBe('done');

    // The links file: the owner's only, in Dutch, with exactly the two guests' links.
    expect((await stat(links)).mode & 0o777).toBe(0o600);
    const linkRows = (await readFile(links, 'utf8')).split('\r\n').filter((line) => line !== '');
    expect(linkRows[0]).toBe('\uFEFF"e-mailadres";"naam";"bestand";"downloadlink"');
    const linkOf = new Map(
      linkRows.slice(1).map((line) => {
        const cells = line.split(';').map((cell) => cell.replace(/^"|"$/g, ''));
        return [cells[0], cells[3] ?? ''];
      }),
    );
    expect([...linkOf.keys()]).toEqual([PIET, MARIE]);

    // Coffer mailed the contact's link (it opens nothing without her standing code), nobody else's.
    const linkMail = await waitForMail(
      () => o.mail.to(LISA).find((mail) => (mail.text ?? '').includes('/s/')),
      5_000,
      () => 'no link mail for the contact',
    );
    await o.t.mailSettled();
    for (const other of [ANNA, KEES, PIET, MARIE])
      expect(
        o.mail.to(other).filter((mail) => (mail.text ?? '').includes('/s/')),
        other,
      ).toEqual([]);
    const mailedLink = /http:\/\/localhost:8080\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(linkMail.text ?? '')?.[0];

    // Each recipient opens exactly their own file(s), byte for byte.
    const hash = (path: string): string => sha256(plaintexts.get(path) ?? new Uint8Array());
    const annaOpened = await accountOpens(o, clients.get(ANNA) as ClientAccount);
    expect([...annaOpened.values()].sort()).toEqual([hash(FILES[0]!.path), hash(FILES[1]!.path)].sort());
    const keesOpened = await accountOpens(o, clients.get(KEES) as ClientAccount);
    expect([...keesOpened.values()]).toEqual([hash(FILES[2]!.path)]);
    const lisa = await guestOpens(o, base, LISA, mailedLink ?? '', standing);
    expect(lisa.names).toEqual(['offerte-lisa.pdf']);
    expect(sha256(lisa.bytes)).toBe(hash(FILES[3]!.path));
    const piet = await guestOpens(o, base, PIET, linkOf.get(PIET) ?? '');
    expect(piet.names).toEqual(['loonstrook-piet-2026-01.pdf']);
    expect(sha256(piet.bytes)).toBe(hash(FILES[4]!.path));
    const marie = await guestOpens(o, base, MARIE, linkOf.get(MARIE) ?? '');
    expect(sha256(marie.bytes)).toBe(hash(FILES[5]!.path));
  });

  it('refuses a path outside the batch folder, a file that is not there, a run nobody confirmed and a device without the send scope, with nothing made', async () => {
    const { o } = await officeWithPeople();
    const { server, base } = await listen(o);
    servers.push(server);
    const { home } = await connectDevice(o, o.staff, base);
    const rows = FILES.slice(2, 5);
    const { dir, csv } = await batchFolder(rows);
    const nothingMade = (): void => {
      expect([count(o, 'batches'), count(o, 'uploads'), count(o, 'shares')]).toEqual([0, 0, 0]);
    };

    // Line 3 reaches out of the folder: refused before the server is asked anything.
    const outside = join(dir, 'buiten.csv');
    await writeFile(outside, dutchList([rows[0]!, { path: '../geheim.pdf', email: PIET, name: '' }]));
    const escaped = await coffer(home, ['batch', '--csv', outside, '--yes']);
    expect(escaped.code).toBe(1);
    expect(escaped.stderr).toContain('Line 3 of the list: ../geheim.pdf is not inside the batch folder');
    nothingMade();

    // A link in the folder that points out of it is refused the same way.
    const secret = join(await tempDir('coffer-cli-outside-'), 'geheim.pdf');
    await writeFile(secret, 'niet voor de batch');
    await symlink(secret, join(dir, 'snelkoppeling.pdf'));
    const linked = join(dir, 'link.csv');
    await writeFile(linked, dutchList([{ path: 'snelkoppeling.pdf', email: PIET, name: '' }]));
    const viaLink = await coffer(home, ['batch', '--csv', linked, '--yes']);
    expect(viaLink.code).toBe(1);
    expect(viaLink.stderr).toContain('Line 2 of the list: snelkoppeling.pdf is not inside the batch folder');
    nothingMade();

    // Line 3 names a file that is not there: the preview blocks it.
    const missing = join(dir, 'ontbreekt.csv');
    await writeFile(missing, dutchList([rows[0]!, { path: 'loonstrook-onbekend.pdf', email: PIET, name: '' }]));
    const blocked = await coffer(home, ['batch', '--csv', missing, '--yes']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('line 3: loonstrook-onbekend.pdf → piet@example.nl');
    expect(blocked.stderr).toContain('BLOCKS: file not found in the batch folder');
    expect(blocked.stderr).toContain('The list cannot be sent as it is (lines 3). Nothing was sent.');
    nothingMade();
    // A script gets the same preview, flags and all, beside the error.
    const blockedJson = await coffer(home, ['batch', '--csv', missing, '--yes', '--json']);
    expect(blockedJson.code).toBe(1);
    expect(blockedJson.json()).toEqual({
      error: { code: 'batch_blocked', message: expect.stringContaining('lines 3') as unknown },
      preview: [
        expect.objectContaining({
          line: 2,
          email: rows[0]!.email,
          flags: expect.not.arrayContaining(['missingFile']) as unknown,
        }),
        {
          line: 3,
          file: 'loonstrook-onbekend.pdf',
          email: PIET,
          delivery: 'export',
          flags: ['missingFile', 'copiedLink', 'unknownAddress'],
        },
      ],
    });
    nothingMade();

    // One id in 64 begins with '-', as `coffer` prints it: taken as the batch to resume (this one
    // is not the office's), not as an option.
    const dashed = await coffer(home, ['batch', '--resume', `-${'Q'.repeat(21)}`, '--csv', csv, '--yes', '--json']);
    expect(dashed.code).toBe(4);
    expect(dashed.json()).toMatchObject({ error: { code: 'not_found' } });
    nothingMade();

    // No --yes and no terminal to ask.
    const unconfirmed = await coffer(home, ['batch', '--csv', csv]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('Not sent: confirm with --yes');
    nothingMade();

    // At a terminal it asks once; anything but y (or j) sends nothing.
    const declined = await coffer(home, ['batch', '--csv', csv], {}, undefined, typed('n\n'));
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('Send 3 files? [y/N] ');
    expect(declined.stderr).toContain('Not sent.');
    nothingMade();

    // A links file that exists is never overwritten.
    const taken = join(dir, 'links.csv');
    await writeFile(taken, 'al in gebruik');
    const overwrite = await coffer(home, ['batch', '--csv', csv, '--links', taken, '--yes']);
    expect(overwrite.code).toBe(1);
    expect(await readFile(taken, 'utf8')).toBe('al in gebruik');
    nothingMade();

    // A device approved for pulling only.
    const pullOnly = await connectDevice(o, o.staff, base, TEST_ORIGIN, ['pull']);
    const scoped = await coffer(pullOnly.home, ['batch', '--csv', csv, '--yes', '--json']);
    expect(scoped.code).toBe(2);
    expect(scoped.json()).toMatchObject({ error: { code: 'token_scope' } });
    expect(scoped.stderr).toContain('This device may not do this');
    nothingMade();

    // Confirmed at the terminal, in Dutch: sent.
    const confirmed = await coffer(home, ['batch', '--csv', csv, '--lang', 'nl'], {}, undefined, typed('j\n'));
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stderr).toContain('3 bestanden verzenden? [j/N] ');
    // Progress on the terminal: files done of total and the speed.
    expect(confirmed.stderr).toMatch(/Batch: 3 van 3 bestanden, \d+\.\d MiB\/s/);
    expect(confirmed.stdout).toContain('3 van 3 bezorgd.');
    expect(count(o, 'shares')).toBe(3);
  });

  it('stops with exit 3 before making the batch when a colleague’s key changed since it was pinned', async () => {
    const { o } = await officeWithPeople();
    const { server, base } = await listen(o);
    servers.push(server);
    const { home } = await connectDevice(o, o.staff, base);
    const admin = o.admin.account.email;
    const { csv } = await batchFolder([{ path: 'notitie.pdf', email: admin, name: '', size: 5_000 }]);
    const first = await coffer(home, ['batch', '--csv', csv, '--yes', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json<BatchOutcome>().items).toEqual([expect.objectContaining({ email: admin, state: 'delivered' })]);

    adminGetsNewKeys(o);
    const before = [count(o, 'batches'), count(o, 'uploads'), count(o, 'shares')];
    const second = await coffer(home, ['batch', '--csv', csv, '--yes', '--json']);
    expect(second.code).toBe(3);
    expect(second.json()).toMatchObject({ error: { code: 'key_changed' } });
    expect([count(o, 'batches'), count(o, 'uploads'), count(o, 'shares')]).toEqual(before);
  });

  it('counts a link mail as sent when its answer was lost and the retry hears the server mailed it already', async () => {
    const { o } = await officeWithPeople();
    const { server, base } = await listen(o);
    servers.push(server);
    // Between `coffer` and the server: the first mail-link request reaches the server, which mails
    // the link, and then the connection drops before the answer gets back (a proxy restarting).
    const { proxy, seen: mailLinks } = await dropFirstAnswer(o, base, servers, (method, url) =>
      method === 'POST' && url.endsWith('/mail-link') ? 'mail-link' : null,
    );
    const { home } = await connectDevice(o, o.staff, proxy);
    const lisaFile = FILES.find((f) => f.email === LISA) as (typeof FILES)[number];
    const { csv } = await batchFolder([lisaFile]);

    // The file's SMTP server also has the mails of the tests before this one.
    const linkMails = () => o.mail.to(LISA).filter((mail) => (mail.text ?? '').includes('/s/')).length;
    const mailedBefore = linkMails();

    const run = await coffer(home, ['batch', '--csv', csv, '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(mailLinks).toEqual(['mail-link dropped 204', 'mail-link passed']);
    const outcome = run.json<BatchOutcome>();
    expect(outcome.mailFailed).toEqual([]);
    expect(outcome.items).toEqual([expect.objectContaining({ email: LISA, delivery: 'mail', state: 'delivered' })]);
    await o.t.mailSettled();
    expect(linkMails() - mailedBefore).toBe(1);
  });

  it('counts a share whose answer was lost as made: the run finishes, the recipient has one share and opens their own file', async () => {
    const { o } = await officeWithPeople();
    const { server, base } = await listen(o);
    servers.push(server);
    const { proxy, seen } = await dropFirstAnswer(o, base, servers, (method, url) =>
      method === 'POST' && url === '/api/v1/shares' ? 'share' : null,
    );
    const { home } = await connectDevice(o, o.staff, proxy);
    const pietFile = FILES.find((f) => f.email === PIET) as (typeof FILES)[number];
    const { csv, plaintexts } = await batchFolder([pietFile]);
    const links = join(await tempDir('coffer-cli-links-'), 'links.csv');

    const run = await coffer(home, ['batch', '--csv', csv, '--links', links, '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(seen).toEqual(['share dropped 201']);
    expect(run.json<BatchOutcome>().items).toEqual([
      expect.objectContaining({ email: PIET, delivery: 'export', state: 'delivered' }),
    ]);
    expect(count(o, 'shares')).toBe(1);
    expect(activeShares(o)).toEqual({ [PIET]: 1 });
    const link = /http:\/\/\S+?\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(await readFile(links, 'utf8'))?.[0];
    const piet = await guestOpens(o, base, PIET, link ?? '');
    expect(piet.names).toEqual([pietFile.path]);
    expect(sha256(piet.bytes)).toBe(sha256(plaintexts.get(pietFile.path) ?? new Uint8Array()));
  });

  it('resumes a batch whose link mail failed: the made share is withdrawn once though that answer is lost, then made and mailed again', async () => {
    const { o, standing } = await officeWithPeople();
    const { server, base } = await listen(o);
    servers.push(server);
    let refuseMail = true;
    const { proxy, seen } = await dropFirstAnswer(
      o,
      base,
      servers,
      (method, url) => (method === 'POST' && url.endsWith('/redo') ? 'redo' : null),
      (method, url) => refuseMail && method === 'POST' && url.endsWith('/mail-link'),
    );
    const { home } = await connectDevice(o, o.staff, proxy);
    const lisaFile = FILES.find((f) => f.email === LISA) as (typeof FILES)[number];
    const { csv, plaintexts } = await batchFolder([lisaFile]);
    const linkMails = () => o.mail.to(LISA).filter((mail) => (mail.text ?? '').includes('/s/'));
    const mailedBefore = linkMails().length;

    const first = await coffer(home, ['batch', '--csv', csv, '--yes', '--json']);
    expect(first.code).toBe(4);
    const stopped = first.json<BatchOutcome>();
    expect(stopped.mailFailed).toEqual([0]);
    expect(stopped.items.map((i) => i.state)).toEqual(['created']);

    refuseMail = false;
    const resumed = await coffer(home, ['batch', '--resume', stopped.batchId, '--csv', csv, '--yes', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(seen).toEqual(['redo dropped 204']);
    expect(resumed.json<BatchOutcome>().items.map((i) => i.state)).toEqual(['delivered']);
    expect(count(o, 'shares')).toBe(2);
    expect(activeShares(o)).toEqual({ [LISA]: 1 });
    await o.t.mailSettled();
    const mailed = linkMails().slice(mailedBefore);
    expect(mailed).toHaveLength(1);
    const link = /http:\/\/\S+?\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(mailed[0]?.text ?? '')?.[0];
    const lisa = await guestOpens(o, base, LISA, link ?? '', standing);
    expect(sha256(lisa.bytes)).toBe(sha256(plaintexts.get(lisaFile.path) ?? new Uint8Array()));
  });

  it('resumes a stopped batch only when the server lists exactly the sealed plan: a changed address is refused before anything is written', async () => {
    const { o, clients } = await officeWithPeople();
    const { base } = await listen(o);
    let mode: 'failShares' | 'lie' | 'honest' = 'failShares';
    const writes: string[] = [];
    // Between `coffer` and the server: first it refuses every share (the run stops with the batch
    // made and nothing sent), then it changes one address in the batch's item list.
    const proxy = createServer((req, res) => {
      const url = req.url ?? '';
      if (req.method !== 'GET') writes.push(`${mode} ${req.method} ${url}`);
      if (mode === 'failShares' && req.method === 'POST' && url === '/api/v1/shares') {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'bad_request', message: 'refused by the test' } }));
        return;
      }
      if (mode === 'lie' && req.method === 'GET' && /^\/api\/v1\/batches\/[A-Za-z0-9_-]{22}$/.test(url)) {
        void fetch(`${base}${url}`, { headers: { Authorization: req.headers.authorization ?? '' } }).then(
          async (real) => {
            const detail = BatchDetail.parse(await real.json());
            const items = detail.items.map((item) =>
              item.itemNo === 1 ? { ...item, email: 'mallory@example.nl' } : item,
            );
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ ...detail, items }));
          },
        );
        return;
      }
      o.t.app(req, res);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    servers.push(proxy);
    const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const { home } = await connectDevice(o, o.staff, proxied);
    const { csv, plaintexts } = await batchFolder(FILES);

    const stopped = await coffer(home, ['batch', '--csv', csv, '--yes', '--json']);
    expect(stopped.code).toBe(4);
    expect(stopped.json()).toMatchObject({ error: { code: 'bad_request' } });
    const [{ id: batchId }] = o.t.db.prepare('SELECT id FROM batches').all() as { id: Uint8Array }[] as [
      { id: Uint8Array },
    ];
    const wireId = Buffer.from(batchId).toString('base64url');
    // The run says how to finish the batch, also in --json.
    expect(stopped.json<{ error: { message: string } }>().error.message).toContain(`coffer batch --resume ${wireId}`);
    const itemStates = async (): Promise<string[]> =>
      BatchDetail.parse((await o.staff.tab.get(`/api/v1/batches/${wireId}`)).body).items.map((i) => i.state);
    expect(await itemStates()).toEqual(Array(6).fill('pending'));
    expect(count(o, 'shares')).toBe(0);

    mode = 'lie';
    writes.length = 0;
    const uploadsBefore = count(o, 'uploads');
    const lied = await coffer(home, ['batch', '--resume', wireId, '--csv', csv, '--yes', '--json']);
    expect(lied.code).toBe(3);
    expect(lied.json()).toMatchObject({ error: { code: 'plan_mismatch' } });
    expect(writes).toEqual([]);
    expect(count(o, 'uploads')).toBe(uploadsBefore);
    expect(count(o, 'shares')).toBe(0);
    expect(await itemStates()).toEqual(Array(6).fill('pending'));

    mode = 'honest';
    const resumed = await coffer(home, ['batch', '--resume', wireId, '--csv', csv, '--yes', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json<BatchOutcome>().items.map((i) => i.state)).toEqual(Array(6).fill('delivered'));
    expect(activeShares(o)).toEqual({ [ANNA]: 2, [KEES]: 1, [LISA]: 1, [PIET]: 1, [MARIE]: 1 });
    const keesOpened = await accountOpens(o, clients.get(KEES) as ClientAccount);
    expect([...keesOpened.values()]).toEqual([sha256(plaintexts.get(FILES[2]!.path) ?? new Uint8Array())]);
  });
});
