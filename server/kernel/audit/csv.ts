// The audit trail as CSV (RFC 4180: comma-separated, CRLF, quoted where needed, UTF-8 with a
// byte-order mark so spreadsheet programs read accented names correctly).
//
// Names come from people (an invitee chooses their own), so every cell is made safe against
// formula injection: a cell that begins with = + - @, a tab or a carriage return gets a leading
// apostrophe, which spreadsheets show as text instead of evaluating.
import { toHex } from '../../../shared/crypto/index.js';
import { AUDIT_CSV_COLUMNS } from '../../../shared/wire/audit.js';
import type { AuditTrailRow } from './repo.js';

export const CSV_BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: neutralised if a spreadsheet would read it as a formula, quoted if it needs it. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const CSV_HEADER = csvLine(AUDIT_CSV_COLUMNS);

/** One entry, with whole refs (the page shortens them) and its chain hash. */
export function csvEntry(row: AuditTrailRow): string {
  const known = row.actor !== undefined;
  const cells: Record<(typeof AUDIT_CSV_COLUMNS)[number], string | number | null> = {
    seq: row.seq,
    time_utc: new Date(row.at).toISOString(),
    actor_name: known ? (row.actor?.name ?? null) : null,
    actor_email: known ? (row.actor?.email ?? null) : null,
    actor_ref: row.actorRef === null ? null : toHex(row.actorRef),
    action: row.action,
    object_type: row.objectType,
    object_ref: row.objectRef === null ? null : toHex(row.objectRef),
    object_name: row.objectPerson === undefined ? null : (row.objectPerson.name ?? row.objectPerson.email),
    details: row.details,
    hash: toHex(row.hash),
  };
  return csvLine(AUDIT_CSV_COLUMNS.map((column) => cells[column]));
}

/** `coffer-audit-2026-01-15.csv` (the day of the export, UTC). */
export function csvFileName(now: number): string {
  return `coffer-audit-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
