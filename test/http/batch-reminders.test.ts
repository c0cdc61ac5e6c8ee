// Batch reminders (docs/operations.md "Batch reminders"): once the reminder days have passed,
// one mail to each recipient of a delivered item whose share is live and not yet downloaded, in
// their language with times in the office's time zone, without any link; nobody else, never twice,
// not even after a restart. Real SQLite, the real mail queue, the real SMTP server.
import { describe, expect, it } from 'vitest';
import {
  guestLinkFragment,
  identityFingerprint,
  idFromWire,
  idToWire,
  newAccessCode,
  newId,
  officeFingerprint,
  sealContactCode,
  toBase64Url,
} from '../../shared/crypto/index.js';
import { Contact, OfficeSettings } from '../../shared/wire/index.js';
import { createRepos } from '../../server/compose-jobs.js';
import { createAudit } from '../../server/kernel/audit/service.js';
import { createTransact } from '../../server/kernel/db/transaction.js';
import type { Db } from '../../server/kernel/db/open.js';
import { openStore } from '../../server/store.js';
import { createBatchReminders } from '../../server/jobs/batch-reminders.js';
import { seal } from '../../shared/crypto/primitives.js';
import { guestPlan, makeFile, randomPlaintext, type GuestPlan } from '../helpers/browser-shares.js';
import { rawDatabase } from '../helpers/storage.js';
import { findNeedles, forms } from '../e2e/support/traces.js';
import {
  DAY_MS,
  fetchFile,
  guestFilePath,
  guestVerifies,
  sendShare,
  withStaff,
  type SendingOffice,
} from '../helpers/sharing.js';
import { makeClient } from '../helpers/clients.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

const EN_MONTHS = 'January February March April May June July August September October November December'.split(' ');

function remindersOver(s: SendingOffice, db: Db) {
  const repos = createRepos(db);
  return createBatchReminders({
    batches: repos.batches,
    users: repos.users,
    office: repos.office,
    audit: createAudit({ repo: repos.audit, clock: s.t.clock }),
    transact: createTransact(db),
    clock: s.t.clock,
    mailQueue: s.t.mailQueue,
    log: s.t.logs.log,
  });
}

