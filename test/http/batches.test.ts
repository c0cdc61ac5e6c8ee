// Batches (docs/protocol.md "Batches"): a member starts a batch of items, each becomes its own
// share with real crypto (test/helpers/browser-shares.ts) to its own single recipient, and the
// server keeps each item to its planned recipient, makes it once, reports it from the shares'
// recipient rows, withdraws an undelivered share on redo or cancel, and carries on after a restart.
import { describe, expect, it } from 'vitest';
import {
  guestLinkFragment,
  identityFingerprint,
  idToWire,
  newAccessCode,
  newId,
  idFromWire,
  officeFingerprint,
  sealContactCode,
  toBase64Url,
} from '../../shared/crypto/index.js';
import {
  BatchDetail,
  BatchList,
  Contact,
  PrivacyExport,
  PrivacyPreview,
  ShareList,
  type BatchDelivery,
} from '../../shared/wire/index.js';
import { createApp } from '../../server/app.js';
import { createMailQueue } from '../../server/kernel/mail/queue.js';
import { openStore } from '../../server/store.js';
import { guestPlan, type GuestPlan } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { signIn, type Member } from '../helpers/office.js';
import {
  DAY_MS,
  fetchFile,
  guestFilePath,
  guestVerifies,
  sendShare,
  withStaff,
  type SendingOffice,
  type SendOptions,
} from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

interface PlannedItem {
  readonly email: string;
  readonly delivery: BatchDelivery;
}

function batchBody(s: SendingOffice, items: readonly PlannedItem[], extra: object = {}) {
  return {
    batchId: idToWire(newId()),
    expiresAt: new Date(s.t.clock.now() + 7 * DAY_MS).toISOString(),
    sealedPlan: toBase64Url(new Uint8Array(300).fill(7)),
    items: items.map((item, itemNo) => ({ itemNo, ...item })),
    ...extra,
  };
}

async function startBatch(s: SendingOffice, sender: Member, items: readonly PlannedItem[], extra: object = {}) {
  const body = batchBody(s, items, extra);
  const res = await sender.tab.post('/api/v1/batches', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body).toEqual({ batchId: body.batchId });
  return body.batchId;
}

/** A contact with a standing access code at `email`: what a 'mail' item needs. */
async function contactWithCode(s: SendingOffice, email: string, name: string): Promise<void> {
  const created = await s.admin.tab.post('/api/v1/contacts', { name, email, lang: 'nl', organisation: null });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const contact = Contact.parse(created.body);
  const binding = {
    contactId: idFromWire(contact.contactId),
    officeFingerprint: officeFingerprint(s.office.keys.signing.publicKey),
    sealerId: s.admin.account.userId,
  };
  const sealed = toBase64Url(sealContactCode(newAccessCode(), binding, s.office.keys.encryption));
  expect((await s.admin.tab.put(`/api/v1/contacts/${contact.contactId}/code`, { sealed })).status).toBe(200);
}

/** The share of one item, made as the browser makes it, with the `batch` field. */
function sendItem(
  s: SendingOffice,
  sender: Member,
  batchId: string,
  itemNo: number,
  to: Pick<SendOptions, 'accounts' | 'guests'>,
  status = 201,
) {
  return sendShare(s, sender, {
    ...to,
    status,
    editRequest: (request) => ({ ...request, batch: { batchId, itemNo } }),
  });
}

