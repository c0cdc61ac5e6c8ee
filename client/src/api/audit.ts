// Typed calls for the audit trail (shared/wire/audit.ts is the contract): one page of the log
// with the admin's filters, and the address of the CSV export of the same filtered view (a
// plain link: the browser downloads the attachment with the session cookie).
import { AuditTrailPage } from '../../../shared/wire/audit.js';
import { getJson, schema, type RequestOptions } from './http';

export type { AuditActor, AuditTrailEntry, AuditTrailPage } from '../../../shared/wire/audit.js';

const AUDIT = '/api/v1/admin/audit';

/** The filters as the page holds them: empty strings are "any". Times are ISO (UTC). */
export interface AuditFilters {
  readonly who: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
}

export const NO_FILTERS: AuditFilters = { who: '', action: '', from: '', to: '' };

function query(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  const who = filters.who.trim();
  if (who !== '') params.set('who', who);
  if (filters.action !== '') params.set('action', filters.action);
  if (filters.from !== '') params.set('from', filters.from);
  if (filters.to !== '') params.set('to', filters.to);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** One page, newest first; `before` is the previous page's `next`. */
export function getAuditPage(
  filters: AuditFilters,
  before: number | null,
  options?: RequestOptions,
): Promise<AuditTrailPage> {
  return getJson(
    `${AUDIT}${query(filters, before === null ? {} : { before: String(before) })}`,
    schema(AuditTrailPage),
    options,
  );
}

/** Where the CSV of the same filtered view is downloaded from. */
export function auditExportHref(filters: AuditFilters): string {
  return `${AUDIT}/export${query(filters)}`;
}
