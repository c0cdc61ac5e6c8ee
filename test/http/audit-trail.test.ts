// The audit trail as the admin reads it: the page's API with each filter and paging, who may
// read it, the CSV export (headers, rows, formula injection, a log longer than one page), what
// an erased person looks like, that reading changes nothing and leaks no secret, and the daily
// head mail through the real SMTP server.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { idToWire, toHex } from '../../shared/crypto/index.js';
import {
  AUDIT_CSV_COLUMNS,
  AuditTrailPage,
  type AuditTrailEntry,
  InvitationLookupResponse,
} from '../../shared/wire/index.js';
import { createAuditRepo } from '../../server/kernel/audit/repo.js';
import { createAudit, verifyChain } from '../../server/kernel/audit/service.js';
import { csvCell } from '../../server/kernel/audit/csv.js';
import { EXPORT_PAGE } from '../../server/audit/trail.js';
import { auditHeadJobOver as createAuditHeadJob } from '../../server/compose-jobs.js';
import { AUDIT_HEAD_EVERY_MS, AUDIT_HEAD_RETRY_MS } from '../../server/jobs/audit-head.js';
import { createDeliver } from '../../server/kernel/mail/deliver.js';
import { tab, type Tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken } from '../helpers/mail-server.js';
import { approve, inviteAndAccept, passwordStep, STAFF_PASSWORD, type Member, type Office } from '../helpers/office.js';
import { DAY_MS, guestVerifies, sendShare, signInAgain } from '../helpers/sharing.js';
import { guestPlan, makeAccount } from '../helpers/browser.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

const TRAIL = '/api/v1/admin/audit';
const EXPORT = '/api/v1/admin/audit/export';
const ANNA = 'anna@kantoor.example';
const BRAM = 'bram@kantoor.example';

interface Populated {
  readonly o: Office;
  readonly bram: Member;
  /** Start of the first, second and third day of activity. */
  readonly days: readonly [number, number, number];
}

/**
 * Day 1: the office is set up. Day 2: Anna signs in again; Bram is invited, accepts and is
 * approved. Day 3: Anna signs in again, Bram signs in, then mistypes his password, and someone tries an address nobody has.
 */
async function populated(): Promise<Populated> {
  const o = await suite.office();
  const day1 = o.t.clock.now();
  o.t.clock.advance(DAY_MS);
  const day2 = o.t.clock.now();
  await signInAgain(o, o.admin);
  const bram = await inviteAndAccept(o, BRAM, 'staff', STAFF_PASSWORD, 'Bram Jansen');
  await approve(o, bram);
  o.t.clock.advance(DAY_MS);
  const day3 = o.t.clock.now();
  await signInAgain(o, o.admin);
  await signInAgain(o, bram);
  expect((await passwordStep(o.t, bram.account, tab(o.t.app), 'not the right password at all')).res.status).toBe(401);
  expect(
    (await tab(o.t.app).post('/api/v1/auth/login', { email: 'nobody@kantoor.example', authKey: 'A'.repeat(43) }))
      .status,
  ).toBe(401);
  return { o, bram, days: [day1, day2, day3] };
}

