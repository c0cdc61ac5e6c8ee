// The audit trail's CSV export (headers, rows, formula injection, a log longer than one page) and
// the daily head mail through the real SMTP server.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../shared/crypto/index.js';
import { AUDIT_CSV_COLUMNS } from '../../shared/wire/index.js';
import { createAuditRepo } from '../../server/kernel/audit/repo.js';
import { createAudit, verifyChain } from '../../server/kernel/audit/service.js';
import { csvCell } from '../../server/kernel/audit/csv.js';
import { EXPORT_PAGE } from '../../server/audit/trail.js';
import { auditHeadJobOver as createAuditHeadJob } from '../../server/compose-jobs.js';
import { AUDIT_HEAD_EVERY_MS, AUDIT_HEAD_RETRY_MS } from '../../server/jobs/audit-head.js';
import { createDeliver } from '../../server/kernel/mail/deliver.js';
import { approve, inviteAndAccept, STAFF_PASSWORD, type Office } from '../helpers/office.js';
import { auditTrailSuite, ANNA, BRAM, trail, allEntries, actions, exportCsv } from './support/audit-trail.js';

const { suite, populated } = auditTrailSuite();

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

  it('mails every active admin the head (seq, time, check value) in their language, and records that it did', async () => {
    const { o, bram } = await populated();
    const carla = await inviteAndAccept(o, 'carla@kantoor.example', 'admin', STAFF_PASSWORD, 'Carla Visser');
    await approve(o, carla, 'admin');
    expect((await carla.tab.put('/api/v1/me/language', { lang: 'en' })).status).toBe(204);
    const before = verifyChain(o.t.db);
    if (!before.ok) throw new Error('the chain must hold');
    const headAt = o.t.clock.now();
    o.t.clock.advance(60_000);

    const run = await job(o).runOnce();
    expect(run).toMatchObject({ status: 'sent', seq: before.entries, delivered: 2, failed: 0 });
    const hash = toHex(before.head);
    // Amsterdam is an hour ahead of UTC in January; the mail gives the office's local time.
    const local = new Date(headAt + 3_600_000);
    const clock = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
    const anna = await o.mail.latest(ANNA);
    expect(anna.subject).toBe('Coffer: dagelijkse controle van het logboek (Administratiekantoor De Boer)');
    const annaText = anna.text ?? '';
    expect(annaText).toContain(`Controlegetal:  ${hash}`);
    expect(annaText).toContain(`Regel:          ${before.entries}`);
    expect(annaText).toContain(`${local.getUTCDate()} januari 2026 om ${clock} (Amsterdam)`);
    expect(annaText).toContain('Vraag dan degene die uw server beheert');
    expect(annaText).toContain('Read in English');
    expect(annaText).not.toContain('Check value');
    const carlaMail = await o.mail.latest('carla@kantoor.example');
    expect(carlaMail.subject).toBe('Coffer: daily check of the activity log (Administratiekantoor De Boer)');
    const carlaText = carlaMail.text ?? '';
    expect(carlaText).toContain(`Check value:  ${hash}`);
    expect(carlaText).toContain(`Entry:        ${before.entries}`);
    expect(carlaText).toContain(`${local.getUTCDate()} January 2026 at ${clock} (Amsterdam)`);
    expect(carlaText).toContain('ask whoever runs your server to check the log');
    expect(carlaText).toContain('Nederlandse versie');
    expect(carlaText).not.toContain('Controlegetal');
    for (const text of [annaText, carlaText]) {
      expect(text).toContain(o.t.config.publicUrl);
      expect(text).toContain('docs/operations.md');
      // The commands are for whoever runs the server, in the operations guide, not in the mail.
      expect(text).not.toContain('npm run');
      expect(text).not.toContain('docker');
    }
    expect(o.mail.to(BRAM).some((mail) => mail.subject?.includes('logboek'))).toBe(false);
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
    const earlier = o.mail.to(ANNA).filter((mail) => mail.subject?.includes('logboek')).length;
    const mails = () => o.mail.to(ANNA).filter((mail) => mail.subject?.includes('logboek')).length - earlier;
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
    const newest = o.mail.to(ANNA).at(-1)?.text ?? '';
    expect(newest).toContain(`Regel:          ${second.seq}`);
    expect(newest).toContain(`Controlegetal:  ${toHex(second.hash)}`);
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
    expect((await o.mail.latest(ANNA)).subject).toContain('dagelijkse controle van het logboek');
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
