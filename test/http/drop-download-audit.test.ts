// Every served download of a drop upload's file is in the audit trail: the owner's and a
// colleague's (a takeover too), a whole file or a Range of it. Byte 0 is the same in every
// container, so `bytes=1-` is the whole file: a rule that audited only downloads starting at
// byte 0 let a colleague read a client's upload without a trace.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../server/kernel/db/open.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { makeDrop, proveAddress, uploadToDrop, CLIENT_EMAIL } from '../helpers/drops.js';
import type { Member } from '../helpers/office.js';
import { fetchFile, withStaff } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

interface Entry {
  readonly action: string;
  readonly details: Record<string, unknown>;
}

function dropEntries(db: Db, after: number): Entry[] {
  const rows = db
    .prepare("SELECT action, details FROM audit_log WHERE seq > ? AND action LIKE 'drop.%' ORDER BY seq")
    .all(after) as { action: string; details: string | null }[];
  return rows.map((row) => ({
    action: row.action,
    details: row.details === null ? {} : (JSON.parse(row.details) as Record<string, unknown>),
  }));
}

function lastSeq(db: Db): number {
  return db.prepare('SELECT coalesce(max(seq), 0) FROM audit_log').pluck().get() as number;
}

/** A staff member's drop with one submitted upload of one file, and the ids to download it. */
async function droppedFile() {
  const o = await withStaff(await suite.office());
  const drop = await makeDrop(o, o.staff, { email: CLIENT_EMAIL });
  const grant = await proveAddress(o.t.app, suite.mail, drop.dropId, CLIENT_EMAIL);
  const file = makeFile(randomPlaintext(5000));
  const { answer } = await uploadToDrop(o.t.app, drop, grant, [file]);
  const detail = await o.staff.tab.get(`/api/v1/drops/${drop.dropId}`);
  expect(detail.status).toBe(200);
  const upload = (detail.body as { uploads: { dropUploadId: string; files: { fileId: string }[] }[] }).uploads[0];
  expect(upload?.dropUploadId).toBe(answer.dropUploadId);
  const fileId = upload?.files[0]?.fileId ?? '';
  const download = (member: Member, range?: string) =>
    fetchFile(o.t.app, `/api/v1/drops/${drop.dropId}/uploads/${answer.dropUploadId}/files/${fileId}`, undefined, {
      who: member.tab,
      ...(range !== undefined ? { range } : {}),
    });
  return { o, container: file.container, download };
}

describe('downloading a drop upload’s file writes an audit entry for every request that serves bytes', () => {
  it('a colleague’s Range request from byte 1 (the whole file but its first byte) is a download and a takeover', async () => {
    const { o, container, download } = await droppedFile();
    const before = lastSeq(o.t.db);
    const res = await download(o.admin, 'bytes=1-');
    expect(res.status).toBe(206);
    expect(Buffer.from(res.body as Buffer).equals(Buffer.from(container.subarray(1)))).toBe(true);
    const entries = dropEntries(o.t.db, before);
    expect(entries.map((e) => e.action)).toEqual(['drop.takeover', 'drop.downloaded']);
    expect(entries[0]?.details).toEqual({ action: 'download' });
    expect(entries[1]?.details).toMatchObject({ file: 0, range: `1-${container.length - 1}`, takeover: true });
  });

  it('a colleague’s whole download, and each resume after it, is written down', async () => {
    const { o, container, download } = await droppedFile();
    const before = lastSeq(o.t.db);
    expect((await download(o.admin)).status).toBe(200);
    expect((await download(o.admin, 'bytes=100-199')).status).toBe(206);
    const entries = dropEntries(o.t.db, before);
    expect(entries.map((e) => e.action)).toEqual([
      'drop.takeover',
      'drop.downloaded',
      'drop.takeover',
      'drop.downloaded',
    ]);
    expect(entries[1]?.details).toMatchObject({ range: 'all', takeover: true });
    expect(entries[3]?.details).toMatchObject({ range: '100-199', takeover: true });
    expect(container.length).toBeGreaterThan(200);
  });

  it('the owner’s downloads, whole and Range, are written down without a takeover', async () => {
    const { o, container, download } = await droppedFile();
    const owner = o.staff;
    const before = lastSeq(o.t.db);
    expect((await download(owner)).status).toBe(200);
    expect((await download(owner, 'bytes=1-')).status).toBe(206);
    const entries = dropEntries(o.t.db, before);
    expect(entries.map((e) => e.action)).toEqual(['drop.downloaded', 'drop.downloaded']);
    expect(entries[0]?.details).toMatchObject({ range: 'all' });
    expect(entries[1]?.details).toMatchObject({ range: `1-${container.length - 1}` });
    for (const entry of entries) expect(entry.details).not.toHaveProperty('takeover');
  });
});
