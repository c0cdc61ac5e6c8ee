// Shares after they are sent: the sender's and the office's view, revoke, extend, takeover, the
// sender's download, recipient lookup, pins, and shares received by an account.
import { describe, expect, it } from 'vitest';
import { idToWire, newId, toBase64Url } from '../../shared/crypto/index.js';
import {
  GrantResponse,
  PinList,
  ReceivedList,
  RecipientLookupResponse,
  ShareDetail,
  ShareForRecipient,
} from '../../shared/wire/index.js';
import { decryptDownload, guestPlan, makeFile, openAsAccount, randomPlaintext } from '../helpers/browser-shares.js';
import { expectError } from '../helpers/expect.js';
import { approve, inviteAndAccept, type Member } from '../helpers/office.js';
import { DAY_MS, fetchFile, guestFilePath, sendShare, signInAgain, type SendingOffice } from '../helpers/sharing.js';
import { staffSuite } from './support/staff-suite.js';

const { office } = staffSuite();

describe("the sender's side", () => {
  it('downloads the sender’s own copy without counting, with the download headers', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin, { downloadLimit: 1 });
    const fileId = sent.built.request.files[0]!.fileId;
    for (let i = 0; i < 2; i++) {
      const res = await fetchFile(s.t.app, `/api/v1/shares/${sent.shareId}/files/${fileId}`, undefined, {
        who: s.admin.tab,
      });
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, Buffer.from(sent.files[0]!.container))).toBe(0);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileId}.coffer"`);
    }
    const ranged = await fetchFile(s.t.app, `/api/v1/shares/${sent.shareId}/files/${fileId}`, undefined, {
      who: s.admin.tab,
      range: 'bytes=0-28',
    });
    expect(ranged.status).toBe(206);
    expect((ranged.body as Buffer).length).toBe(29);
    expect(ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).downloadsUsed).toBe(0);
    expectError(await s.admin.tab.get(`/api/v1/shares/${sent.shareId}/files/${idToWire(newId())}`), 404, 'not_found');
    expectError(await s.admin.tab.get(`/api/v1/shares/${idToWire(newId())}/files/${fileId}`), 404, 'not_found');
  });

  it('revokes: 410 for the sender’s download and the link, history kept, 404 for an unknown id', async () => {
    const s = await office();
    const guest = guestPlan('klant@example.nl');
    const sent = await sendShare(s, s.admin, { guests: [guest] });
    const fileId = sent.built.request.files[0]!.fileId;
    expect((await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {})).status).toBe(204);
    expect(ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body)).toMatchObject({
      state: 'revoked',
    });
    expectError(await s.admin.tab.get(`/api/v1/shares/${sent.shareId}/files/${fileId}`), 410, 'share_revoked');
    expectError(await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {}), 410, 'share_revoked');
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
        expiresAt: new Date(s.t.clock.now() + DAY_MS).toISOString(),
      }),
      410,
      'share_revoked',
    );
    const link = await s.admin.tab.get(`/api/v1/links/${idToWire(guest.linkId)}`);
    expectError(link, 410, 'share_revoked');
    expectError(await s.admin.tab.post(`/api/v1/links/${idToWire(guest.linkId)}/code`, {}), 410, 'share_revoked');
    expectError(await fetchFile(s.t.app, guestFilePath(guest, fileId), undefined), 401, 'grant_invalid');
    // An unknown share or recipient is 404, not 410.
    expectError(await s.admin.tab.get(`/api/v1/shares/${idToWire(newId())}`), 404, 'not_found');
    expectError(await s.admin.tab.post(`/api/v1/shares/${idToWire(newId())}/revoke`, {}), 404, 'not_found');
    expectError(await s.admin.tab.get(`/api/v1/links/${idToWire(newId())}`), 404, 'not_found');
  });

  it('extends within the policy only', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin);
    const to = s.t.clock.now() + 20 * DAY_MS;
    expect(
      (await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, { expiresAt: new Date(to).toISOString() }))
        .status,
    ).toBe(204);
    expect(
      Date.parse(ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).expiresAt),
    ).toBe(to);
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
        expiresAt: new Date(s.t.clock.now() + 31 * DAY_MS).toISOString(),
      }),
      400,
      'invalid_input',
    );
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, { expiresAt: 'tomorrow' }),
      400,
      'invalid_input',
    );
    // An expired share cannot be brought back.
    s.t.clock.advance(21 * DAY_MS);
    await signInAgain(s, s.admin);
    expectError(
      await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
        expiresAt: new Date(s.t.clock.now() + DAY_MS).toISOString(),
      }),
      410,
      'share_expired',
    );
  });

  it('lets a colleague take over (view, download, extend, revoke), each written to the audit log as a takeover', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin);
    const fileId = sent.built.request.files[0]!.fileId;
    expect((await s.staff.tab.get(`/api/v1/shares/${sent.shareId}`)).status).toBe(200);
    expect(
      (await fetchFile(s.t.app, `/api/v1/shares/${sent.shareId}/files/${fileId}`, undefined, { who: s.staff.tab }))
        .status,
    ).toBe(200);
    expect(
      (
        await s.staff.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
          expiresAt: new Date(s.t.clock.now() + DAY_MS).toISOString(),
        })
      ).status,
    ).toBe(204);
    expect((await s.staff.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {})).status).toBe(204);
    const takeovers = s.t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'share.takeover' ORDER BY seq")
      .pluck()
      .all() as string[];
    expect(takeovers.map((d) => (JSON.parse(d) as { action: string }).action)).toEqual([
      'view',
      'download',
      'extend',
      'revoke',
    ]);
    const revoked = s.t.db.prepare("SELECT actor_ref, details FROM audit_log WHERE action = 'share.revoked'").get() as {
      actor_ref: Uint8Array;
      details: string;
    };
    expect(JSON.parse(revoked.details)).toEqual({ takeover: true });
    // The sender's own actions are not takeovers.
    const mine = await sendShare(s, s.admin);
    expect((await s.admin.tab.post(`/api/v1/shares/${mine.shareId}/revoke`, {})).status).toBe(204);
    expect(s.t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'share.takeover'").pluck().get()).toBe(4);
  });
});