async function trail(who: Tab, query: Record<string, string> = {}): Promise<AuditTrailPage> {
  const res = await who.get(`${TRAIL}?${new URLSearchParams(query).toString()}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return AuditTrailPage.parse(res.body);
}

/** Every entry matching `query`, following the pages. */
async function allEntries(who: Tab, query: Record<string, string> = {}): Promise<AuditTrailEntry[]> {
  const entries: AuditTrailEntry[] = [];
  let before: number | null = null;
  do {
    const page: AuditTrailPage = await trail(who, {
      ...query,
      limit: '200',
      ...(before === null ? {} : { before: String(before) }),
    });
    entries.push(...page.entries);
    before = page.next;
  } while (before !== null);
  return entries;
}

const actions = (entries: readonly AuditTrailEntry[]) => entries.map((entry) => entry.action);
const actorName = (entry: AuditTrailEntry) => (entry.actor.state === 'known' ? entry.actor.name : entry.actor.state);

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  expect(cell, 'the file ends with a line break').toBe('');
  expect(row).toEqual([]);
  return rows;
}

async function exportCsv(who: Tab, query: Record<string, string> = {}) {
  const res = await who
    .raw('get', `${EXPORT}?${new URLSearchParams(query).toString()}`)
    .buffer(true)
    .parse((stream, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
    });
  return { res, text: res.body as string };
}

/** The rows of an export, keyed by column, after checking the byte-order mark and the header. */
function csvRecords(text: string): Record<(typeof AUDIT_CSV_COLUMNS)[number], string>[] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
  return rows.map((cells) => {
    expect(cells).toHaveLength(AUDIT_CSV_COLUMNS.length);
    return Object.fromEntries(AUDIT_CSV_COLUMNS.map((column, i) => [column, cells[i] as string])) as Record<
      (typeof AUDIT_CSV_COLUMNS)[number],
      string
    >;
  });
}

describe('the audit trail page', () => {
  it('shows the log newest first, with the people behind the pseudonyms', async () => {
    const { o } = await populated();
    const entries = await allEntries(o.admin.tab);
    const seqs = entries.map((entry) => entry.seq);
    const check = verifyChain(o.t.db);
    expect(check.ok && check.entries).toBe(entries.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(seqs.at(-1)).toBe(1);

    expect(entries.at(-1)).toMatchObject({
      action: 'setup.completed',
      actor: { state: 'known', name: 'Anna de Boer', email: ANNA, kind: 'user' },
    });
    const approved = entries.find((entry) => entry.action === 'user.approved');
    expect(approved).toMatchObject({
      actor: { state: 'known', name: 'Anna de Boer' },
      object: { type: 'user', name: 'Bram Jansen' },
      details: { role: 'staff' },
    });
    expect(approved?.object?.ref).toMatch(/^[0-9a-f]{8}$/);
    const failed = entries.filter((entry) => entry.action === 'sign_in.failed');
    expect(failed.map(actorName).sort()).toEqual(['Bram Jansen', 'none']);
    expect(entries[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('filters by what: one action, or a group of actions', async () => {
    const { o } = await populated();
    const approved = await trail(o.admin.tab, { action: 'user.approved' });
    expect(actions(approved.entries)).toEqual(['user.approved']);

    const signIns = await trail(o.admin.tab, { action: 'sign_in.*' });
    expect(new Set(actions(signIns.entries))).toEqual(new Set(['sign_in.succeeded', 'sign_in.failed']));
    expect(signIns.entries.filter((entry) => entry.action === 'sign_in.failed')).toHaveLength(2);

    const invitations = await trail(o.admin.tab, { action: 'invitation.*' });
    expect(actions(invitations.entries)).toEqual(['invitation.accepted', 'invitation.created']);
    // `sign_in` holds an underscore: the group must not treat it as a wildcard.
    expect((await trail(o.admin.tab, { action: 'signxin.*' })).entries).toEqual([]);
    expect((await trail(o.admin.tab, { action: 'share.created' })).entries).toEqual([]);
    // The page knows every action for its filter, including the one the head mail writes.
    expect(approved.actions).toContain('share.created');
    expect(approved.actions).toContain('audit.head_mailed');
  });

  it('filters by who: part of a name or address, matched on the people behind the pseudonyms', async () => {
    const { o } = await populated();
    const bram = await allEntries(o.admin.tab, { who: 'bram' });
    expect(bram.length).toBeGreaterThan(0);
    expect(new Set(bram.map(actorName))).toEqual(new Set(['Bram Jansen']));
    expect(actions(bram)).toEqual(
      expect.arrayContaining(['invitation.accepted', 'sign_in.succeeded', 'sign_in.failed']),
    );
    expect(actions(bram)).not.toContain('user.approved');

    const byAddress = await allEntries(o.admin.tab, { who: 'KANTOOR.example' });
    expect(new Set(byAddress.map(actorName))).toEqual(new Set(['Anna de Boer', 'Bram Jansen']));
    expect(await allEntries(o.admin.tab, { who: 'de boer' })).toEqual(await allEntries(o.admin.tab, { who: ANNA }));
    // What the admin types is text: % and _ are not wildcards.
    expect(await allEntries(o.admin.tab, { who: '%' })).toEqual([]);
    expect(await allEntries(o.admin.tab, { who: 'bram_' })).toEqual([]);
    expect(await allEntries(o.admin.tab, { who: 'nobody@kantoor.example' })).toEqual([]);
  });

  it('filters by when, and combines filters', async () => {
    const { o, days } = await populated();
    const iso = (ms: number) => new Date(ms).toISOString();
    const day2 = await allEntries(o.admin.tab, { from: iso(days[1]), to: iso(days[2]) });
    expect(new Set(actions(day2))).toEqual(
      new Set(['sign_in.succeeded', 'invitation.created', 'invitation.accepted', 'user.approved']),
    );
    for (const entry of day2) expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(days[1]);

    const since = await allEntries(o.admin.tab, { from: iso(days[2]) });
    expect(since.every((entry) => Date.parse(entry.at) >= days[2])).toBe(true);
    expect(actions(since)).toContain('sign_in.succeeded');
    const until = await allEntries(o.admin.tab, { to: iso(days[1]) });
    expect(actions(until)).toEqual(['setup.completed']);

    const annaOnDay2 = await allEntries(o.admin.tab, {
      who: 'anna',
      from: iso(days[1]),
      to: iso(days[2]),
      action: 'user.*',
    });
    expect(actions(annaOnDay2)).toEqual(['user.approved']);
  });

  it('pages newest first with `next`, so every entry is seen once', async () => {
    const { o } = await populated();
    const all = await allEntries(o.admin.tab);
    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const page: AuditTrailPage = await trail(o.admin.tab, {
        limit: '3',
        ...(before === null ? {} : { before: String(before) }),
      });
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((entry) => entry.seq));
      before = page.next;
      pages += 1;
    } while (before !== null);
    expect(seen).toEqual(all.map((entry) => entry.seq));
    expect(pages).toBe(Math.ceil(all.length / 3));
    // Default page size: 50.
    expect((await trail(o.admin.tab)).entries.length).toBe(Math.min(50, all.length));
  });

  it('shows an erased person as erased and a person nobody recorded as unknown, and the chain still holds', async () => {
    const { o } = await populated();
    // What privacy erasure does to the person behind a pseudonym (the other is what a removed row looks like).
    o.t.db.prepare('UPDATE audit_people SET name = NULL, email = NULL WHERE email = ?').run(BRAM);
    const entries = await allEntries(o.admin.tab);
    const accepted = entries.find((entry) => entry.action === 'invitation.accepted');
    expect(accepted?.actor).toEqual({ state: 'erased', ref: expect.stringMatching(/^[0-9a-f]{8}$/) as unknown });
    expect(entries.find((entry) => entry.action === 'user.approved')?.object).toMatchObject({
      type: 'user',
      name: null,
    });
    expect(JSON.stringify(entries)).not.toContain('Bram');
    expect(JSON.stringify(entries)).not.toContain(BRAM);
    expect(await allEntries(o.admin.tab, { who: 'bram' })).toEqual([]);

    o.t.db.prepare('DELETE FROM audit_people WHERE email IS NULL AND name IS NULL').run();
    const after = await allEntries(o.admin.tab);
    expect(after.find((entry) => entry.action === 'invitation.accepted')?.actor).toEqual({
      state: 'unknown',
      ref: accepted?.actor.state === 'erased' ? accepted.actor.ref : '',
    });
    expect(after.find((entry) => entry.action === 'sign_in.failed' && entry.actor.state === 'none')).toBeDefined();
    expect(verifyChain(o.t.db)).toMatchObject({ ok: true, entries: after.length });
  });

  it('refuses bad filters with 400, never 500', async () => {
    const { o } = await populated();
    const bad = [
      'action=share',
      'action=share.*.x',
      'action=Share.created',
      'action=%25',
      'from=yesterday',
      'to=2026-01-15',
      `from=${encodeURIComponent('2026-01-20T00:00:00.000Z')}&to=${encodeURIComponent('2026-01-19T00:00:00.000Z')}`,
      'limit=0',
      'limit=201',
      'limit=ten',
      'before=0',
      'before=-5',
      'before=1e9',
      'who=a&who=b',
      'colour=red',
      `who=${'x'.repeat(255)}`,
      'who=%00',
    ];
    for (const query of bad) expectError(await o.admin.tab.get(`${TRAIL}?${query}`), 400, 'invalid_input');
    for (const query of ['limit=5', 'before=3', 'action=share', 'colour=red'])
      expectError(await o.admin.tab.get(`${EXPORT}?${query}`), 400, 'invalid_input');
    expect(o.t.logs.text()).not.toContain('unexpected error');
  });

  it('is for approved admins only: 401 without a session, 403 for staff and for an admin not approved yet', async () => {
    const { o, bram } = await populated();
    for (const path of [TRAIL, EXPORT]) {
      expectError(await request(o.t.app).get(path), 401, 'signed_out');
      expectError(await bram.tab.get(path), 403, 'forbidden');
    }
    const carla = await inviteAndAccept(o, 'carla@kantoor.example', 'admin', STAFF_PASSWORD, 'Carla Visser');
    for (const path of [TRAIL, EXPORT]) expectError(await carla.tab.get(path), 403, 'approval_pending');
    await approve(o, carla, 'admin');
    expect((await carla.tab.get(TRAIL)).status).toBe(200);
  });

  it('changes nothing: reading and exporting add no entry', async () => {
    const { o } = await populated();
    const before = verifyChain(o.t.db);
    await allEntries(o.admin.tab, { action: 'sign_in.*' });
    await exportCsv(o.admin.tab);
    await request(o.t.app).head(EXPORT);
    expect(verifyChain(o.t.db)).toEqual(before);
  });

  it('leaks no secret: no token, code, link id or key in the page or the export', async () => {
    const o = await suite.office();
    const invited = await o.admin.tab.post('/api/v1/admin/invitations', { email: BRAM, role: 'staff' });
    expect(invited.status).toBe(201);
    const invitationToken = inviteToken(await o.mail.latest(BRAM));
    const bram = await inviteAndAcceptWith(o, invitationToken);
    await approve(o, bram);
    const guest = guestPlan('klant@example.nl');
    await sendShare(o, bram, { guests: [guest] });
    const verified = await guestVerifies(o.t.app, o.mail, guest);
    const code = /^\s+(\d{6})\s*$/m.exec(o.mail.to(guest.email).at(-1)?.text ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);

    const page = JSON.stringify(await allEntries(o.admin.tab));
    const { text: csv } = await exportCsv(o.admin.tab);
    expect(page).toContain('share.code_confirmed');
    const secrets = [
      invitationToken,
      o.admin.tab.token ?? 'no admin token',
      bram.tab.token ?? 'no staff token',
      verified.grant,
      idToWire(guest.recipientId),
      toHex(guest.recipientId),
      Buffer.from(guest.linkSecret).toString('base64url'),
      toHex(guest.linkSecret),
      Buffer.from(guest.serverHalf).toString('base64url'),
      toHex(guest.serverHalf),
      toHex(o.t.serverKey),
      STAFF_PASSWORD,
    ];
    for (const secret of secrets) {
      expect(page).not.toContain(secret);
      expect(csv).not.toContain(secret);
    }
    expect(page).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect(csv).not.toMatch(new RegExp(`[^0-9a-f]${code}[^0-9a-f]`));
  });
});

/** Accepts an invitation whose token the test already read from the mail. */
async function inviteAndAcceptWith(o: Office, token: string): Promise<Member> {
  const inviteeTab = tab(o.t.app);
  const lookup = await inviteeTab.post('/api/v1/invitations/lookup', { token });
  expect(lookup.status).toBe(200);
  const account = makeAccount({
    userId: InvitationLookupResponse.parse(lookup.body).userId,
    email: BRAM,
    name: 'Bram Jansen',
    password: STAFF_PASSWORD,
  });
  const accepted = await inviteeTab.post('/api/v1/invitations/accept', {
    token,
    name: 'Bram Jansen',
    keys: account.wire,
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { account, tab: inviteeTab };
}

describe('the CSV export', () => {
  it('is an attachment of the same filtered view, with a header and one row per entry', async () => {
    const { o } = await populated();
    const { res, text } = await exportCsv(o.admin.tab, { action: 'sign_in.*' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="coffer-audit-2026-01-17.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');

    const rows = csvRecords(text);
    const entries = await allEntries(o.admin.tab, { action: 'sign_in.*' });
    expect(rows.map((row) => Number(row.seq))).toEqual(entries.map((entry) => entry.seq));
    expect(rows.map((row) => row.action)).toEqual(actions(entries));
    const failedBram = rows.find((row) => row.action === 'sign_in.failed' && row.actor_email === BRAM);
    expect(failedBram).toMatchObject({ actor_name: 'Bram Jansen', object_type: 'user', object_name: 'Bram Jansen' });
    expect(failedBram?.actor_ref).toMatch(/^[0-9a-f]{32}$/);
    expect(failedBram?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(failedBram?.details ?? '')).toMatchObject({ step: 'password' });
    expect(new Date(failedBram?.time_utc ?? '').toISOString()).toBe(failedBram?.time_utc);
    const nobody = rows.find((row) => row.action === 'sign_in.failed' && row.actor_ref === '');
    expect(nobody).toMatchObject({ actor_name: '', actor_email: '' });

    // Unfiltered: the whole log, and the newest row's hash is the chain's head.
    const whole = csvRecords((await exportCsv(o.admin.tab)).text);
    const check = verifyChain(o.t.db);
    if (!check.ok) throw new Error('the chain must hold');
    expect(whole).toHaveLength(check.entries);
    expect(whole[0]?.hash).toBe(toHex(check.head));
  });

  it('neutralises cells a spreadsheet would run as a formula', async () => {
    const { o } = await populated();
    await inviteAndAccept(
      o,
      'eve@kantoor.example',
      'staff',
      STAFF_PASSWORD,
      '=HYPERLINK("https://evil.example","klik hier")',
    );
    await inviteAndAccept(o, 'mallory@kantoor.example', 'staff', STAFF_PASSWORD, '@SUM(A1:A9)');
    const { text } = await exportCsv(o.admin.tab, { action: 'invitation.accepted' });
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example"",""klik hier"")"`);
    expect(text).toContain(`'@SUM(A1:A9)`);
    const names = csvRecords(text).map((row) => row.actor_name);
    expect(names).toEqual(
      expect.arrayContaining([`'=HYPERLINK("https://evil.example","klik hier")`, `'@SUM(A1:A9)`, 'Bram Jansen']),
    );
    for (const name of names) expect(name).not.toMatch(/^[=+\-@\t\r]/);

    expect(csvCell('+31 6 12345678')).toBe(`'+31 6 12345678`);
    expect(csvCell('-2+3')).toBe(`'-2+3`);
    expect(csvCell('\tcmd')).toBe(`'\tcmd`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('plain, with "quotes"')).toBe(`"plain, with ""quotes"""`);
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
  });

  it('streams a log longer than a page, every entry once, newest first', async () => {
    const o = await suite.office();
    const audit = createAudit({ repo: createAuditRepo(o.t.db), clock: o.t.clock });
    const extra = EXPORT_PAGE * 2 + 37;
    o.t.db.transaction(() => {
      for (let i = 0; i < extra; i++)
        audit.record({ actor: null, action: 'sign_in.failed', details: { reason: 'unknown', step: 'password' } });
    })();
    const check = verifyChain(o.t.db);
    if (!check.ok) throw new Error('the chain must hold');
    const rows = csvRecords((await exportCsv(o.admin.tab)).text);
    expect(rows.map((row) => Number(row.seq))).toEqual(
      Array.from({ length: check.entries }, (_, i) => check.entries - i),
    );
    const filtered = csvRecords((await exportCsv(o.admin.tab, { action: 'sign_in.failed' })).text);
    expect(filtered).toHaveLength(extra);
  });
});

