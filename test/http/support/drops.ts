// What the drops test files (test/http/drops-*.test.ts) share besides their staffSuite: the
// tables a refusal must leave alone, the drop entries of the audit log, and how a member's browser
// downloads and opens a drop's files.
import type { Db } from '../../../server/kernel/db/open.js';
import { makeFile, randomPlaintext, type PreparedFile } from '../../helpers/browser-shares.js';
import { type Member, type Office } from '../../helpers/office.js';
import { fetchFile } from '../../helpers/sharing.js';

export const HOUR_MS = 60 * 60 * 1000;

const TABLES = [
  'drops',
  'drop_sessions',
  'drop_codes',
  'drop_uploads',
  'drop_files',
  'uploads',
  'upload_parts',
  'audit_log',
  'rate_limits',
] as const;

export function counts(db: Db): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number]),
  );
}

export function auditActions(db: Db): string[] {
  return db.prepare("SELECT action FROM audit_log WHERE action LIKE 'drop.%' ORDER BY seq").pluck().all() as string[];
}

/** The container of a drop file as a member downloads it. */
export async function downloadAs(
  o: Office,
  member: Member,
  dropId: string,
  dropUploadId: string,
  fileId: string,
  range?: string,
) {
  return fetchFile(o.t.app, `/api/v1/drops/${dropId}/uploads/${dropUploadId}/files/${fileId}`, undefined, {
    who: member.tab,
    ...(range !== undefined ? { range } : {}),
  });
}

/** A member's browser opening an upload of a drop with the office key. */
export function asOffice(o: Office) {
  return { holderId: o.office.keys.officeId, keys: o.office.keys.encryption, copy: 'office' as const };
}

export function files(...sizes: number[]): PreparedFile[] {
  return sizes.map((size, i) =>
    makeFile(randomPlaintext(size), { name: `loonstrook-${i + 1}-geheim.pdf`, message: 'Zie bijlage, groet Jan' }),
  );
}
