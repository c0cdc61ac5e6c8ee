// Expiry, revoke and the sweeper (server/jobs/sweeper.ts): what expired, was revoked or was used
// up is destroyed (the blob on disk; keys, Ks and link secrets in the database file and its WAL,
// checked on the raw bytes) while history stays; stale uploads and orphan files go; expired
// sessions and invitations go; a second pass finds nothing. Also: the audit entries of a
// share's life without a secret, and a request log without a grant, a code or an id.
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, idToWire, newId, toBase64Url, toHex } from '../../shared/crypto/index.js';
import { ShareDetail, UploadCreateResponse } from '../../shared/wire/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { runCli } from '../../server/cli.js';
import { guestPlan, makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import {
  codeFromMail,
  DAY_MS,
  fetchFile,
  guestFilePath,
  guestVerifies,
  putPart,
  sendShare,
  signInAgain,
  uploadContainer,
  withStaff,
} from '../helpers/sharing.js';
import { approvalBody, enrolDevice, startEnrolment } from '../helpers/devices.js';
import { filesIn, rawDatabase, sweeperOf, walBytes } from '../helpers/storage.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();
const HOUR_MS = 60 * 60 * 1000;

describe('the sweeper', () => {
  it('destroys an expired share: the blob on disk, and keys, Ks and link secrets in the raw database and WAL; history stays', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('klant@example.nl');
    const sent = await sendShare(s, s.admin, { accounts: [s.staff], guests: [guest], expiresInMs: 2 * DAY_MS });
    const fileId = sent.built.request.files[0]!.fileId;
    const verified = await guestVerifies(s.t.app, s.mail, guest);
    expect((await fetchFile(s.t.app, guestFilePath(guest, fileId), verified.grant)).status).toBe(200);
    expect(filesIn(s, 'blobs')).toHaveLength(1);

    // Everything that opens a file, as the server stored it.
    const request = sent.built.request;
    const guestInput = request.recipients.find((r) => r.kind === 'guest')!;
    const accountInput = request.recipients.find((r) => r.kind === 'account')!;
    const secrets: Record<string, Uint8Array> = {
      Ks: guest.serverHalf,
      'guest wrapped key': fromBase64Url(guestInput.kind === 'guest' ? guestInput.keys[0]!.wrapped : ''),
      'account sealed key': fromBase64Url(accountInput.kind === 'account' ? accountInput.keys[0]!.sealed : ''),
      'sender copy': fromBase64Url(request.files[0]!.keys.sender),
      'office copy': fromBase64Url(request.files[0]!.keys.office),
      'link secret for the sender': fromBase64Url(guestInput.kind === 'guest' ? guestInput.linkSecret.sender : ''),
      'link secret for the office': fromBase64Url(guestInput.kind === 'guest' ? guestInput.linkSecret.office : ''),
    };
    const raw = rawDatabase(s);
    for (const [name, bytes] of Object.entries(secrets))
      expect(raw.includes(Buffer.from(bytes)), `${name} stored before`).toBe(true);

    // Expired: 410 for the sender and the link holder, 404 for a stranger, still there for the sweeper.
    s.t.clock.advance(2 * DAY_MS);
    await signInAgain(s, s.admin);
    await signInAgain(s, s.staff);
    expectError(await s.admin.tab.get(`/api/v1/shares/${sent.shareId}/files/${fileId}`), 410, 'share_expired');
    expectError(await tab(s.t.app).get(`/api/v1/links/${idToWire(guest.linkId)}`), 410, 'share_expired');
    expectError(await s.staff.tab.get(`/api/v1/received/${sent.shareId}`), 410, 'share_expired');
    expectError(await tab(s.t.app).get(`/api/v1/links/${idToWire(newId())}`), 404, 'not_found');

    const report = await sweeperOf(s).runOnce();
    expect(report.shares).toBe(1);
    expect(filesIn(s, 'blobs')).toEqual([]);
    const after = rawDatabase(s);
    for (const [name, bytes] of Object.entries(secrets))
      expect(after.includes(Buffer.from(bytes)), `${name} gone after`).toBe(false);
    expect(walBytes(s).length).toBe(0);
    for (const table of ['recipient_keys', 'email_codes', 'grant_uses'])
      expect(s.t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);

    // History: the sender still sees the share, its recipients and what happened, without keys.
    const detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.state).toBe('expired');
    expect(detail.files[0]?.keys).toBeUndefined();
    expect(detail.linkSecrets).toEqual([]);
    expect(detail.recipients.find((r) => r.kind === 'guest')).toMatchObject({
      codeConfirmedAt: expect.any(String) as unknown,
      firstDownloadAt: expect.any(String) as unknown,
    });
    expectError(await tab(s.t.app).get(`/api/v1/links/${idToWire(guest.linkId)}`), 410, 'share_expired');
    expectError(await s.staff.tab.get(`/api/v1/received/${sent.shareId}`), 410, 'share_expired');

    const actions = s.t.db
      .prepare("SELECT action FROM audit_log WHERE action IN ('share.expired', 'share.swept')")
      .pluck()
      .all();
    expect(actions).toEqual(['share.expired', 'share.swept']);
    // Idempotent: a second pass has nothing left to do.
    expect(await sweeperOf(s).runOnce()).toMatchObject({ shares: 0, uploads: 0, orphans: 0 });
  });

  it('destroys a revoked share at once, without waiting for a pass', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('klant@example.nl');
    await sendShare(s, s.admin, { guests: [guest] });
    const sent = await sendShare(s, s.admin, { guests: [guestPlan('ander@example.nl')] });
    expect(filesIn(s, 'blobs')).toHaveLength(2);
    expect((await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {})).status).toBe(204);
    expect(filesIn(s, 'blobs')).toHaveLength(1);
    expect(rawDatabase(s).includes(Buffer.from(sent.guests[0]!.serverHalf))).toBe(false);
    expect(rawDatabase(s).includes(Buffer.from(guest.serverHalf))).toBe(true);
  });

  it('sweeps a used-up share only after the grant that took the last download expired', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('klant@example.nl');
    const sent = await sendShare(s, s.admin, { guests: [guest], downloadLimit: 1 });
    const fileId = sent.built.request.files[0]!.fileId;
    const { grant } = await guestVerifies(s.t.app, s.mail, guest);
    expect((await fetchFile(s.t.app, guestFilePath(guest, fileId), grant, { range: 'bytes=0-9' })).status).toBe(206);
    expect((await sweeperOf(s).runOnce()).shares).toBe(0);
    expect((await fetchFile(s.t.app, guestFilePath(guest, fileId), grant, { range: 'bytes=10-' })).status).toBe(206);
    s.t.clock.advance(HOUR_MS);
    expect((await sweeperOf(s).runOnce()).shares).toBe(1);
    expect(filesIn(s, 'blobs')).toEqual([]);
    const actions = s.t.db
      .prepare("SELECT details FROM audit_log WHERE action = 'share.swept'")
      .pluck()
      .all() as string[];
    expect(actions.map((d) => JSON.parse(d) as unknown)).toEqual([{ reason: 'used-up' }]);
  });

  it('removes stale uploads after 24 hours, orphan files, and expired sessions and invitations', async () => {
    const s = await withStaff(await suite.office());
    const file = makeFile(randomPlaintext(1000));
    const unfinished = UploadCreateResponse.parse(
      (await s.admin.tab.post('/api/v1/uploads', { size: file.container.length })).body,
    );
    expect(
      (await putPart(s.admin.tab, unfinished.uploadId, 0, file.container.subarray(0, file.container.length))).status,
    ).toBe(204);
    await uploadContainer(s.admin.tab, file.container);
    await sendShare(s, s.admin, { files: [makeFile(randomPlaintext(10))] });
    // What a crash can leave: a blob and an upload file no row names.
    const orphanBlob = join(s.t.config.dataDir, 'blobs', toHex(newId()));
    const orphanUpload = join(s.t.config.dataDir, 'uploads', toHex(newId()));
    await writeFile(orphanBlob, 'x');
    await writeFile(orphanUpload, 'x');
    // An invitation nobody accepts.
    expect(
      (await s.admin.tab.post('/api/v1/admin/invitations', { email: 'nooit@kantoor.example', role: 'staff' })).status,
    ).toBe(201);

    // A young orphan is left alone (it may be a request between its file and its row).
    expect((await sweeperOf(s, HOUR_MS).runOnce()).orphans).toBe(0);
    const first = await sweeperOf(s).runOnce();
    expect(first).toMatchObject({ shares: 0, uploads: 0, orphans: 2 });
    expect(existsSync(orphanBlob) || existsSync(orphanUpload)).toBe(false);
    expect(filesIn(s, 'blobs')).toHaveLength(2); // the completed upload and the share's file

    s.t.clock.advance(24 * HOUR_MS);
    const second = await sweeperOf(s).runOnce();
    expect(second.uploads).toBe(2);
    expect(s.t.db.prepare('SELECT count(*) FROM uploads').pluck().get()).toBe(0);
    expect(readdirSync(join(s.t.config.dataDir, 'uploads'))).toEqual([]);
    expect(filesIn(s, 'blobs')).toHaveLength(1); // the share's own file stays until it expires
    expect(second.housekeeping).toBeGreaterThan(0);
    expect(s.t.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    s.t.clock.advance(7 * DAY_MS);
    await sweeperOf(s).runOnce();
    expect(s.t.db.prepare('SELECT count(*) FROM invitations WHERE accepted_at IS NULL').pluck().get()).toBe(0);
    expect(filesIn(s, 'blobs')).toEqual([]);
  });

  it('removes device enrolments nobody claimed in time, with the keys an approval sealed for them; a claimed device stays', async () => {
    const s = await withStaff(await suite.office());
    const officeId = s.office.keys.officeId;
    await enrolDevice(s.t.app, s.staff, officeId, s.t.clock.now(), { name: 'Scanner PC' });
    await startEnrolment(s.t.app, 'Nooit goedgekeurd');
    const approved = await startEnrolment(s.t.app, 'Nooit opgehaald');
    const body = approvalBody(s.staff.account, officeId, approved, ['pull'], s.t.clock.now());
    expect((await s.staff.tab.post(`/api/v1/devices/enrolments/${approved.enrolmentId}/approve`, body)).status).toBe(
      201,
    );
    const sealed = Buffer.from(fromBase64Url(body.sealedKeys));
    expect(rawDatabase(s).includes(sealed)).toBe(true);
    const count = (): unknown => s.t.db.prepare('SELECT count(*) FROM devices').pluck().get();
    expect(count()).toBe(3);

    // Within their ten minutes, both wait.
    await sweeperOf(s).runOnce();
    expect(count()).toBe(3);

    s.t.clock.advance(11 * 60 * 1000);
    const pass = await sweeperOf(s).runOnce();
    expect(pass.housekeeping).toBeGreaterThanOrEqual(2);
    expect(count()).toBe(1);
    expect(s.t.db.prepare('SELECT name FROM devices WHERE claimed_at IS NOT NULL').pluck().get()).toBe('Scanner PC');
    expect(rawDatabase(s).includes(sealed)).toBe(false);
  });

  it('runs once from the command line', async () => {
    const o = await suite.office();
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      const code = await runCli(['sweep'], {
        DATA_DIR: o.t.config.dataDir,
        PUBLIC_URL: o.t.config.publicUrl,
        MAIL_OUTBOX: '1',
        LOG_LEVEL: 'silent',
      });
      expect(code).toBe(0);
    } finally {
      console.log = log;
    }
    expect(lines.join('\n')).toMatch(
      /^Swept 0 share\(s\), 0 drop upload\(s\) past retention, 0 ended drop\(s\), 0 stale upload\(s\), 0 orphan file\(s\)/,
    );
  });
});

