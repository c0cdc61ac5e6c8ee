// Privacy rights: erasing a staff member, their blobs gone from the disk, their address and name
// gone from the raw bytes of the database file and its WAL, other people's shares, drops and files
// untouched, the audit chain still verifying; and a file left to the sweeper's orphan pass.
import { describe, expect, it } from 'vitest';
import { idToWire, toHex } from '../../shared/crypto/index.js';
import { PrivacyEraseResponse, type PrivacyCounts, ShareDetail, UserList } from '../../shared/wire/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { createDiskBlobStore } from '../../server/kernel/blobs/disk.js';
import type { BlobStore } from '../../server/kernel/blobs/store.js';
import { guestPlan } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { sendShare } from '../helpers/sharing.js';
import { filesIn, rawDatabase, sweeperOf, walBytes } from '../helpers/storage.js';
import {
  privacySuite,
  PREVIEW,
  ERASE,
  ADMIN,
  BRAM,
  CARLA,
  GUEST,
  OTHER_GUEST,
  CLIENT_OF_CARLA,
  preview,
  auditRefOf,
  shareBlobs,
  dropBlobs,
  guestDownloads,
  carlasHistory,
  serviceOver,
  callerFor,
} from './support/privacy.js';

const { office } = privacySuite();

describe('erase', () => {
  it('leaves a file it could not remove to the sweeper’s orphan pass, and logs neither its name nor the address', async () => {
    const s = await office();
    const sent = await sendShare(s, s.staff, { guests: [guestPlan(GUEST)] });
    const [blob] = shareBlobs(s.t.db, sent.shareId);
    expect(blob).toBeDefined();
    const disk = createDiskBlobStore(s.t.config.dataDir);
    const busy: BlobStore = {
      ...disk,
      removeBlob: (blobId) =>
        Promise.reject(
          Object.assign(new Error(`EBUSY: resource busy, unlink '${toHex(blobId)}' for ${GUEST}`), {
            code: 'EBUSY',
          }),
        ),
    };
    const service = serviceOver(s, busy);
    const admin = callerFor(s.t.db, ADMIN.email);
    const result = await service.erase(admin, GUEST, service.preview(admin, GUEST).confirmation);
    expect(result.counts).toMatchObject({ sharesReceivedOnly: 1, files: 1 });

    // The rows are gone, the file is still there, and the log says so without naming it.
    expect(s.t.db.prepare('SELECT count(*) FROM share_recipients WHERE email = ?').pluck().get(GUEST)).toBe(0);
    expect(filesIn(s, 'blobs')).toContain(blob);
    const log = s.t.logs.text();
    expect(log).toContain('privacy erase: a blob could not be removed');
    expect(log).toContain('EBUSY');
    expect(log).not.toContain(GUEST);
    expect(log).not.toContain(blob as string);
    expect(rawDatabase(s).includes(GUEST)).toBe(false);

    // No row names it any more: the sweeper's orphan pass removes it.
    const report = await sweeperOf(s).runOnce();
    expect(report.orphans).toBe(1);
    expect(filesIn(s, 'blobs')).not.toContain(blob);
  });

  it('erases a staff member: their shares and drop with their blobs, their access to colleagues’ shares, their data from the raw database and WAL; the rest stays', async () => {
    const s = await office();
    const h = await carlasHistory(s);
    // Bram's own share to a guest, unrelated to Carla: must stay whole.
    const unrelatedGuest = guestPlan('derde@example.nl');
    const unrelated = await sendShare(s, s.staff, { guests: [unrelatedGuest] });
    const carlaRef = auditRefOf(s.t.db, CARLA.email);
    const carlaId = Buffer.from(s.carla.account.userId);

    const goneBlobs = [
      ...shareBlobs(s.t.db, h.sentByCarla.shareId),
      ...shareBlobs(s.t.db, h.toCarlaOnly.shareId),
      ...dropBlobs(s.t.db, h.carlasDrop.dropId),
    ];
    const keptBlobs = [...shareBlobs(s.t.db, h.toCarlaAndGuest.shareId), ...shareBlobs(s.t.db, unrelated.shareId)];
    expect(goneBlobs).toHaveLength(4);
    for (const blob of [...goneBlobs, ...keptBlobs]) expect(filesIn(s, 'blobs')).toContain(blob);
    expect(filesIn(s, 'uploads')).toContain(toHex(Buffer.from(h.unfinished, 'base64url')));
    expect(rawDatabase(s).includes(CARLA.email)).toBe(true);
    // A notice to her still waiting in the mail queue (its next attempt far off) holds her address too.
    s.t.db
      .prepare(
        `INSERT INTO mail_queue (recipient, subject, body_text, next_attempt_at, created_at)
         VALUES (?, 'Coffer', ?, ?, 0)`,
      )
      .run(CARLA.email, `Dear ${CARLA.name}`, Date.now() + 86_400_000);

    const shown = await preview(s.admin.tab, CARLA.email);
    const expected: PrivacyCounts = {
      accounts: 1,
      invitations: 1,
      sessions: shown.counts.sessions,
      sharesSent: 1,
      sharesReceivedOnly: 1,
      sharesReceivedShared: 1,
      dropsOwned: 1,
      dropsBound: 0,
      dropUploads: 1,
      uploads: 1,
      files: 5,
      bytes: shown.counts.bytes,
      auditEntries: shown.counts.auditEntries,
      pseudonyms: shown.counts.pseudonyms,
      contacts: 0,
    };
    expect(shown).toMatchObject({
      email: CARLA.email,
      account: { name: CARLA.name, role: 'staff', status: 'active' },
      eraseRefused: null,
      counts: expected,
    });
    expect(shown.counts.sessions).toBeGreaterThan(0);
    expect(shown.counts.auditEntries).toBeGreaterThan(3);
    // Previewing changed nothing.
    expect(s.t.db.prepare('SELECT count(*) FROM users WHERE email = ?').pluck().get(CARLA.email)).toBe(1);

    const res = await s.admin.tab.post(ERASE, { email: CARLA.email, confirmation: shown.confirmation });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(PrivacyEraseResponse.parse(res.body).counts).toEqual(shown.counts);

    // The files are gone from the disk; the others are there.
    for (const blob of goneBlobs) expect(filesIn(s, 'blobs')).not.toContain(blob);
    for (const blob of keptBlobs) expect(filesIn(s, 'blobs')).toContain(blob);
    expect(filesIn(s, 'uploads')).not.toContain(toHex(Buffer.from(h.unfinished, 'base64url')));

    // The rows are gone; the WAL was emptied; no byte of her address or name is left.
    const db = s.t.db;
    expect(db.prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(carlaId)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM shares WHERE sender_id = ?').pluck().get(carlaId)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM share_recipients WHERE user_id = ?').pluck().get(carlaId)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM drops WHERE owner_id = ?').pluck().get(carlaId)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(carlaId)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM uploads WHERE owner_id = ?').pluck().get(carlaId)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM invitations WHERE user_id = ?').pluck().get(carlaId)).toBe(0);
    expect(db.prepare("SELECT count(*) FROM pins WHERE subject = 'user' AND subject_id = ?").pluck().get(carlaId)).toBe(
      0,
    );
    expect(
      db
        .prepare('SELECT count(*) FROM shares WHERE id = ?')
        .pluck()
        .get(Buffer.from(h.toCarlaOnly.shareId, 'base64url')),
    ).toBe(0);
    expect(walBytes(s).length).toBe(0);
    const raw = rawDatabase(s);
    expect(raw.includes(CARLA.email)).toBe(false);
    expect(raw.includes(CARLA.name)).toBe(false);
    // Her client Jan is not erased: his address went with her drop, but stays behind his own
    // pseudonym in audit_people (the log names him there), and nowhere else.
    expect(db.prepare('SELECT count(*) FROM drops WHERE email = ?').pluck().get(CLIENT_OF_CARLA)).toBe(0);
    expect(db.prepare('SELECT kind FROM audit_people WHERE email = ?').pluck().all(CLIENT_OF_CARLA)).toEqual([
      'recipient',
    ]);
    expect(raw.includes(Buffer.from(s.carla.account.keys.identity.publicKey))).toBe(false);

    // Her audit entries stay, chained, under a pseudonym with nothing behind it.
    expect(verifyChain(db).ok).toBe(true);
    expect(
      db
        .prepare('SELECT count(*) FROM audit_log WHERE actor_ref = ? OR object_ref = ?')
        .pluck()
        .get(Buffer.from(carlaRef, 'hex'), Buffer.from(carlaRef, 'hex')),
    ).toBe(shown.counts.auditEntries + 1);
    expect(db.prepare('SELECT name, email FROM audit_people WHERE ref = ?').get(Buffer.from(carlaRef, 'hex'))).toEqual({
      name: null,
      email: null,
    });
    const entry = db
      .prepare("SELECT actor_ref, object_type, object_ref, details FROM audit_log WHERE action = 'privacy.erased'")
      .get() as {
      actor_ref: Uint8Array;
      object_type: string;
      object_ref: Uint8Array;
      details: string;
    };
    expect(toHex(entry.actor_ref)).toBe(auditRefOf(db, ADMIN.email));
    expect([entry.object_type, toHex(entry.object_ref)]).toEqual(['user', carlaRef]);
    expect(JSON.parse(entry.details)).toEqual(shown.counts);

    // Her session is dead; the address is now unknown.
    expectError(await s.carla.tab.get('/api/v1/session'), 401, 'signed_out');
    expectError(await s.admin.tab.post(PREVIEW, { email: CARLA.email }), 404, 'not_found');

    // Everyone else's: the guest of Bram's share with Carla still downloads the same bytes, as
    // does the guest of Bram's unrelated share; Bram still sees both.
    const containers = await guestDownloads(s, h.toCarlaAndGuest, h.otherGuest);
    expect(containers[0]?.equals(Buffer.from(h.toCarlaAndGuest.files[0]?.container ?? []))).toBe(true);
    const third = await guestDownloads(s, unrelated, unrelatedGuest);
    expect(third[0]?.equals(Buffer.from(unrelated.files[0]?.container ?? []))).toBe(true);
    const bramsShare = await s.staff.tab.get(`/api/v1/shares/${h.toCarlaAndGuest.shareId}`);
    expect(bramsShare.status).toBe(200);
    expect(ShareDetail.parse(bramsShare.body).recipients.map((r) => r.email)).toEqual([OTHER_GUEST]);
    // Carla's guest and Carla's client were recipients of what she sent: that is gone with it.
    expectError(await tab(s.t.app).get(`/api/v1/links/${idToWire(h.guest.linkId)}`), 404, 'not_found');
    expectError(await tab(s.t.app).get(`/api/v1/d/${h.carlasDrop.dropId}`), 404, 'not_found');
    // The people list no longer has her.
    const users = await s.admin.tab.get('/api/v1/admin/users');
    expect(
      UserList.parse(users.body)
        .users.map((u) => u.email)
        .sort(),
    ).toEqual([ADMIN.email, BRAM.email]);
  });
});