async function startBatch(s: SendingOffice, items: { email: string; delivery: string }[], expiresInMs: number) {
  const batchId = idToWire(newId());
  const res = await s.admin.tab.post('/api/v1/batches', {
    batchId,
    expiresAt: new Date(s.t.clock.now() + expiresInMs).toISOString(),
    reminderDays: 3,
    sealedPlan: toBase64Url(new Uint8Array(64).fill(3)),
    items: items.map((item, itemNo) => ({ itemNo, ...item })),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return batchId;
}

function sendItem(s: SendingOffice, batchId: string, itemNo: number, guest: GuestPlan, expiresInMs = 7 * DAY_MS) {
  return sendShare(s, s.admin, {
    guests: [guest],
    expiresInMs,
    editRequest: (request) => ({
      ...request,
      batch: { batchId, itemNo },
      recipients: request.recipients.map((r) =>
        r.kind === 'guest' && r.email === 'ann@example.com' ? { ...r, lang: 'en' } : r,
      ),
    }),
  });
}

describe('batch reminders', () => {
  it('mails only delivered, live, undownloaded items, once, without a link, and not again after a restart', async () => {
    const s = await withStaff(await suite.office());
    const settings = OfficeSettings.parse((await s.admin.tab.get('/api/v1/admin/settings')).body);
    expect((await s.admin.tab.put('/api/v1/admin/settings', { ...settings, timeZone: 'Asia/Tokyo' })).status).toBe(200);
    // Ann has a standing access code, so Coffer may mail her link.
    const contact = Contact.parse(
      (
        await s.admin.tab.post('/api/v1/contacts', {
          name: 'Ann',
          email: 'ann@example.com',
          lang: 'en',
          organisation: null,
        })
      ).body,
    );
    const binding = {
      contactId: idFromWire(contact.contactId),
      officeFingerprint: officeFingerprint(s.office.keys.signing.publicKey),
      sealerId: s.admin.account.userId,
    };
    const sealed = toBase64Url(sealContactCode(newAccessCode(), binding, s.office.keys.encryption));
    expect((await s.admin.tab.put(`/api/v1/contacts/${contact.contactId}/code`, { sealed })).status).toBe(200);

    const client = await makeClient(s, s.admin, 'klant@bakkerij.example', 'Bakkerij Noord');
    const batchId = await startBatch(
      s,
      [
        { email: 'bram@kantoor.example', delivery: 'account' }, // delivered, not downloaded: reminded
        { email: 'ann@example.com', delivery: 'mail' }, // link mailed, not downloaded: reminded (in English)
        { email: 'dora@example.nl', delivery: 'export' }, // exported, downloaded: not
        { email: 'rik@example.nl', delivery: 'export' }, // exported, then revoked: not
        { email: 'nel@example.nl', delivery: 'export' }, // made, never delivered: not
        { email: 'wim@example.nl', delivery: 'export' }, // exported, share expired: not
        { email: 'kim@example.nl', delivery: 'export' }, // never made: not
        { email: 'klant@bakkerij.example', delivery: 'account' }, // a client, delivered: reminded (portal wording)
      ],
      7 * DAY_MS,
    );
    await sendShare(s, s.admin, {
      accounts: [s.staff],
      editRequest: (request) => ({ ...request, batch: { batchId, itemNo: 0 } }),
    });
    await sendShare(s, s.admin, {
      accounts: [client],
      editRequest: (request) => ({ ...request, batch: { batchId, itemNo: 7 } }),
    });
    const ann = guestPlan('ann@example.com', { accessCode: true });
    const annShare = await sendItem(s, batchId, 1, ann);
    const fragment = guestLinkFragment(
      officeFingerprint(s.office.keys.signing.publicKey),
      identityFingerprint(s.admin.account.keys.identity.publicKey),
      ann.linkSecret,
    );
    expect(
      (
        await s.admin.tab.post(`/api/v1/shares/${annShare.shareId}/recipients/${idToWire(ann.recipientId)}/mail-link`, {
          fragment,
        })
      ).status,
    ).toBe(204);
    const dora = guestPlan('dora@example.nl');
    const doraShare = await sendItem(s, batchId, 2, dora);
    const rikShare = await sendItem(s, batchId, 3, guestPlan('rik@example.nl'));
    await sendItem(s, batchId, 4, guestPlan('nel@example.nl'));
    await sendItem(s, batchId, 5, guestPlan('wim@example.nl'), 2 * DAY_MS);
    expect((await s.admin.tab.post(`/api/v1/batches/${batchId}/exported`, { itemNos: [2, 3, 5] })).status).toBe(204);
    const opened = await guestVerifies(s.t.app, suite.mail, dora);
    const download = await fetchFile(s.t.app, guestFilePath(dora, doraShare.plan.files[0]!.file.fileId), opened.grant);
    expect(download.status).toBe(200);
    expect((await s.admin.tab.post(`/api/v1/shares/${rikShare.shareId}/revoke`, {})).status).toBe(204);
    await s.t.mailQueue.idle();

    const reminders = remindersOver(s, s.t.db);
    const mailsBefore = suite.mail.messages.length;
    s.t.clock.advance(3 * DAY_MS - 60_000);
    expect(reminders.runOnce()).toBe(0);
    s.t.clock.advance(60_000);
    expect(reminders.runOnce()).toBe(3);
    await s.t.mailQueue.idle();
    const sent = suite.mail.messages.slice(mailsBefore);
    const addressOf = (mail: (typeof sent)[number]) =>
      mail.to?.flatMap((recipient) => ('address' in recipient ? [recipient.address] : [])).join(',');
    expect(sent.map(addressOf).sort()).toEqual(['ann@example.com', 'bram@kantoor.example', 'klant@bakkerij.example']);

    const english = sent.find((m) => addressOf(m) === 'ann@example.com')!;
    const dutch = sent.find((m) => addressOf(m) === 'bram@kantoor.example')!;
    expect(english.subject).toContain('Reminder');
    expect(english.subject).toContain(s.office.name);
    expect(english.text).toContain('the link in the earlier e-mail');
    expect(dutch.subject).toContain('Herinnering');
    expect(dutch.text).toContain('Postvak IN');
    // A client has no inbox: the portal's own heading, with the office's name.
    const toClient = sent.find((m) => addressOf(m) === 'klant@bakkerij.example')!;
    expect(toClient.text).toContain(`"Met u gedeeld door ${s.office.name}"`);
    expect(toClient.text).not.toContain('Postvak IN');
    // The expiry in the office's zone (UTC+9 all year), worked out by hand.
    const local = new Date(annShare.plan.expiresAt + 9 * 60 * 60 * 1000);
    const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
    expect(english.text).toContain(
      `available until ${local.getUTCDate()} ${EN_MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} at ${hhmm} (Tokyo)`,
    );
    // No link of any kind: no address of a page, no link id, no link secret.
    for (const mail of [english, dutch, toClient]) {
      expect(mail.text).not.toMatch(/https?:\/\//);
      expect(mail.text).not.toContain(idToWire(ann.linkId));
      expect(mail.text).not.toContain(fragment.split('.')[2]);
    }
    expect(
      JSON.parse(
        s.t.db.prepare("SELECT details FROM audit_log WHERE action = 'batch.reminded'").pluck().get() as string,
      ),
    ).toEqual({ mails: 3 });

    // Never twice: not on the next run, nor after a restart over the same data folder.
    s.t.clock.advance(DAY_MS);
    expect(reminders.runOnce()).toBe(0);
    s.t.mailQueue.stop();
    s.t.db.close();
    const { db } = await openStore(s.t.config);
    try {
      expect(remindersOver(s, db).runOnce()).toBe(0);
    } finally {
      db.close();
    }
    expect(suite.mail.messages.length).toBe(mailsBefore + 3);
  });

  it('keeps no file name, message or link secret of a batch: not in the database, its WAL, the queue, the audit trail, the log or a reminder', async () => {
    const s = await withStaff(await suite.office());
    const contact = Contact.parse(
      (
        await s.admin.tab.post('/api/v1/contacts', {
          name: 'Noor',
          email: 'noor@example.nl',
          lang: 'nl',
          organisation: null,
        })
      ).body,
    );
    const binding = {
      contactId: idFromWire(contact.contactId),
      officeFingerprint: officeFingerprint(s.office.keys.signing.publicKey),
      sealerId: s.admin.account.userId,
    };
    const sealed = toBase64Url(sealContactCode(newAccessCode(), binding, s.office.keys.encryption));
    expect((await s.admin.tab.put(`/api/v1/contacts/${contact.contactId}/code`, { sealed })).status).toBe(200);

    const fileName = 'loonstrook-10234-maart.pdf';
    const message = 'Uw loonstrook van maart, met de bonus erbij';
    // The plan as the browser seals it: to the sender's own key, opaque to the server.
    const plan = JSON.stringify({ items: [{ itemNo: 0, fileName, email: 'noor@example.nl', message }] });
    const batchId = idToWire(newId());
    const created = await s.admin.tab.post('/api/v1/batches', {
      batchId,
      expiresAt: new Date(s.t.clock.now() + 7 * DAY_MS).toISOString(),
      reminderDays: 1,
      sealedPlan: toBase64Url(seal(new TextEncoder().encode(plan), s.admin.account.keys.encryption.publicKey)),
      items: [{ itemNo: 0, email: 'noor@example.nl', delivery: 'mail' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const noor = guestPlan('noor@example.nl', { accessCode: true });
    const sent = await sendShare(s, s.admin, {
      files: [makeFile(randomPlaintext(5000), { name: fileName, message })],
      guests: [noor],
      editRequest: (request) => ({ ...request, batch: { batchId, itemNo: 0 } }),
    });
    const fragment = guestLinkFragment(
      officeFingerprint(s.office.keys.signing.publicKey),
      identityFingerprint(s.admin.account.keys.identity.publicKey),
      noor.linkSecret,
    );
    const mailPath = `/api/v1/shares/${sent.shareId}/recipients/${idToWire(noor.recipientId)}/mail-link`;
    expect((await s.admin.tab.post(mailPath, { fragment })).status).toBe(204);
    expect((await s.admin.tab.get(`/api/v1/batches/${batchId}`)).status).toBe(200);
    s.t.clock.advance(DAY_MS);
    const before = suite.mail.messages.length;
    expect(remindersOver(s, s.t.db).runOnce()).toBe(1);
    await s.t.mailQueue.idle();
    const reminder = suite.mail.messages.slice(before);
    expect(reminder).toHaveLength(1);

    const needles = [
      ...forms('file name', fileName),
      ...forms('message', message),
      ...forms('link secret S', noor.linkSecret),
    ];
    // The search is real: the link mail does hold S.
    const linkMail = suite.mail.to('noor@example.nl').find((m) => m.text?.includes('/s/'));
    expect(findNeedles([{ where: 'the link mail', bytes: Buffer.from(linkMail?.text ?? '') }], needles)).not.toEqual(
      [],
    );
    const dump = (sql: string) =>
      Buffer.from(
        JSON.stringify(s.t.db.prepare(sql).all(), (_key, value: unknown) =>
          value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
        ),
      );
    const found = findNeedles(
      [
        { where: 'the database file and its WAL', bytes: rawDatabase(s) },
        { where: 'the batch rows', bytes: dump('SELECT * FROM batches') },
        { where: 'the batch items', bytes: dump('SELECT * FROM batch_items') },
        { where: 'the mail queue', bytes: dump('SELECT * FROM mail_queue') },
        { where: 'the audit trail', bytes: dump('SELECT * FROM audit_log') },
        { where: 'the log', bytes: Buffer.from(s.t.logs.text()) },
        { where: 'the reminder', bytes: Buffer.from(`${reminder[0]!.subject ?? ''}\n${reminder[0]!.text ?? ''}`) },
      ],
      needles,
    );
    expect(found).toEqual([]);
  });
});
