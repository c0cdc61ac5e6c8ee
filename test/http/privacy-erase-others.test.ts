// Privacy rights: erasing a guest and a client account, a preview that went stale, and the
// refusals (one's own account, the last active admin).
import { describe, expect, it } from 'vitest';
import { idToWire, toHex } from '../../shared/crypto/index.js';
import { PrivacyEraseResponse } from '../../shared/wire/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { AppError } from '../../server/kernel/http/errors.js';
import { guestPlan, makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { tab, type Tab } from '../helpers/client.js';
import { makeClient, personalDropOf, type ClientAccount } from '../helpers/clients.js';
import { dropUploads, makeDrop, proveAddress, startOpenDrop, uploadToDrop } from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { approve, inviteAndAccept, STAFF_PASSWORD } from '../helpers/office.js';
import { sendShare, uploadContainer } from '../helpers/sharing.js';
import { filesIn, rawDatabase, walBytes } from '../helpers/storage.js';
import {
  privacySuite,
  ERASE,
  ADMIN,
  BRAM,
  CARLA,
  GUEST,
  OTHER_GUEST,
  preview,
  exportOf,
  shareBlobs,
  dropBlobs,
  guestDownloads,
  serviceOver,
  callerFor,
} from './support/privacy.js';

const { office } = privacySuite();

async function erase(admin: Tab, email: string): Promise<PrivacyEraseResponse> {
  const { confirmation } = await preview(admin, email);
  const res = await admin.post(ERASE, { email, confirmation });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return PrivacyEraseResponse.parse(res.body);
}

describe('erase', () => {
  it('erases a guest: a share sent only to them goes whole, a shared one keeps its other recipient, their bound drop and uploads go', async () => {
    const s = await office();
    const guest = guestPlan(GUEST);
    const guestAgain = guestPlan(GUEST);
    const other = guestPlan(OTHER_GUEST);
    const only = await sendShare(s, s.staff, { guests: [guest] });
    const shared = await sendShare(s, s.staff, { guests: [guestAgain, other] });
    await guestDownloads(s, shared, guestAgain);
    const drop = await makeDrop(s, s.staff, { email: GUEST });
    const grant = await proveAddress(s.t.app, s.mail, drop.dropId, GUEST);
    await uploadToDrop(s.t.app, drop, grant, [makeFile(randomPlaintext(3000))]);
    // An upload the guest started in a second session and did not submit.
    const second = await proveAddress(s.t.app, s.mail, drop.dropId, GUEST);
    const pending = await uploadContainer(
      tab(s.t.app),
      makeFile(randomPlaintext(1000)).container,
      dropUploads(drop.dropId, second),
    );
    // An open drop of Bram's with someone's upload: not the guest's, stays.
    const open = await makeDrop(s, s.staff);
    await uploadToDrop(s.t.app, open, await startOpenDrop(s.t.app, open.dropId), [makeFile(randomPlaintext(2000))]);

    const gone = [...shareBlobs(s.t.db, only.shareId), ...dropBlobs(s.t.db, drop.dropId)];
    const kept = [...shareBlobs(s.t.db, shared.shareId), ...dropBlobs(s.t.db, open.dropId)];
    const pendingBlob = toHex(
      s.t.db
        .prepare('SELECT blob_id FROM uploads WHERE id = ?')
        .pluck()
        .get(Buffer.from(pending.uploadId, 'base64url')) as Uint8Array,
    );

    const shown = await preview(s.admin.tab, GUEST);
    expect(shown.account).toBeNull();
    expect(shown.eraseRefused).toBeNull();
    expect(shown.counts).toMatchObject({
      accounts: 0,
      sharesSent: 0,
      sharesReceivedOnly: 1,
      sharesReceivedShared: 1,
      dropsOwned: 0,
      dropsBound: 1,
      dropUploads: 1,
      uploads: 1,
      files: 3,
    });
    const erased = await s.admin.tab.post(ERASE, { email: GUEST, confirmation: shown.confirmation });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);

    for (const blob of [...gone, pendingBlob]) expect(filesIn(s, 'blobs')).not.toContain(blob);
    for (const blob of kept) expect(filesIn(s, 'blobs')).toContain(blob);
    const raw = rawDatabase(s);
    expect(raw.includes(GUEST)).toBe(false);
    for (const link of [guest, guestAgain]) expect(raw.includes(Buffer.from(link.serverHalf))).toBe(false);
    expect(raw.includes(OTHER_GUEST)).toBe(true);
    expect(walBytes(s).length).toBe(0);
    expect(verifyChain(s.t.db).ok).toBe(true);

    // The other recipient still downloads; the guest's link and drop are gone (404, not 410).
    const containers = await guestDownloads(s, shared, other);
    expect(containers[0]?.equals(Buffer.from(shared.files[0]?.container ?? []))).toBe(true);
    for (const link of [guest, guestAgain])
      expectError(await tab(s.t.app).get(`/api/v1/links/${idToWire(link.linkId)}`), 404, 'not_found');
    expectError(await tab(s.t.app).get(`/api/v1/d/${drop.dropId}`), 404, 'not_found');
    expectError(await s.staff.tab.get(`/api/v1/shares/${only.shareId}`), 404, 'not_found');
    expect((await s.staff.tab.get(`/api/v1/drops/${open.dropId}`)).status).toBe(200);
    // The guest's pseudonyms keep their place in the log, without the address.
    expect(
      s.t.db
        .prepare("SELECT count(*) FROM audit_people WHERE kind = 'recipient' AND email IS NULL AND name IS NULL")
        .pluck()
        .get(),
    ).toBe(3);
  });

  it('erases a client account: their personal drop with their uploads (done and in progress), the shares sent to them, their name and address', async () => {
    const s = await office();
    const client: ClientAccount = await makeClient(s, s.staff, 'piet@klant.example', 'Piet Klant');
    const { grant, submittedDropUploadId } = await personalDropOf(s, client);
    const pending = await uploadContainer(
      client.tab,
      makeFile(randomPlaintext(1000)).container,
      dropUploads(client.drop.dropId, grant),
    );
    const sent = await sendShare(s, s.staff, { accounts: [client] });
    // Another client with the same advisor: untouched.
    const other = await makeClient(s, s.staff, 'marie@klant.example', 'Marie Klant');
    const othersUpload = await personalDropOf(s, other);

    const { document, text } = await exportOf(s.admin.tab, 'piet@klant.example');
    expect(document.account).toMatchObject({ role: 'client', name: 'Piet Klant' });
    expect(document.invitations).toEqual([expect.objectContaining({ name: 'Piet Klant' })]);
    expect(document.drops).toEqual([
      expect.objectContaining({ dropId: client.drop.dropId, relation: 'bound', personal: true, ownerName: BRAM.name }),
    ]);
    expect(document.dropUploads.map((upload) => upload.dropUploadId)).toEqual([submittedDropUploadId]);
    expect(document.uploads.map((upload) => upload.uploadId)).toEqual([pending.uploadId]);
    expect(document.sharesReceived).toEqual([expect.objectContaining({ shareId: sent.shareId, kind: 'account' })]);
    for (const outsider of ['marie@klant.example', 'Marie Klant', BRAM.email, ADMIN.email])
      expect(text).not.toContain(outsider);

    const gone = [...dropBlobs(s.t.db, client.drop.dropId), ...shareBlobs(s.t.db, sent.shareId)];
    const pendingBlob = toHex(
      s.t.db
        .prepare('SELECT blob_id FROM uploads WHERE id = ?')
        .pluck()
        .get(Buffer.from(pending.uploadId, 'base64url')) as Uint8Array,
    );
    const kept = dropBlobs(s.t.db, other.drop.dropId);
    expect(gone).toHaveLength(2);

    const result = await erase(s.admin.tab, 'piet@klant.example');
    expect(result.counts).toMatchObject({
      accounts: 1,
      dropsBound: 1,
      dropUploads: 1,
      uploads: 1,
      sharesReceivedOnly: 1,
      files: 3,
    });
    for (const blob of [...gone, pendingBlob]) expect(filesIn(s, 'blobs')).not.toContain(blob);
    for (const blob of kept) expect(filesIn(s, 'blobs')).toContain(blob);
    const raw = rawDatabase(s);
    expect(raw.includes('piet@klant.example')).toBe(false);
    expect(raw.includes('Piet Klant')).toBe(false);
    expect(raw.includes('marie@klant.example')).toBe(true);
    expect(verifyChain(s.t.db).ok).toBe(true);
    expectError(await client.tab.get('/api/v1/portal'), 401, 'signed_out');
    // The other client's portal and upload are still there.
    const portal = await other.tab.get(`/api/v1/portal/uploads/${othersUpload.submittedDropUploadId}`);
    expect(portal.status, JSON.stringify(portal.body)).toBe(200);
  });

  it('refuses a preview that no longer matches (409), and the admin’s own account (403) without erasing anything', async () => {
    const s = await office();
    const guest = guestPlan(GUEST);
    await sendShare(s, s.staff, { guests: [guest] });
    const shown = await preview(s.admin.tab, GUEST);
    // A second share to the guest arrives after the admin looked.
    const later = await sendShare(s, s.staff, { guests: [guestPlan(GUEST)] });
    expectError(await s.admin.tab.post(ERASE, { email: GUEST, confirmation: shown.confirmation }), 409, 'wrong_state');
    // The confirmation is for that address only.
    const carlaPreview = await preview(s.admin.tab, CARLA.email);
    expectError(
      await s.admin.tab.post(ERASE, { email: GUEST, confirmation: carlaPreview.confirmation }),
      409,
      'wrong_state',
    );
    expect((await s.staff.tab.get(`/api/v1/shares/${later.shareId}`)).status).toBe(200);
    expect(s.t.db.prepare('SELECT count(*) FROM share_recipients WHERE email = ?').pluck().get(GUEST)).toBe(2);

    const self = await preview(s.admin.tab, ADMIN.email);
    expect(self.eraseRefused).toBe('self');
    expectError(
      await s.admin.tab.post(ERASE, { email: ADMIN.email, confirmation: self.confirmation }),
      403,
      'forbidden',
    );
    expect(s.t.db.prepare('SELECT count(*) FROM users WHERE email = ?').pluck().get(ADMIN.email)).toBe(1);
    expect(s.t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'privacy.erased'").pluck().get()).toBe(0);

    // A fresh preview erases.
    await erase(s.admin.tab, GUEST);
    expect(s.t.db.prepare('SELECT count(*) FROM share_recipients WHERE email = ?').pluck().get(GUEST)).toBe(0);
  });

  it('lets one admin erase another, and refuses the last active admin (409 last_admin)', async () => {
    const s = await office();
    const second = await inviteAndAccept(s, 'dirk@kantoor.example', 'admin', STAFF_PASSWORD, 'Dirk de Vries');
    await approve(s, second, 'admin');
    // Through the API, an admin who is not the target always leaves another active admin: the
    // last-admin rule can only bite a caller who is no longer one. The service is asked directly,
    // with the second admin disabled meanwhile, as a request already past its guard would be.
    const caller = callerFor(s.t.db, 'dirk@kantoor.example');
    expect((await s.admin.tab.post(`/api/v1/admin/users/${idToWire(caller.userId)}/disable`, {})).status).toBe(204);
    const service = serviceOver(s);
    const shown = service.preview(caller, ADMIN.email);
    expect(shown.eraseRefused).toBe('last_admin');
    const refused = await service.erase(caller, ADMIN.email, shown.confirmation).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('last_admin');
    expect((refused as AppError).status).toBe(409);
    expect(s.t.db.prepare('SELECT count(*) FROM users WHERE email = ?').pluck().get(ADMIN.email)).toBe(1);

    // Another admin (not the last one) may be erased: with Dirk active again, Anna erases him.
    expect((await s.admin.tab.post(`/api/v1/admin/users/${idToWire(caller.userId)}/enable`, {})).status).toBe(204);
    const dirkPreview = await preview(s.admin.tab, 'dirk@kantoor.example');
    expect(dirkPreview).toMatchObject({ eraseRefused: null, account: { role: 'admin', status: 'active' } });
    const erased = await s.admin.tab.post(ERASE, {
      email: 'dirk@kantoor.example',
      confirmation: dirkPreview.confirmation,
    });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(s.t.db.prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(caller.userId)).toBe(0);
    expect(rawDatabase(s).includes('Dirk de Vries')).toBe(false);
    expect(verifyChain(s.t.db).ok).toBe(true);
  });
});