describe('the daily head mail', () => {
  const job = (o: Office) =>
    createAuditHeadJob({
      db: o.t.db,
      clock: o.t.clock,
      log: o.t.logs.log,
      deliver: createDeliver(o.t.mailer, o.t.logs.log),
      publicUrl: o.t.config.publicUrl,
    });

  it('mails every active admin the head (seq, time, hash) and how to check it, and records that it did', async () => {
    const { o, bram } = await populated();
    const carla = await inviteAndAccept(o, 'carla@kantoor.example', 'admin', STAFF_PASSWORD, 'Carla Visser');
    await approve(o, carla, 'admin');
    const before = verifyChain(o.t.db);
    if (!before.ok) throw new Error('the chain must hold');
    const headAt = o.t.clock.now();
    o.t.clock.advance(60_000);

    const run = await job(o).runOnce();
    expect(run).toMatchObject({ status: 'sent', seq: before.entries, delivered: 2, failed: 0 });
    const hash = toHex(before.head);
    for (const address of [ANNA, 'carla@kantoor.example']) {
      const mail = await o.mail.latest(address);
      expect(mail.subject).toBe(
        'Coffer: controlewaarde van het auditlog (Administratiekantoor De Boer) / Coffer: audit log check value (Administratiekantoor De Boer)',
      );
      const text = mail.text ?? '';
      expect(text).toContain(`npm run coffer -- audit-verify --head ${before.entries}:${hash}`);
      expect(text).toContain(`Hash:   ${hash}`);
      expect(text).toContain(`Entry:  ${before.entries}`);
      expect(text).toContain(`Regel:  ${before.entries}`);
      expect(text).toContain(`${new Date(headAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
      expect(text).toContain(o.t.config.publicUrl);
    }
    expect(o.mail.to(BRAM).some((mail) => mail.subject?.includes('audit'))).toBe(false);
    expect(bram).toBeDefined();

    const after = verifyChain(o.t.db);
    expect(after).toMatchObject({ ok: true, entries: before.entries + 1 });
    const [recorded] = (await trail(o.admin.tab, { action: 'audit.head_mailed' })).entries;
    expect(recorded).toMatchObject({
      seq: before.entries + 1,
      actor: { state: 'none' },
      details: { seq: before.entries, head: hash, admins: 2, delivered: 2 },
    });
    expect(o.t.logs.text()).not.toContain(ANNA);
  });

  it('is not sent again within 24 hours, and is sent again after', async () => {
    const { o } = await populated();
    const headJob = job(o);
    // The mail server is shared by the file's tests: count from here.
    const earlier = o.mail.to(ANNA).filter((mail) => mail.subject?.includes('audit log')).length;
    const mails = () => o.mail.to(ANNA).filter((mail) => mail.subject?.includes('audit log')).length - earlier;
    expect((await headJob.runOnce()).status).toBe('sent');
    await expect.poll(mails, { timeout: 5_000, interval: 20 }).toBe(1);

    o.t.clock.advance(AUDIT_HEAD_EVERY_MS - 1);
    expect(await headJob.runOnce()).toEqual({ status: 'not_due' });
    // A restarted server reads the same state from the log.
    expect(await job(o).runOnce()).toEqual({ status: 'not_due' });
    expect(mails()).toBe(1);

    o.t.clock.advance(1);
    const second = await headJob.runOnce();
    expect(second).toMatchObject({ status: 'sent' });
    const check = verifyChain(o.t.db);
    if (!check.ok || second.status !== 'sent') throw new Error('the chain must hold');
    // The second mail names the newest entry then: the record of the first mail.
    expect(second.seq).toBe(check.entries - 1);
    await expect.poll(mails, { timeout: 5_000, interval: 20 }).toBe(2);
    expect(o.mail.to(ANNA).at(-1)?.text).toContain(`--head ${second.seq}:${toHex(second.hash)}`);
  });

  it('when no admin can be reached: logs it without the address, records nothing, and tries again later', async () => {
    const { o } = await populated();
    const headJob = job(o);
    const before = verifyChain(o.t.db);
    suite.mail.refuse.add(ANNA);
    try {
      expect(await headJob.runOnce()).toEqual({ status: 'failed', failed: 1 });
    } finally {
      suite.mail.refuse.delete(ANNA);
    }
    expect(verifyChain(o.t.db)).toEqual(before);
    const warnings = o.t.logs.lines().filter((line) => line['level'] === 40);
    expect(warnings.map((line) => line['msg'])).toEqual(
      expect.arrayContaining(['mail delivery failed', 'audit head mail reached no admin; trying again later']),
    );
    expect(o.t.logs.text()).not.toContain(ANNA);
    expect(o.t.logs.text()).not.toContain('anna');

    expect(await headJob.runOnce()).toEqual({ status: 'waiting_to_retry' });
    o.t.clock.advance(AUDIT_HEAD_RETRY_MS);
    expect(await headJob.runOnce()).toMatchObject({ status: 'sent', delivered: 1 });
    expect((await o.mail.latest(ANNA)).subject).toContain('audit log check value');
  });

  it('sends nothing before the office is set up', async () => {
    const t = await suite.app();
    const run = await createAuditHeadJob({
      db: t.db,
      clock: t.clock,
      log: t.logs.log,
      deliver: createDeliver(t.mailer, t.logs.log),
      publicUrl: t.config.publicUrl,
    }).runOnce();
    expect(run).toEqual({ status: 'nothing' });
  });
});