async function report(s: SendingOffice, member: Member, batchId: string) {
  const res = await member.tab.get(`/api/v1/batches/${batchId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return BatchDetail.parse(res.body);
}

function fragmentOf(s: SendingOffice, sender: Member, guest: GuestPlan): string {
  return guestLinkFragment(
    officeFingerprint(s.office.keys.signing.publicKey),
    identityFingerprint(sender.account.keys.identity.publicKey),
    guest.linkSecret,
  );
}

const shareCount = (s: SendingOffice) => s.t.db.prepare('SELECT count(*) FROM shares').pluck().get() as number;

describe('batches', () => {
  it('starts a batch once, and only with an account or a contact with a standing code where the item needs one', async () => {
    const s = await withStaff(await suite.office());
    await contactWithCode(s, 'anna@example.nl', 'Anna de Vries');
    const items: PlannedItem[] = [
      { email: 'bram@kantoor.example', delivery: 'account' },
      { email: 'anna@example.nl', delivery: 'mail' },
      { email: 'piet@example.nl', delivery: 'export' },
    ];
    const body = batchBody(s, items, { reminderDays: 7 });
    expect((await s.admin.tab.post('/api/v1/batches', body)).status).toBe(201);
    expectError(await s.admin.tab.post('/api/v1/batches', body), 409, 'batch_exists');
    // Another member cannot take the id either, and learns nothing more than that it is used.
    expectError(await s.staff.tab.post('/api/v1/batches', body), 409, 'batch_exists');

    const noAccount = expectError(
      await s.admin.tab.post(
        '/api/v1/batches',
        batchBody(s, [items[1]!, { email: 'nobody@example.nl', delivery: 'account' }]),
      ),
      400,
      'batch_item_invalid',
    );
    expect(noAccount.error.itemNo).toBe(1);
    const noCode = expectError(
      await s.admin.tab.post(
        '/api/v1/batches',
        batchBody(s, [items[2]!, items[2]!, { email: 'piet@example.nl', delivery: 'mail' }]),
      ),
      400,
      'batch_item_invalid',
    );
    expect(noCode.error.itemNo).toBe(2);
    // Bad input is a clear 400, never a 500.
    expectError(
      await s.admin.tab.post('/api/v1/batches', {
        ...batchBody(s, items),
        expiresAt: new Date(s.t.clock.now() - 1).toISOString(),
      }),
      400,
      'invalid_input',
    );
    expectError(
      await s.admin.tab.post('/api/v1/batches', { ...batchBody(s, items), items: [{ itemNo: 1, ...items[2]! }] }),
      400,
      'invalid_input',
    );
    expectError(
      await s.admin.tab.post('/api/v1/batches', { ...batchBody(s, items), sealedPlan: '' }),
      400,
      'invalid_input',
    );
    expectError(
      await s.admin.tab.post('/api/v1/batches', { ...batchBody(s, items), sealedPlan: 'A' }),
      400,
      'invalid_input',
    );
    // Nothing of the refused ones was kept.
    expect(s.t.db.prepare('SELECT count(*) FROM batches').pluck().get()).toBe(1);
    expect(s.t.db.prepare('SELECT count(*) FROM batch_items').pluck().get()).toBe(3);
    const audited = s.t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'batch.created'")
      .pluck()
      .all() as string[];
    expect(audited.map((d) => JSON.parse(d) as unknown)).toEqual([
      { items: 3, accounts: 1, mailed: 1, exported: 1, reminderDays: 7 },
    ]);
  });

  it('makes each item once, only to its planned recipient, delivers it by its kind and finishes the batch', async () => {
    const s = await withStaff(await suite.office());
    await contactWithCode(s, 'anna@example.nl', 'Anna de Vries');
    const batchId = await startBatch(s, s.admin, [
      { email: 'bram@kantoor.example', delivery: 'account' },
      { email: 'anna@example.nl', delivery: 'mail' },
      { email: 'piet@example.nl', delivery: 'export' },
    ]);

    // Item 0, the colleague's account: delivered with the share (its notification goes out once).
    await sendItem(s, s.admin, batchId, 0, { accounts: [s.staff] });
    await s.t.mailQueue.idle();
    const notified = suite.mail.to('bram@kantoor.example').length;
    const shares = shareCount(s);
    expectError(
      await sendItem(s, s.admin, batchId, 0, { accounts: [s.staff] }, 409).then((r) => r.res),
      409,
      'batch_item_taken',
    );
    await s.t.mailQueue.idle();
    expect(suite.mail.to('bram@kantoor.example')).toHaveLength(notified);
    expect(shareCount(s)).toBe(shares);

    // Item 1 to someone else, or with a second recipient, or as another member: refused, nothing kept.
    const anna = guestPlan('anna@example.nl', { accessCode: true });
    expectError(
      (await sendItem(s, s.admin, batchId, 1, { guests: [guestPlan('eve@example.nl')] }, 400)).res,
      400,
      'batch_item_mismatch',
    );
    expectError(
      (await sendItem(s, s.admin, batchId, 1, { guests: [anna, guestPlan('eve@example.nl')] }, 400)).res,
      400,
      'batch_item_mismatch',
    );
    expectError((await sendItem(s, s.admin, batchId, 1, { accounts: [s.staff] }, 400)).res, 400, 'batch_item_mismatch');
    // A share that would outlive its batch (the batch ends in 7 days).
    const outliving = await sendShare(s, s.admin, {
      guests: [anna],
      expiresInMs: 8 * DAY_MS,
      status: 400,
      editRequest: (request) => ({ ...request, batch: { batchId, itemNo: 1 } }),
    });
    expectError(outliving.res, 400, 'invalid_input');
    expect(outliving.res.body).toMatchObject({ error: { fields: ['expiresAt'] } });
    expectError((await sendItem(s, s.staff, batchId, 1, { guests: [anna] }, 404)).res, 404, 'not_found');
    expectError((await sendItem(s, s.admin, batchId, 3, { guests: [anna] }, 404)).res, 404, 'not_found');
    expectError((await sendItem(s, s.admin, idToWire(newId()), 0, { guests: [anna] }, 404)).res, 404, 'not_found');
    expect(shareCount(s)).toBe(shares);

    // Item 1: made (created) and delivered when Coffer mails the link.
    const mailShare = await sendItem(s, s.admin, batchId, 1, { guests: [anna] });
    expect((await report(s, s.admin, batchId)).items[1]!.state).toBe('created');
    const mailed = await s.admin.tab.post(
      `/api/v1/shares/${mailShare.shareId}/recipients/${idToWire(anna.recipientId)}/mail-link`,
      { fragment: fragmentOf(s, s.admin, anna) },
    );
    expect(mailed.status, JSON.stringify(mailed.body)).toBe(204);

    // Item 2: made, then delivered when the sender says the link was exported.
    const piet = guestPlan('piet@example.nl');
    const exportShare = await sendItem(s, s.admin, batchId, 2, { guests: [piet] });
    expectError(await s.admin.tab.post(`/api/v1/batches/${batchId}/exported`, { itemNos: [1] }), 409, 'wrong_state');
    let detail = await report(s, s.admin, batchId);
    expect(detail.state).toBe('running');
    expect(detail.items.map((item) => item.state)).toEqual(['delivered', 'delivered', 'created']);
    expect((await s.admin.tab.post(`/api/v1/batches/${batchId}/exported`, { itemNos: [2] })).status).toBe(204);
    // Again: no change, no error (a retried request).
    expect((await s.admin.tab.post(`/api/v1/batches/${batchId}/exported`, { itemNos: [2] })).status).toBe(204);

    detail = await report(s, s.admin, batchId);
    expect(detail.state).toBe('done');
    expect(detail.items).toMatchObject([
      { itemNo: 0, delivery: 'account', state: 'delivered', userId: idToWire(s.staff.account.userId) },
      { itemNo: 1, delivery: 'mail', state: 'delivered', shareId: mailShare.shareId, name: 'Anna de Vries' },
      {
        itemNo: 2,
        delivery: 'export',
        state: 'delivered',
        shareId: exportShare.shareId,
        linkId: idToWire(piet.linkId),
      },
    ]);
    expect(detail.items[0]!.name).toBeDefined();
    expect(detail.items.every((item) => item.deliveredAt !== null && item.shareState === 'active')).toBe(true);
    expect(detail.sealedPlan).toBe(toBase64Url(new Uint8Array(300).fill(7)));

    // A finished batch takes no more shares; the Sent list names each share's batch.
    expectError(
      (await sendItem(s, s.admin, batchId, 2, { guests: [guestPlan('piet@example.nl')] }, 409)).res,
      409,
      'batch_not_running',
    );
    const sent = ShareList.parse((await s.admin.tab.get('/api/v1/shares?scope=mine')).body);
    expect(sent.shares.filter((share) => share.batchId === batchId)).toHaveLength(3);
    const list = BatchList.parse((await s.admin.tab.get('/api/v1/batches')).body);
    expect(list).toEqual({
      batches: [
        {
          batchId,
          createdAt: detail.createdAt,
          expiresAt: detail.expiresAt,
          state: 'done',
          itemCount: 3,
          created: 3,
          delivered: 3,
          downloaded: 0,
          cancelled: 0,
        },
      ],
      more: false,
    });
  });

  it('reports a guest asking for a code and downloading, from the share’s recipient row', async () => {
    const s = await withStaff(await suite.office());
    const batchId = await startBatch(s, s.staff, [{ email: 'piet@example.nl', delivery: 'export' }]);
    const piet = guestPlan('piet@example.nl');
    const sent = await sendItem(s, s.staff, batchId, 0, { guests: [piet] });
    let item = (await report(s, s.staff, batchId)).items[0]!;
    expect(item).toMatchObject({ codeRequestedAt: null, firstDownloadAt: null, downloads: 0 });

    const opened = await guestVerifies(s.t.app, suite.mail, piet);
    const file = sent.plan.files[0]!.file;
    const download = await fetchFile(s.t.app, guestFilePath(piet, file.fileId), opened.grant);
    expect(download.status).toBe(200);
    item = (await report(s, s.staff, batchId)).items[0]!;
    expect(item.codeRequestedAt).not.toBeNull();
    expect(item.firstDownloadAt).not.toBeNull();
    expect(item.downloads).toBe(1);
    expect(BatchList.parse((await s.staff.tab.get('/api/v1/batches')).body).batches[0]!.downloaded).toBe(1);
  });

  it('redoes only an item whose link nobody was given: its share is revoked and the item made again', async () => {
    const s = await withStaff(await suite.office());
    await contactWithCode(s, 'anna@example.nl', 'Anna de Vries');
    const batchId = await startBatch(s, s.admin, [
      { email: 'piet@example.nl', delivery: 'export' },
      { email: 'anna@example.nl', delivery: 'mail' },
      { email: 'bram@kantoor.example', delivery: 'account' },
    ]);
    const redo = (itemNo: number, who = s.admin) => who.tab.post(`/api/v1/batches/${batchId}/items/${itemNo}/redo`, {});
    expectError(await redo(0), 409, 'wrong_state'); // pending: nothing to redo

    const first = await sendItem(s, s.admin, batchId, 0, { guests: [guestPlan('piet@example.nl')] });
    expectError(await redo(0, s.staff), 404, 'not_found');
    expect((await redo(0)).status).toBe(204);
    let detail = await report(s, s.admin, batchId);
    expect(detail.items[0]).toMatchObject({ state: 'pending' });
    expect(detail.items[0]!.shareId).toBeUndefined();
    const revoked = ShareList.parse((await s.admin.tab.get('/api/v1/shares?scope=mine')).body).shares;
    expect(revoked.find((share) => share.shareId === first.shareId)).toMatchObject({ state: 'revoked', batchId });
    // Its blobs and keys are gone at once, as after a sender's revoke.
    expect(
      s.t.db
        .prepare('SELECT count(*) FROM share_files WHERE share_id = ? AND blob_id IS NOT NULL')
        .pluck()
        .get(idFromWire(first.shareId)),
    ).toBe(0);
    const second = await sendItem(s, s.admin, batchId, 0, { guests: [guestPlan('piet@example.nl')] });
    expect((await report(s, s.admin, batchId)).items[0]).toMatchObject({ state: 'created', shareId: second.shareId });

    // A mailed link is never redone; nor is a delivered account item; nor an unknown item.
    const anna = guestPlan('anna@example.nl', { accessCode: true });
    const mailShare = await sendItem(s, s.admin, batchId, 1, { guests: [anna] });
    const mailPath = `/api/v1/shares/${mailShare.shareId}/recipients/${idToWire(anna.recipientId)}/mail-link`;
    expect((await s.admin.tab.post(mailPath, { fragment: fragmentOf(s, s.admin, anna) })).status).toBe(204);
    expectError(await redo(1), 409, 'wrong_state');
    await sendItem(s, s.admin, batchId, 2, { accounts: [s.staff] });
    expectError(await redo(2), 409, 'wrong_state');
    expectError(await redo(3), 404, 'not_found');
    expectError(await s.admin.tab.post(`/api/v1/batches/${batchId}/items/x/redo`, {}), 404, 'not_found');
    detail = await report(s, s.admin, batchId);
    expect(detail.items.map((item) => item.shareState)).toEqual(['active', 'active', 'active']);
  });

  it('cancels: pending items cancelled, undelivered shares revoked, delivered ones kept', async () => {
    const s = await withStaff(await suite.office());
    const batchId = await startBatch(s, s.admin, [
      { email: 'bram@kantoor.example', delivery: 'account' },
      { email: 'piet@example.nl', delivery: 'export' },
      { email: 'kees@example.nl', delivery: 'export' },
    ]);
    await sendItem(s, s.admin, batchId, 0, { accounts: [s.staff] });
    const made = await sendItem(s, s.admin, batchId, 1, { guests: [guestPlan('piet@example.nl')] });
    expectError(await s.staff.tab.post(`/api/v1/batches/${batchId}/cancel`, {}), 404, 'not_found');
    expect((await s.admin.tab.post(`/api/v1/batches/${batchId}/cancel`, {})).status).toBe(204);
    const detail = await report(s, s.admin, batchId);
    expect(detail.state).toBe('cancelled');
    expect(detail.items.map((item) => [item.state, item.shareState])).toEqual([
      ['delivered', 'active'],
      ['cancelled', 'revoked'],
      ['cancelled', undefined],
    ]);
    expect(detail.items[1]!.shareId).toBe(made.shareId);
    expectError(await s.admin.tab.post(`/api/v1/batches/${batchId}/cancel`, {}), 409, 'batch_not_running');
    expectError(
      (await sendItem(s, s.admin, batchId, 2, { guests: [guestPlan('kees@example.nl')] }, 409)).res,
      409,
      'batch_not_running',
    );
    expectError(await s.admin.tab.post(`/api/v1/batches/${batchId}/items/1/redo`, {}), 409, 'batch_not_running');
    const audited = s.t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'batch.cancelled'")
      .pluck()
      .get() as string;
    expect(JSON.parse(audited)).toEqual({ items: 3, cancelled: 2, withdrawn: 1 });
  });

  it('lists the caller’s own batches only, newest first, a page at a time', async () => {
    const s = await withStaff(await suite.office());
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      ids.push(await startBatch(s, s.admin, [{ email: `p${n}@example.nl`, delivery: 'export' }]));
      s.t.clock.advance(1000);
    }
    await startBatch(s, s.staff, [{ email: 'q@example.nl', delivery: 'export' }]);
    const first = BatchList.parse((await s.admin.tab.get('/api/v1/batches?limit=2')).body);
    expect(first.batches.map((b) => b.batchId)).toEqual([ids[2], ids[1]]);
    expect(first.more).toBe(true);
    const next = BatchList.parse(
      (await s.admin.tab.get(`/api/v1/batches?limit=2&before=${encodeURIComponent(first.batches[1]!.createdAt)}`)).body,
    );
    expect(next).toMatchObject({ batches: [{ batchId: ids[0] }], more: false });
    // Batches made in the same millisecond: paged by id at the boundary, none skipped or shown twice.
    const sameMoment: string[] = [];
    for (let n = 0; n < 3; n++)
      sameMoment.push(await startBatch(s, s.admin, [{ email: `r${n}@example.nl`, delivery: 'export' }]));
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = BatchList.parse((await s.admin.tab.get(`/api/v1/batches?limit=1${cursor}`)).body);
      seen.push(...page.batches.map((b) => b.batchId));
      if (!page.more) break;
      const last = page.batches.at(-1)!;
      cursor = `&before=${encodeURIComponent(last.createdAt)}&beforeId=${last.batchId}`;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 3).sort()).toEqual([...sameMoment].sort());
    expect(seen.slice(3)).toEqual([ids[2], ids[1], ids[0]]);
    expectError(await s.admin.tab.get(`/api/v1/batches?beforeId=${ids[0]}`), 400, 'invalid_input');
    expectError(await s.admin.tab.get('/api/v1/batches?limit=0'), 400, 'invalid_input');
    expectError(await s.admin.tab.get('/api/v1/batches?before=yesterday'), 400, 'invalid_input');
    expectError(await s.staff.tab.get(`/api/v1/batches/${ids[0]}`), 404, 'not_found');
    expectError(await s.admin.tab.get('/api/v1/batches/not-an-id'), 404, 'not_found');
  });

  it('carries on after a restart: the same data folder, a new app, the next item', async () => {
    const s = await withStaff(await suite.office());
    const batchId = await startBatch(s, s.admin, [
      { email: 'piet@example.nl', delivery: 'export' },
      { email: 'kees@example.nl', delivery: 'export' },
    ]);
    await sendItem(s, s.admin, batchId, 0, { guests: [guestPlan('piet@example.nl')] });

    // The server stops (its database closed) and starts again over the same data folder.
    s.t.mailQueue.stop();
    s.t.db.close();
    const { db } = await openStore(s.t.config);
    const mailQueue = createMailQueue({ db, mailer: s.t.mailer, log: s.t.logs.log });
    const app = createApp({
      config: s.t.config,
      db,
      mailQueue,
      mailer: s.t.mailer,
      clock: s.t.clock,
      log: s.t.logs.log,
      serverKey: s.t.serverKey,
      clientDir: s.t.clientDir,
    });
    const again: SendingOffice = { ...s, t: { ...s.t, app, db } };
    const admin = { ...s.admin, tab: (await signIn(again, s.admin, tab(app))).tab };
    try {
      // The item made before the stop stays made; the browser redoes it (its link secret was
      // in the closed tab) and makes both.
      expect((await report(again, admin, batchId)).items.map((item) => item.state)).toEqual(['created', 'pending']);
      expect((await admin.tab.post(`/api/v1/batches/${batchId}/items/0/redo`, {})).status).toBe(204);
      await sendItem(again, admin, batchId, 0, { guests: [guestPlan('piet@example.nl')] });
      await sendItem(again, admin, batchId, 1, { guests: [guestPlan('kees@example.nl')] });
      expect((await admin.tab.post(`/api/v1/batches/${batchId}/exported`, { itemNos: [0, 1] })).status).toBe(204);
      expect((await report(again, admin, batchId)).state).toBe('done');
    } finally {
      mailQueue.stop();
      db.close();
    }
  });

  it('lets an admin erase a batch’s recipient and its sender: their items and batches go, the rest stays', async () => {
    const s = await withStaff(await suite.office());
    const batchId = await startBatch(s, s.staff, [
      { email: 'piet@example.nl', delivery: 'export' },
      { email: 'kees@example.nl', delivery: 'export' },
    ]);
    await sendItem(s, s.staff, batchId, 0, { guests: [guestPlan('piet@example.nl')] });
    await sendItem(s, s.staff, batchId, 1, { guests: [guestPlan('kees@example.nl')] });
    expect((await s.staff.tab.post(`/api/v1/batches/${batchId}/exported`, { itemNos: [0] })).status).toBe(204);
    const exported = async (email: string) => {
      const res = await s.admin.tab.post('/api/v1/admin/privacy/export', { email });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return PrivacyExport.parse(res.body);
    };
    // The export names the person's own item and the sender's batch, and nothing of the file.
    const piet = await exported('piet@example.nl');
    expect(piet.batchItems.map(({ deliveredAt, ...item }) => ({ ...item, delivered: deliveredAt !== null }))).toEqual([
      { batchId, itemNo: 0, delivery: 'export', state: 'delivered', delivered: true },
    ]);
    expect(piet.batchesSent).toEqual([]);
    const bram = await exported('bram@kantoor.example');
    expect(bram.batchItems).toEqual([]);
    expect(bram.batchesSent.map(({ batchId: id, itemCount, state }) => ({ id, itemCount, state }))).toEqual([
      { id: batchId, itemCount: 2, state: 'running' },
    ]);
    const erase = async (email: string) => {
      const preview = await s.admin.tab.post('/api/v1/admin/privacy/preview', { email });
      expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      const { confirmation } = PrivacyPreview.parse(preview.body);
      const erased = await s.admin.tab.post('/api/v1/admin/privacy/erase', { email, confirmation });
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    };
    await erase('piet@example.nl');
    expect((await report(s, s.staff, batchId)).items.map((item) => [item.email, item.state])).toEqual([
      ['kees@example.nl', 'created'],
    ]);
    expect(s.t.db.prepare("SELECT count(*) FROM batch_items WHERE email = 'piet@example.nl'").pluck().get()).toBe(0);
    await erase('bram@kantoor.example');
    expect(s.t.db.prepare('SELECT count(*) FROM batches').pluck().get()).toBe(0);
    expect(s.t.db.prepare('SELECT count(*) FROM batch_items').pluck().get()).toBe(0);
  });
});
