// What the privacy test files (test/http/privacy-*.test.ts) share: the people, the three
// endpoints as an admin calls them, and where a person's blobs and pseudonym live.
import { expect } from 'vitest';
import { toHex } from '../../../shared/crypto/index.js';
import { PrivacyExport, PrivacyPreview, UploadCreateResponse } from '../../../shared/wire/index.js';
import { createAuditRepo } from '../../../server/kernel/audit/repo.js';
import { createAudit } from '../../../server/kernel/audit/service.js';
import { createDiskBlobStore } from '../../../server/kernel/blobs/disk.js';
import type { BlobStore } from '../../../server/kernel/blobs/store.js';
import type { Db } from '../../../server/kernel/db/open.js';
import { createTransact } from '../../../server/kernel/db/transaction.js';
import type { Caller } from '../../../server/kernel/http/caller.js';
import { createPrivacyRepo } from '../../../server/privacy/repo.js';
import { createPrivacyService } from '../../../server/privacy/service.js';
import { createUsersRepo } from '../../../server/kernel/accounts/users-repo.js';
import { guestPlan, makeFile, randomPlaintext, type GuestPlan } from '../../helpers/browser-shares.js';
import { type Tab } from '../../helpers/client.js';
import { makeDrop, proveAddress, uploadToDrop } from '../../helpers/drops.js';
import { approve, inviteAndAccept, STAFF_PASSWORD, type Member } from '../../helpers/office.js';
import {
  fetchFile,
  guestFilePath,
  guestVerifies,
  partOf,
  putPart,
  sendShare,
  uploadRequest,
  withStaff,
  type SendingOffice,
  type SentShare,
} from '../../helpers/sharing.js';
import { httpSuite } from '../../helpers/suite.js';

export const PREVIEW = '/api/v1/admin/privacy/preview';

export const EXPORT = '/api/v1/admin/privacy/export';

export const ERASE = '/api/v1/admin/privacy/erase';

export const ADMIN = { email: 'anna@kantoor.example', name: 'Anna de Boer' };

export const BRAM = { email: 'bram@kantoor.example', name: 'Bram Jansen' };

export const CARLA = { email: 'carla@kantoor.example', name: 'Carla Visser' };

export const GUEST = 'klant@example.nl';

// Neither address may contain another as a substring: the raw-bytes checks search for them.
export const OTHER_GUEST = 'marloes@voorbeeld.nl';

export const CLIENT_OF_CARLA = 'jan@bakkerij.example';

export async function preview(admin: Tab, email: string): Promise<PrivacyPreview> {
  const res = await admin.post(PREVIEW, { email });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return PrivacyPreview.parse(res.body);
}

export async function exportOf(admin: Tab, email: string): Promise<{ document: PrivacyExport; text: string }> {
  const res = await admin.post(EXPORT, { email });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['content-disposition']).toBe('attachment; filename="coffer-privacy-export.json"');
  expect(res.headers['cache-control']).toBe('no-store');
  return { document: PrivacyExport.parse(res.body), text: res.text };
}

export function auditRefOf(db: Db, email: string): string {
  return toHex(db.prepare('SELECT audit_ref FROM users WHERE email = ?').pluck().get(email) as Uint8Array);
}

export function blobNames(db: Db, sql: string, ...params: unknown[]): string[] {
  return (
    db
      .prepare(sql)
      .pluck()
      .all(...params) as Uint8Array[]
  ).map(toHex);
}

/** Blob files (hex names) of a share, while it has them. */
export function shareBlobs(db: Db, shareId: string): string[] {
  return blobNames(
    db,
    'SELECT blob_id FROM share_files WHERE share_id = ? AND blob_id IS NOT NULL',
    Buffer.from(shareId, 'base64url'),
  );
}

export function dropBlobs(db: Db, dropId: string): string[] {
  return blobNames(
    db,
    'SELECT f.blob_id FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id WHERE x.drop_id = ?',
    Buffer.from(dropId, 'base64url'),
  );
}

