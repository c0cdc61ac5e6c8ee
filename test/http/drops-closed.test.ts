// Drops that are closed or expired (410), and everything about a drop from outside: 404 for every
// foreign id, in paths and in bodies; a colleague who gets only sealed bytes for another member's
// label; a disabled member's drops.
import { describe, expect, it } from 'vitest';
import { DecryptError, fromBase64Url, idToWire, newId, openDropLabel } from '../../shared/crypto/index.js';
import { DropList, OfficeKeysResponse } from '../../shared/wire/index.js';
import { openSealedOfficeKeys } from '../helpers/browser.js';
import { tab, type Tab } from '../helpers/client.js';
import { makeClient } from '../helpers/clients.js';
import {
  buildSubmission,
  CLIENT_EMAIL,
  dropDetail,
  dropUploads,
  makeDrop,
  openDropUpload,
  openLabel,
  ownerHolder,
  proveAddress,
  startOpenDrop,
  submit,
  uploadToDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { approve, inviteAndAccept } from '../helpers/office.js';
import { binary, DAY_MS, putPart, signInAgain, uploadContainer, uploadRequest } from '../helpers/sharing.js';
import { filesIn } from '../helpers/storage.js';
import { HOUR_MS, counts, auditActions, downloadAs, asOffice, files } from './support/drops.js';
import { staffSuite } from './support/staff-suite.js';

const { suite, office } = staffSuite();

describe('closed and expired drops', () => {
  it('answer 410 to link holders (a single-use drop closes after its submission); the office still sees and opens what arrived', async () => {
    const s = await office();
    const once = await makeDrop(s, s.staff, { singleUse: true });
    const early = await startOpenDrop(s.t.app, once.dropId);
    const pending = await uploadContainer(tab(s.t.app), files(50)[0]!.container, dropUploads(once.dropId, early));
    const grant = await startOpenDrop(s.t.app, once.dropId);
    const sent = files(300);
    const { answer } = await uploadToDrop(s.t.app, once, grant, sent);
    // Closed by its use: the other session's unsubmitted upload went at once.
    expectError(await tab(s.t.app).get(`/api/v1/d/${once.dropId}`), 410, 'drop_closed');
    expectError(await tab(s.t.app).post(`/api/v1/d/${once.dropId}/start`, {}), 410, 'drop_closed');
    expectError(
      await uploadRequest(tab(s.t.app), 'get', `/${pending.uploadId}`, dropUploads(once.dropId, early)),
      410,
      'drop_closed',
    );
    expect(s.t.db.prepare('SELECT count(*) FROM uploads').pluck().get()).toBe(0);
    expect(filesIn(s, 'blobs')).toHaveLength(1);
    const detail = await dropDetail(s.staff, once.dropId);
    expect(detail).toMatchObject({ state: 'closed', uploadCount: 1 });
    const opened = await openDropUpload(detail, detail.uploads[0]!, ownerHolder(s.staff.account), async (fileId) => {
      const res = await downloadAs(s, s.staff, once.dropId, answer.dropUploadId, fileId);
      return new Uint8Array(res.body as Buffer);
    });
    expect(Buffer.from(opened.files[0]!.plaintext).equals(Buffer.from(sent[0]!.plaintext))).toBe(true);
    expectError(await s.staff.tab.post(`/api/v1/drops/${once.dropId}/close`, {}), 410, 'drop_closed');

    // Closed by a member (a colleague: audited as a takeover): every link-holder route answers 410.
    const bound = await makeDrop(s, s.staff, { email: 'closed@klant.example' });
    const boundGrant = await proveAddress(s.t.app, suite.mail, bound.dropId, 'closed@klant.example');
    expect((await s.admin.tab.post(`/api/v1/drops/${bound.dropId}/close`, {})).status).toBe(204);
    for (const res of [
      await tab(s.t.app).get(`/api/v1/d/${bound.dropId}`),
      await tab(s.t.app).post(`/api/v1/d/${bound.dropId}/code`, {}),
      await tab(s.t.app).post(`/api/v1/d/${bound.dropId}/verify`, { code: '123456' }),
      await uploadRequest(tab(s.t.app), 'post', '', dropUploads(bound.dropId, boundGrant), { size: 1000 }),
      await submit(s.t.app, bound.dropId, boundGrant, {
        dropUploadId: idToWire(newId()),
        manifest: 'AAAA',
        files: [],
        receiptMail: false,
      }),
    ]) {
      expectError(res, 410, 'drop_closed');
    }

    // Expired: 410 drop_expired; the office still has it.
    const expiring = await makeDrop(s, s.staff, { expiresInMs: HOUR_MS });
    const expiringGrant = await startOpenDrop(s.t.app, expiring.dropId);
    s.t.clock.advance(HOUR_MS);
    expectError(await tab(s.t.app).get(`/api/v1/d/${expiring.dropId}`), 410, 'drop_expired');
    expectError(await tab(s.t.app).post(`/api/v1/d/${expiring.dropId}/start`, {}), 410, 'drop_expired');
    expectError(
      await uploadRequest(tab(s.t.app), 'post', '', dropUploads(expiring.dropId, expiringGrant), { size: 1000 }),
      410,
      'drop_expired',
    );
    await signInAgain(s, s.staff);
    expect((await dropDetail(s.staff, expiring.dropId)).state).toBe('expired');
    expectError(await s.staff.tab.post(`/api/v1/drops/${expiring.dropId}/close`, {}), 410, 'drop_expired');

    // An unknown drop is 404, not 410.
    const unknown = idToWire(newId());
    expectError(await tab(s.t.app).get(`/api/v1/d/${unknown}`), 404, 'not_found');
    expectError(await tab(s.t.app).post(`/api/v1/d/${unknown}/start`, {}), 404, 'not_found');
    expectError(await tab(s.t.app).post(`/api/v1/d/${unknown}/code`, {}), 404, 'not_found');
    expectError(await tab(s.t.app).get('/api/v1/d/not-an-id'), 404, 'not_found');
    expectError(await s.staff.tab.get(`/api/v1/drops/${unknown}`), 404, 'not_found');
    expectError(await s.staff.tab.post(`/api/v1/drops/${unknown}/close`, {}), 404, 'not_found');

    const actions = auditActions(s.t.db);
    expect(actions.filter((a) => a === 'drop.closed')).toHaveLength(2);
    expect(actions).toContain('drop.takeover');
  });
});

describe('everything about a drop', () => {
  it('is 404 for every foreign id, in paths and in bodies, and writes nothing', async () => {
    const s = await office();
    const a = await makeDrop(s, s.staff);
    const b = await makeDrop(s, s.staff);
    const grantA = await startOpenDrop(s.t.app, a.dropId);
    const grantB = await startOpenDrop(s.t.app, b.dropId);
    const [file] = files(200);
    const inA = await uploadContainer(tab(s.t.app), file!.container, dropUploads(a.dropId, grantA));
    const own = await uploadContainer(s.staff.tab, file!.container);

    // A grant names its drop and its session: on another drop it gives no right, refused before
    // any lookup with the 404 of a missing object.
    expectError(
      await uploadRequest(tab(s.t.app), 'get', `/${inA.uploadId}`, dropUploads(b.dropId, grantA)),
      404,
      'not_found',
    );
    // Another session's upload, a member's own upload: 404 like an unknown one, on every route.
    for (const uploadId of [inA.uploadId, own.uploadId, idToWire(newId())]) {
      const target = dropUploads(b.dropId, grantB);
      expectError(await uploadRequest(tab(s.t.app), 'get', `/${uploadId}`, target), 404, 'not_found');
      expectError(await putPart(tab(s.t.app), uploadId, 0, file!.container, target), 404, 'not_found');
      expectError(await uploadRequest(tab(s.t.app), 'post', `/${uploadId}/complete`, target, {}), 404, 'not_found');
      expectError(await uploadRequest(tab(s.t.app), 'delete', `/${uploadId}`, target), 404, 'not_found');
    }
    // A drop session's upload is not the owner's either.
    expectError(await s.staff.tab.get(`/api/v1/uploads/${inA.uploadId}`), 404, 'not_found');
    expectError(await s.staff.tab.delete(`/api/v1/uploads/${inA.uploadId}`), 404, 'not_found');

    // Inside a submission body: another session's upload or a member's own is 404, and nothing is written.
    const before = counts(s.t.db);
    const drop = { dropId: b.keys.dropId, publicKey: b.keys.keyPair.publicKey, secret: b.keys.secret };
    for (const uploadId of [inA.uploadId, own.uploadId]) {
      expectError(
        await submit(s.t.app, b.dropId, grantB, buildSubmission(drop, [{ file: file!, uploadId }]).body),
        404,
        'not_found',
      );
    }
    expect(counts(s.t.db)).toEqual(before);

    // The office's routes: an upload of drop A under drop B, a file of another upload: 404.
    const { answer } = await uploadToDrop(s.t.app, a, await startOpenDrop(s.t.app, a.dropId), files(10));
    const detailA = await dropDetail(s.staff, a.dropId);
    const fileId = detailA.uploads[0]!.files[0]!.fileId;
    expectError(await downloadAs(s, s.staff, b.dropId, answer.dropUploadId, fileId), 404, 'not_found');
    expectError(await downloadAs(s, s.staff, a.dropId, answer.dropUploadId, idToWire(newId())), 404, 'not_found');
    expectError(await downloadAs(s, s.staff, a.dropId, idToWire(newId()), fileId), 404, 'not_found');
    expectError(
      await s.staff.tab.post(`/api/v1/drops/${b.dropId}/uploads/${answer.dropUploadId}/reject`, {}),
      404,
      'not_found',
    );
    expectError(await s.staff.tab.delete(`/api/v1/drops/${b.dropId}/uploads/${answer.dropUploadId}`), 404, 'not_found');
    expect((await dropDetail(s.staff, a.dropId)).uploads).toHaveLength(1);
  });

  it('is closed to everyone outside the office: the same answer for a real drop as for none, and never its data', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, { email: CLIENT_EMAIL });
    const { answer } = await uploadToDrop(
      s.t.app,
      drop,
      await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL),
      files(10),
    );
    const fileId = (await dropDetail(s.staff, drop.dropId)).uploads[0]!.files[0]!.fileId;
    const client = await makeClient(s, s.staff, 'client@klant.example', 'Klant Jansen');
    const pending = await inviteAndAccept(s, 'nieuw@kantoor.example', 'staff', undefined, 'Nieuwe Collega');
    const stranger = tab(s.t.app);

    const probes = (dropId: string) => [
      (who: Tab) => who.get('/api/v1/drops?scope=office'),
      (who: Tab) => who.get(`/api/v1/drops/${dropId}`),
      (who: Tab) => who.post(`/api/v1/drops/${dropId}/close`, {}),
      (who: Tab) => who.post(`/api/v1/drops/${dropId}/unlock`, {}),
      (who: Tab) => who.delete(`/api/v1/drops/${dropId}/uploads/${answer.dropUploadId}`),
      (who: Tab) => who.post(`/api/v1/drops/${dropId}/uploads/${answer.dropUploadId}/reject`, {}),
      (who: Tab) => binary(who.raw('get', `/api/v1/drops/${dropId}/uploads/${answer.dropUploadId}/files/${fileId}`)),
      (who: Tab) => who.delete(`/api/v1/drops/${dropId}`),
    ];
    const unknown = idToWire(newId());
    for (const [who, status, code] of [
      [client.tab, 403, 'forbidden'],
      [pending.tab, 403, 'approval_pending'],
      [stranger, 401, 'signed_out'],
    ] as const) {
      const real = probes(drop.dropId);
      const none = probes(unknown);
      for (let i = 0; i < real.length; i++) {
        const [onReal, onNone] = [await real[i]!(who), await none[i]!(who)];
        expectError(onReal, status, code);
        expect(onReal.body).toEqual(onNone.body);
        expect(JSON.stringify(onReal.body)).not.toContain(drop.request.title);
      }
    }
    // Nothing was changed by any of them.
    const detail = await dropDetail(s.staff, drop.dropId);
    expect(detail).toMatchObject({ state: 'active', uploadCount: 1 });
    expect(detail.uploads[0]?.rejectedAt).toBeNull();
    // The client's own session opens no drop link rights either: the link routes ignore sessions.
    expectError(await client.tab.post(`/api/v1/d/${drop.dropId}/start`, {}), 409, 'wrong_state');
  });

  it('gives a colleague only sealed bytes of another member’s personal label: the office key opens the office copy, nothing else does', async () => {
    const s = await office();
    const personal = await makeDrop(s, s.staff, {
      personal: true,
      email: CLIENT_EMAIL,
      expiresInMs: 200 * DAY_MS,
      label: 'Familie Jansen – privé',
    });
    expect(personal.res.status).toBe(201);
    const colleague = await inviteAndAccept(s, 'carla@kantoor.example', 'staff', undefined, 'Carla de Wit');
    await approve(s, colleague);

    // The colleague sees the row (takeover), with both label copies sealed: no readable label anywhere.
    const listed = DropList.parse((await colleague.tab.get('/api/v1/drops?scope=office')).body).drops;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ personal: true, ownerName: 'Bram Jansen', label: personal.request.label });
    const detail = await dropDetail(colleague, personal.dropId);
    expect(JSON.stringify(detail)).not.toContain('Jansen – privé');
    const dropId = personal.keys.dropId;
    // Their own key opens neither copy.
    const ownKey = colleague.account.keys.encryption;
    expect(() =>
      openDropLabel(fromBase64Url(detail.label!.owner), { dropId, holderId: s.staff.account.userId }, ownKey),
    ).toThrow(DecryptError);
    expect(() =>
      openDropLabel(fromBase64Url(detail.label!.office), { dropId, holderId: s.office.keys.officeId }, ownKey),
    ).toThrow(DecryptError);
    // With the office key (sealed to them at approval), the office copy opens; the owner's still does not.
    const keys = OfficeKeysResponse.parse((await colleague.tab.get('/api/v1/office/keys')).body);
    const officeKeys = openSealedOfficeKeys(s.office, colleague.account, keys.sealedOfficeKeys);
    expect(openLabel(detail, { holderId: officeKeys.officeId, keys: officeKeys.encryption, copy: 'office' })).toBe(
      'Familie Jansen – privé',
    );
    expect(() =>
      openDropLabel(
        fromBase64Url(detail.label!.owner),
        { dropId, holderId: s.staff.account.userId },
        officeKeys.encryption,
      ),
    ).toThrow(DecryptError);
    // A member without the office key (pending approval) gets no drop at all.
    const pending = await inviteAndAccept(s, 'later@kantoor.example', 'staff', undefined, 'Nog Niet');
    expectError(await pending.tab.get(`/api/v1/drops/${personal.dropId}`), 403, 'approval_pending');
    expectError(await pending.tab.get('/api/v1/office/keys'), 403, 'approval_pending');
    expect(auditActions(s.t.db).filter((a) => a === 'drop.takeover')).toHaveLength(1);
  });

  it('keeps a disabled member’s drops working for the office', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, { email: CLIENT_EMAIL });
    expect((await s.admin.tab.post(`/api/v1/admin/users/${idToWire(s.staff.account.userId)}/disable`, {})).status).toBe(
      204,
    );
    const ownerMails = suite.mail.to(s.staff.account.email).length;
    const sent = files(500);
    const { answer } = await uploadToDrop(
      s.t.app,
      drop,
      await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL),
      sent,
    );
    // Nobody mails a disabled account; the office opens the upload with the office key.
    expect(suite.mail.to(s.staff.account.email)).toHaveLength(ownerMails);
    const detail = await dropDetail(s.admin, drop.dropId);
    const opened = await openDropUpload(detail, detail.uploads[0]!, asOffice(s), async (fileId) => {
      return new Uint8Array((await downloadAs(s, s.admin, drop.dropId, answer.dropUploadId, fileId)).body as Buffer);
    });
    expect(opened.files[0]!.name).toBe('loonstrook-1-geheim.pdf');
  });
});
