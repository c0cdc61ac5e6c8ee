// Privacy rights (shared/wire/privacy.ts, server/privacy), who may ask and the export: admins
// only, unknown addresses, and an export holding everything Coffer holds about one person (and
// nobody else's address or name).
import { describe, expect, it } from 'vitest';
import { idToWire, toBase64Url, toHex } from '../../shared/crypto/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { guestPlan, makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { makeClient } from '../helpers/clients.js';
import { makeDrop, proveAddress, uploadToDrop } from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { codeFromMail, sendShare } from '../helpers/sharing.js';
import { rawDatabase } from '../helpers/storage.js';
import {
  privacySuite,
  PREVIEW,
  EXPORT,
  ERASE,
  ADMIN,
  BRAM,
  CARLA,
  GUEST,
  OTHER_GUEST,
  CLIENT_OF_CARLA,
  exportOf,
  auditRefOf,
  blobNames,
  guestDownloads,
  carlasHistory,
} from './support/privacy.js';

const { office } = privacySuite();

/** Every object key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      keysOf(inner, into);
    }
  }
  return into;
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('who may ask', () => {
  it('answers admins only: 401 without a session, 403 for staff and clients, and never looks the address up for them', async () => {
    const s = await office();
    const client = await makeClient(s, s.staff, 'piet@klant.example', 'Piet Klant');
    const before = s.t.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    for (const path of [PREVIEW, EXPORT, ERASE]) {
      const body =
        path === ERASE ? { email: CARLA.email, confirmation: toBase64Url(new Uint8Array(32)) } : { email: CARLA.email };
      expectError(await tab(s.t.app).post(path, body), 401, 'signed_out');
      expectError(await s.staff.tab.post(path, body), 403, 'forbidden');
      expectError(await s.carla.tab.post(path, body), 403, 'forbidden');
      expectError(await client.tab.post(path, body), 403, 'forbidden');
    }
    // Nothing was exported or erased: no privacy entry, Carla still signs in.
    expect(s.t.db.prepare("SELECT count(*) FROM audit_log WHERE action LIKE 'privacy.%'").pluck().get()).toBe(0);
    expect(s.t.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before);
    expect((await s.carla.tab.get('/api/v1/session')).status).toBe(200);
  });

  it('refuses a malformed address or confirmation with 400, and GET with 405', async () => {
    const s = await office();
    expectError(await s.admin.tab.post(PREVIEW, { email: 'not an address' }), 400, 'invalid_input');
    expectError(await s.admin.tab.post(EXPORT, {}), 400, 'invalid_input');
    expectError(await s.admin.tab.post(ERASE, { email: CARLA.email }), 400, 'invalid_input');
    expectError(await s.admin.tab.post(ERASE, { email: CARLA.email, confirmation: 'short' }), 400, 'invalid_input');
    expectError(await s.admin.tab.post(PREVIEW, { email: CARLA.email, extra: 1 }), 400, 'invalid_input');
    // The address never travels in a URL: there is no GET.
    expectError(await s.admin.tab.get(PREVIEW), 405, 'method_not_allowed');
  });

  it('answers 404 for an address Coffer holds nothing about, and records nothing', async () => {
    const s = await office();
    const unknown = 'nobody@nowhere.example';
    expectError(await s.admin.tab.post(PREVIEW, { email: unknown }), 404, 'not_found');
    expectError(await s.admin.tab.post(EXPORT, { email: unknown }), 404, 'not_found');
    expectError(
      await s.admin.tab.post(ERASE, { email: unknown, confirmation: toBase64Url(new Uint8Array(32)) }),
      404,
      'not_found',
    );
    expect(s.t.db.prepare("SELECT count(*) FROM audit_log WHERE action LIKE 'privacy.%'").pluck().get()).toBe(0);
    expect(rawDatabase(s).includes(unknown)).toBe(false);
  });
});

describe('export', () => {
  it('holds a staff member’s account, shares, drops, uploads and audit entries, and nobody else’s address or name', async () => {
    const s = await office();
    const h = await carlasHistory(s);
    const { document, text } = await exportOf(s.admin.tab, CARLA.email.toUpperCase());

    expect(document.email).toBe(CARLA.email);
    expect(document.account).toMatchObject({
      userId: idToWire(s.carla.account.userId),
      name: CARLA.name,
      email: CARLA.email,
      role: 'staff',
      status: 'active',
      approval: 'approved',
    });
    expect(document.account?.sessions.length).toBeGreaterThan(0);
    expect(document.invitations).toHaveLength(1);
    expect(document.invitations[0]).toMatchObject({ kind: 'invitation', role: 'staff' });
    expect(document.invitations[0]?.acceptedAt).not.toBeNull();

    expect(document.sharesSent).toEqual([
      expect.objectContaining({
        shareId: h.sentByCarla.shareId,
        state: 'active',
        fileCount: 2,
        recipientCount: 2,
        downloadsUsed: 0,
      }),
    ]);
    expect(document.sharesSent[0]?.bytes).toBe(
      h.sentByCarla.files.reduce((sum, file) => sum + file.container.length, 0),
    );
    expect(document.sharesReceived.map((share) => share.shareId).sort()).toEqual(
      [h.toCarlaAndGuest.shareId, h.toCarlaOnly.shareId].sort(),
    );
    for (const share of document.sharesReceived)
      expect(share).toMatchObject({ senderName: BRAM.name, kind: 'account', state: 'active', fileCount: 1 });

    expect(document.drops).toEqual([
      expect.objectContaining({
        dropId: h.carlasDrop.dropId,
        relation: 'owner',
        uploadCount: 1,
        title: null,
        instructions: null,
        ownerName: null,
      }),
    ]);
    // Jan's upload is in Carla's drop, but it is Jan's: not listed as hers.
    expect(document.dropUploads).toEqual([]);
    expect(document.uploads).toEqual([expect.objectContaining({ uploadId: h.unfinished, completedAt: null })]);

    // Her pseudonym, resolved; the entries she acted in or was the object of.
    const ref = auditRefOf(s.t.db, CARLA.email);
    expect(document.pseudonyms).toContainEqual({ ref, kind: 'user', name: CARLA.name, email: CARLA.email });
    const actions = document.auditEntries.map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'invitation.created',
        'invitation.accepted',
        'user.approved',
        'share.created',
        'drop.created',
      ]),
    );
    const created = document.auditEntries.find((entry) => entry.action === 'share.created');
    expect(created?.actor).toEqual({ who: 'subject', ref });
    const approved = document.auditEntries.find((entry) => entry.action === 'user.approved');
    expect(approved?.actor).toEqual({ who: 'someone-else' });
    expect(approved?.object).toEqual({ type: 'user', ref, subject: true });
    // Bram's sends name Bram, not Carla: they are not Carla's entries.
    expect(document.auditEntries.filter((entry) => entry.action === 'share.created')).toHaveLength(1);

    // Nobody else's address or pseudonym; Bram's name only as the sender of what she received.
    for (const address of [GUEST, OTHER_GUEST, CLIENT_OF_CARLA, BRAM.email, ADMIN.email])
      expect(text, address).not.toContain(address);
    expect(text).not.toContain(ADMIN.name);
    expect(occurrences(text, BRAM.name)).toBe(document.sharesReceived.length);
    for (const other of [ADMIN.email, BRAM.email]) expect(text).not.toContain(auditRefOf(s.t.db, other));
    for (const otherRef of blobNames(s.t.db, 'SELECT audit_ref FROM share_recipients WHERE email <> ?', CARLA.email))
      expect(text).not.toContain(otherRef);

    // No key material or secrets: no such fields, and none of Carla's keys or the guest's Ks.
    const keys = [...keysOf(document)].filter((key) => key !== 'certificateVersion');
    expect(
      keys.filter((key) => /key|secret|verifier|bundle|hash|manifest|certificate|token|label|sealed/i.test(key)),
    ).toEqual([]);
    for (const secret of [
      s.carla.account.keys.identity.publicKey,
      s.carla.account.keys.encryption.publicKey,
      h.guest.serverHalf,
      h.guest.linkSecret,
    ]) {
      expect(text).not.toContain(toBase64Url(secret));
      expect(text).not.toContain(toHex(secret));
    }

    // Audited, by pseudonym only, in the chain.
    const entry = s.t.db
      .prepare("SELECT actor_ref, object_type, object_ref, details FROM audit_log WHERE action = 'privacy.exported'")
      .get() as {
      actor_ref: Uint8Array;
      object_type: string;
      object_ref: Uint8Array;
      details: string;
    };
    expect(toHex(entry.actor_ref)).toBe(auditRefOf(s.t.db, ADMIN.email));
    expect(entry.object_type).toBe('user');
    expect(toHex(entry.object_ref)).toBe(ref);
    expect(entry.details).not.toContain(CARLA.email);
    expect(JSON.parse(entry.details)).toMatchObject({
      account: true,
      sharesSent: 1,
      sharesReceived: 2,
      drops: 1,
      uploads: 1,
    });
    expect(verifyChain(s.t.db).ok).toBe(true);
  });

  it('holds a guest’s received shares, bound drop and uploads, without the other recipients or the senders’ addresses', async () => {
    const s = await office();
    const guest = guestPlan(GUEST);
    const other = guestPlan(OTHER_GUEST);
    const both = await sendShare(s, s.staff, { guests: [guest, other] });
    await guestDownloads(s, both, guest);
    const drop = await makeDrop(s, s.staff, {
      email: GUEST,
      title: 'Uw loonstroken 2025',
      instructions: 'Graag voor 1 maart.',
    });
    const grant = await proveAddress(s.t.app, s.mail, drop.dropId, GUEST);
    const { answer } = await uploadToDrop(s.t.app, drop, grant, [
      makeFile(randomPlaintext(3000)),
      makeFile(randomPlaintext(200)),
    ]);

    const { document, text } = await exportOf(s.admin.tab, GUEST);
    expect(document.account).toBeNull();
    expect(document.invitations).toEqual([]);
    expect(document.sharesSent).toEqual([]);
    expect(document.sharesReceived).toEqual([
      expect.objectContaining({ shareId: both.shareId, senderName: BRAM.name, kind: 'guest' }),
    ]);
    expect(document.sharesReceived[0]?.codeConfirmedAt).not.toBeNull();
    expect(document.sharesReceived[0]?.firstDownloadAt).not.toBeNull();
    expect(document.drops).toEqual([
      expect.objectContaining({
        dropId: drop.dropId,
        relation: 'bound',
        ownerName: BRAM.name,
        title: 'Uw loonstroken 2025',
        instructions: 'Graag voor 1 maart.',
        uploadCount: 1,
      }),
    ]);
    expect(document.dropUploads).toEqual([
      expect.objectContaining({
        dropUploadId: answer.dropUploadId,
        dropId: drop.dropId,
        fileCount: 2,
        namesRecord: false,
      }),
    ]);
    // One pseudonym per share recipient and per bound drop, each with the guest's address.
    expect(document.pseudonyms).toHaveLength(2);
    for (const pseudonym of document.pseudonyms) expect(pseudonym).toMatchObject({ kind: 'recipient', email: GUEST });
    const actions = document.auditEntries.map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'share.code_requested',
        'share.code_confirmed',
        'share.downloaded',
        'drop.code_confirmed',
        'drop.uploaded',
      ]),
    );
    for (const entry of document.auditEntries) expect(entry.actor).toMatchObject({ who: 'subject' });
    // The upload's id in drop.uploaded is the guest's own: kept.
    expect(document.auditEntries.find((entry) => entry.action === 'drop.uploaded')?.details['upload']).toBe(
      toHex(Buffer.from(answer.dropUploadId, 'base64url')),
    );
    for (const address of [OTHER_GUEST, BRAM.email, ADMIN.email, CARLA.email])
      expect(text, address).not.toContain(address);
    expect(text).not.toContain(toBase64Url(guest.serverHalf));
  });

  it('leaves out other people’s pseudonyms in the details of an entry the person acted in', async () => {
    const s = await office();
    const other = guestPlan(OTHER_GUEST);
    const sent = await sendShare(s, s.carla, { guests: [other] });
    // Carla unlocks her guest's link after ten wrong codes: the entry names the guest's pseudonym.
    const link = tab(s.t.app);
    const path = `/api/v1/links/${idToWire(other.linkId)}`;
    for (let round = 0; round < 2; round++) {
      expect((await link.post(`${path}/code`, {})).status).toBe(200);
      const code = await codeFromMail(s.mail, OTHER_GUEST, round + 1);
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++)
        expect((await link.post(`${path}/verify`, { code: wrong })).status).toBe(round === 1 && i === 4 ? 423 : 401);
    }
    const recipientRef = toHex(
      s.t.db.prepare('SELECT audit_ref FROM share_recipients WHERE email = ?').pluck().get(OTHER_GUEST) as Uint8Array,
    );
    expect(s.t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'share.recipient_locked'").pluck().get()).toBe(
      1,
    );
    const unlocked = await s.carla.tab.post(
      `/api/v1/shares/${sent.shareId}/recipients/${idToWire(other.recipientId)}/unlock`,
      {},
    );
    expect(unlocked.status, JSON.stringify(unlocked.body)).toBe(204);

    const { document, text } = await exportOf(s.admin.tab, CARLA.email);
    const entry = document.auditEntries.find((e) => e.action === 'share.recipient_unlocked');
    expect(entry?.actor).toMatchObject({ who: 'subject' });
    expect(entry?.details['recipient']).toBeNull();
    expect(text).not.toContain(recipientRef);
    expect(text).not.toContain(OTHER_GUEST);
  });
});