describe('audit and logs', () => {
  it('writes every step of a share’s life to the chained audit log, without a secret; the request log holds no value', async () => {
    const s = await withStaff(await suite.office());
    const guest = guestPlan('klant@example.nl');
    const files = [makeFile(randomPlaintext(500), { name: 'geheim-dossier-7731.pdf' })];
    const sent = await sendShare(s, s.admin, { guests: [guest], files, downloadLimit: 5 });
    const fileId = sent.built.request.files[0]!.fileId;
    const link = tab(s.t.app);
    // A wrong code, then ten in all to lock, an unlock, then the right one and a download.
    expect((await link.post(`/api/v1/links/${idToWire(guest.linkId)}/code`, {})).status).toBe(200);
    const code = await codeFromMail(s.mail, guest.email, 1);
    const bad = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) await link.post(`/api/v1/links/${idToWire(guest.linkId)}/verify`, { code: bad });
    expect((await link.post(`/api/v1/links/${idToWire(guest.linkId)}/code`, {})).status).toBe(200);
    for (let i = 0; i < 5; i++) await link.post(`/api/v1/links/${idToWire(guest.linkId)}/verify`, { code: bad });
    expect(
      (await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/recipients/${idToWire(guest.recipientId)}/unlock`, {}))
        .status,
    ).toBe(204);
    const verified = await guestVerifies(s.t.app, s.mail, guest);
    expect(
      (await fetchFile(s.t.app, guestFilePath(guest, fileId), verified.grant, { range: 'bytes=0-9' })).status,
    ).toBe(206);
    expect(
      (
        await s.staff.tab.post(`/api/v1/shares/${sent.shareId}/extend`, {
          expiresAt: new Date(s.t.clock.now() + DAY_MS).toISOString(),
        })
      ).status,
    ).toBe(204);
    expect((await s.admin.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {})).status).toBe(204);
    const expiring = await sendShare(s, s.admin, { expiresInMs: HOUR_MS });
    s.t.clock.advance(HOUR_MS);
    await sweeperOf(s).runOnce();

    const rows = s.t.db
      .prepare(
        "SELECT action, actor_ref, object_type, object_ref, details FROM audit_log WHERE action LIKE 'share.%' ORDER BY seq",
      )
      .all() as {
      action: string;
      actor_ref: Uint8Array | null;
      object_type: string;
      object_ref: Uint8Array;
      details: string;
    }[];
    const actions = new Set(rows.map((row) => row.action));
    for (const action of [
      'share.created',
      'share.code_requested',
      'share.code_wrong',
      'share.recipient_locked',
      'share.recipient_unlocked',
      'share.code_confirmed',
      'share.downloaded',
      'share.takeover',
      'share.extended',
      'share.revoked',
      'share.expired',
      'share.swept',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(rows.filter((row) => row.action === 'share.code_wrong')).toHaveLength(10);
    expect(rows.filter((row) => row.action === 'share.downloaded')).toHaveLength(1);
    expect(rows.every((row) => row.object_type === 'share')).toBe(true);
    expect(verifyChain(s.t.db).ok).toBe(true);
    // The guest appears by pseudonym; their address only in audit_people.
    const guestActor = rows.find((row) => row.action === 'share.code_requested')!.actor_ref!;
    expect(s.t.db.prepare('SELECT kind, email FROM audit_people WHERE ref = ?').get(guestActor)).toEqual({
      kind: 'recipient',
      email: 'klant@example.nl',
    });

    const text = JSON.stringify(s.t.db.prepare('SELECT * FROM audit_log').all(), (_key, value: unknown) =>
      value instanceof Uint8Array ? toBase64Url(value) : value,
    );
    const logs = s.t.logs.text();
    const secrets = {
      code,
      grant: verified.grant,
      Ks: toBase64Url(guest.serverHalf),
      S: toBase64Url(guest.linkSecret),
      'recipient id': idToWire(guest.recipientId),
      'file name': 'geheim-dossier',
      'guest address': 'klant@example.nl',
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(text, `audit: ${name}`).not.toContain(secret);
      expect(logs, `log: ${name}`).not.toContain(secret);
    }
    // The request log names route patterns, never values.
    for (const value of [
      sent.shareId,
      expiring.shareId,
      fileId,
      idToWire(guest.recipientId),
      sent.built.request.files[0]!.uploadId,
    ]) {
      expect(logs).not.toContain(value);
    }
    expect(logs).toContain('"route":"/api/v1/links/:linkId/files/:fileId"');
    expect(logs).toContain('"route":"/api/v1/uploads/:uploadId/parts/:index"');
  });
});