/** A guest downloads every file of a share with a code from their mailbox; returns the containers. */
export async function guestDownloads(s: SendingOffice, sent: SentShare, guest: GuestPlan): Promise<Buffer[]> {
  const { grant } = await guestVerifies(s.t.app, s.mail, guest);
  const containers = [];
  for (const file of sent.files) {
    const res = await fetchFile(s.t.app, guestFilePath(guest, file.fileId), grant);
    expect(res.status).toBe(200);
    containers.push(res.body as Buffer);
  }
  return containers;
}

/**
 * Carla's history: a share she sent (to a guest and to Bram), a share Bram sent to her and a
 * guest, one Bram sent to her alone, a drop she owns bound to her client Jan with Jan's upload,
 * and an upload she left unfinished.
 */
export async function carlasHistory(s: SendingOffice & { carla: Member }) {
  const bram = s.staff;
  const guest = guestPlan(GUEST);
  const otherGuest = guestPlan(OTHER_GUEST);
  const sentByCarla = await sendShare(s, s.carla, {
    guests: [guest],
    accounts: [bram],
    files: [makeFile(randomPlaintext(30_000)), makeFile(randomPlaintext(500))],
  });
  const toCarlaAndGuest = await sendShare(s, bram, { accounts: [s.carla], guests: [otherGuest] });
  const toCarlaOnly = await sendShare(s, bram, { accounts: [s.carla] });
  const carlasDrop = await makeDrop(s, s.carla, { email: CLIENT_OF_CARLA });
  const grant = await proveAddress(s.t.app, s.mail, carlasDrop.dropId, CLIENT_OF_CARLA);
  await uploadToDrop(s.t.app, carlasDrop, grant, [makeFile(randomPlaintext(4000))]);
  // Unfinished: created, one part of two sent.
  const container = makeFile(randomPlaintext(9 * 1024 * 1024)).container;
  const created = await uploadRequest(s.carla.tab, 'post', '', { base: '/api/v1/uploads' }, { size: container.length });
  expect(created.status).toBe(201);
  const unfinished = UploadCreateResponse.parse(created.body).uploadId;
  expect((await putPart(s.carla.tab, unfinished, 0, partOf(container, 0))).status).toBe(204);
  return { guest, otherGuest, sentByCarla, toCarlaAndGuest, toCarlaOnly, carlasDrop, unfinished };
}

/** The privacy service over the app's database, as createApp wires it; `blobs` may stand in for the disk. */
export function serviceOver(s: SendingOffice, blobs: BlobStore = createDiskBlobStore(s.t.config.dataDir)) {
  return createPrivacyService({
    repo: createPrivacyRepo(s.t.db),
    users: createUsersRepo(s.t.db),
    blobs,
    audit: createAudit({ repo: createAuditRepo(s.t.db), clock: s.t.clock }),
    transact: createTransact(s.t.db),
    clock: s.t.clock,
    log: s.t.logs.log,
    serverKey: s.t.serverKey,
  });
}

/** What the service needs of a caller (the guard has already let them through). */
export function callerFor(db: Db, email: string): Caller {
  const row = db.prepare('SELECT id, audit_ref FROM users WHERE email = ?').get(email) as {
    id: Uint8Array;
    audit_ref: Uint8Array;
  };
  return { userId: row.id, auditRef: row.audit_ref } as unknown as Caller;
}

/** The file's httpSuite, and the office its tests start from. */
export function privacySuite() {
  const suite = httpSuite();
  /** The office: admin Anna, staff Bram, and staff Carla (the person most tests export or erase). */
  async function office(): Promise<SendingOffice & { carla: Member }> {
    const o = await withStaff(await suite.office(), BRAM.email);
    const carla = await inviteAndAccept(o, CARLA.email, 'staff', STAFF_PASSWORD, CARLA.name);
    await approve(o, carla);
    return { ...o, carla };
  }
  return { suite, office };
}