describe('recipient lookup', () => {
  it('tells accounts (with keys and certificate) from addresses, and which were never used', async () => {
    const s = await office();
    const pending = await inviteAndAccept(s, 'cas@kantoor.example', 'staff', undefined, 'Cas de Vries');
    await sendShare(s, s.admin, { guests: [guestPlan('oud@example.nl')] });
    const res = await s.staff.tab.post('/api/v1/recipients/lookup', {
      emails: ['Anna@Kantoor.example', 'cas@kantoor.example', 'oud@example.nl', 'nieuw@example.nl'],
    });
    expect(res.status).toBe(200);
    const { recipients } = RecipientLookupResponse.parse(res.body);
    expect(
      recipients.map((r) => [r.email, r.account?.userId ?? null, r.account?.certificate !== undefined, r.seenBefore]),
    ).toEqual([
      ['anna@kantoor.example', idToWire(s.admin.account.userId), true, true],
      ['cas@kantoor.example', idToWire(pending.account.userId), false, true],
      ['oud@example.nl', null, false, true],
      ['nieuw@example.nl', null, false, false],
    ]);
    expect(recipients[0]?.account?.identityPublicKey).toBe(toBase64Url(s.admin.account.keys.identity.publicKey));
    expectError(await s.staff.tab.post('/api/v1/recipients/lookup', { emails: [] }), 400, 'invalid_input');
  });
});

describe('pins', () => {
  it('stores each user’s own pins and hands them only to that user', async () => {
    const s = await office();
    const envelope = (fill: number) => toBase64Url(new Uint8Array(120).fill(fill));
    const subjectId = idToWire(s.staff.account.userId);
    expect((await s.admin.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: envelope(1) })).status).toBe(204);
    expect((await s.admin.tab.put(`/api/v1/me/pins/office/${subjectId}`, { envelope: envelope(2) })).status).toBe(204);
    expect((await s.admin.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: envelope(3) })).status).toBe(204);
    expect(PinList.parse((await s.admin.tab.get('/api/v1/me/pins')).body).pins).toEqual([
      { subject: 'office', subjectId, envelope: envelope(2) },
      { subject: 'user', subjectId, envelope: envelope(3) },
    ]);
    // Another user sees only their own (none), and writes only their own.
    expect(PinList.parse((await s.staff.tab.get('/api/v1/me/pins')).body).pins).toEqual([]);
    expect((await s.staff.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: envelope(4) })).status).toBe(204);
    expect(PinList.parse((await s.admin.tab.get('/api/v1/me/pins')).body).pins[1]?.envelope).toBe(envelope(3));
    expectError(
      await s.admin.tab.put(`/api/v1/me/pins/drop/${subjectId}`, { envelope: envelope(1) }),
      404,
      'not_found',
    );
    expectError(
      await s.admin.tab.put(`/api/v1/me/pins/user/${subjectId}`, { envelope: 'short' }),
      400,
      'invalid_input',
    );
  });
});

describe('shares received by an account', () => {
  async function received(s: SendingOffice, member: Member, shareId: string) {
    const res = await member.tab.get(`/api/v1/received/${shareId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return ShareForRecipient.parse(res.body);
  }

  it('lists them, opens the keys sealed to the caller, and downloads with the session and a grant', async () => {
    const s = await office();
    const plaintext = randomPlaintext(200_000);
    const sent = await sendShare(s, s.admin, { files: [makeFile(plaintext)], accounts: [s.staff], downloadLimit: 2 });
    const list = ReceivedList.parse((await s.staff.tab.get('/api/v1/received')).body);
    expect(list.shares).toEqual([
      {
        shareId: sent.shareId,
        senderName: 'Anna de Boer',
        createdAt: expect.any(String) as unknown,
        expiresAt: expect.any(String) as unknown,
        state: 'active',
        fileCount: 1,
      },
    ]);
    const share = await received(s, s.staff, sent.shareId);
    expect(share.recipientId).toBe(sent.accountRecipients.get(idToWire(s.staff.account.userId)));
    expect(share.downloadsLeft).toBe(2);
    const { keys, manifest } = openAsAccount(s.staff.account, share, s.office.keys.signing.publicKey);
    const fileId = share.files[0]!.fileId;
    const path = `/api/v1/received/${sent.shareId}/files/${fileId}`;
    // The session alone is not enough.
    expectError(await fetchFile(s.t.app, path, undefined, { who: s.staff.tab }), 401, 'grant_invalid');
    const { grant } = GrantResponse.parse((await s.staff.tab.post(`/api/v1/received/${sent.shareId}/grant`, {})).body);
    // The grant alone is not enough either.
    expectError(await fetchFile(s.t.app, path, grant), 401, 'signed_out');
    const res = await fetchFile(s.t.app, path, grant, { who: s.staff.tab });
    expect(res.status).toBe(200);
    expect(
      Buffer.from(decryptDownload(keys.get(fileId)!, fileId, new Uint8Array(res.body as Buffer), manifest)),
    ).toEqual(Buffer.from(plaintext));
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.downloadsUsed).toBe(1);
    expect(detail.recipients[0]?.firstDownloadAt).not.toBeNull();
  });

  it('is 404 for anyone who is not a recipient, and the sender gets no recipient view', async () => {
    const s = await office();
    const other = await inviteAndAccept(s, 'dirk@kantoor.example', 'staff', undefined, 'Dirk Bakker');
    await approve(s, other);
    const sent = await sendShare(s, s.admin, { accounts: [s.staff] });
    const fileId = sent.built.request.files[0]!.fileId;
    const { grant } = GrantResponse.parse((await s.staff.tab.post(`/api/v1/received/${sent.shareId}/grant`, {})).body);
    for (const who of [other.tab, s.admin.tab]) {
      expectError(await who.get(`/api/v1/received/${sent.shareId}`), 404, 'not_found');
      expectError(await who.post(`/api/v1/received/${sent.shareId}/grant`, {}), 404, 'not_found');
      // Even with the recipient's own grant.
      expectError(
        await fetchFile(s.t.app, `/api/v1/received/${sent.shareId}/files/${fileId}`, grant, { who }),
        404,
        'not_found',
      );
    }
    expect(ReceivedList.parse((await other.tab.get('/api/v1/received')).body).shares).toEqual([]);
    expectError(await s.staff.tab.get(`/api/v1/received/${idToWire(newId())}`), 404, 'not_found');
  });

  it('answers 410 to the recipient once the share expired or was revoked', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin, { accounts: [s.staff], expiresInMs: DAY_MS });
    s.t.clock.advance(DAY_MS);
    await signInAgain(s, s.staff);
    await signInAgain(s, s.admin);
    expectError(await s.staff.tab.get(`/api/v1/received/${sent.shareId}`), 410, 'share_expired');
    expectError(await s.staff.tab.post(`/api/v1/received/${sent.shareId}/grant`, {}), 410, 'share_expired');
    expect(ReceivedList.parse((await s.staff.tab.get('/api/v1/received')).body).shares[0]?.state).toBe('expired');
    const revoked = await sendShare(s, s.admin, { accounts: [s.staff] });
    expect((await s.admin.tab.post(`/api/v1/shares/${revoked.shareId}/revoke`, {})).status).toBe(204);
    expectError(await s.staff.tab.get(`/api/v1/received/${revoked.shareId}`), 410, 'share_revoked');
  });
});
