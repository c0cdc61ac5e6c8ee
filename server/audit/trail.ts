// Reading the audit log, for the admin's page and its CSV export (GET only: reading changes
// nothing, and is not itself audited). Entries come newest first, in pages cut by sequence
// number, so neither the page nor the export ever holds more than one page in memory. Names and
// addresses come from audit_people while it still has them; an erased person is shown as such.
import type { AuditFilterQuery } from '../../shared/wire/audit.js';
import type { AuditRepo, AuditTrailFilter, AuditTrailRow } from '../kernel/audit/repo.js';
import { AUDIT_ACTIONS } from '../kernel/audit/service.js';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import { officeTimeZone } from '../kernel/mail/format.js';

/** Rows the export reads at a time. */
export const EXPORT_PAGE = 500;

interface AuditTrailPageResult {
  readonly entries: readonly AuditTrailRow[];
  readonly next: number | null;
}

export interface AuditTrail {
  /** The actions the log knows (for the filter). */
  actions(): readonly string[];
  /** The office's time zone, in which the page shows times (the export keeps UTC). */
  timeZone(): string;
  page(filter: AuditTrailFilter, options: { before?: number | undefined; limit: number }): AuditTrailPageResult;
  /** Every matching entry, newest first, one page of rows at a time. */
  pages(filter: AuditTrailFilter): Generator<readonly AuditTrailRow[]>;
}

export function createAuditTrail(deps: { repo: AuditRepo; office: Pick<OfficeRepo, 'get'> }): AuditTrail {
  const { repo } = deps;
  return {
    actions: () => AUDIT_ACTIONS,
    timeZone: () => officeTimeZone(deps.office.get()),
    page(filter, { before, limit }) {
      const rows = repo.trail(filter, before ?? Number.MAX_SAFE_INTEGER, limit + 1);
      const entries = rows.slice(0, limit);
      return { entries, next: rows.length > limit ? (entries.at(-1)?.seq ?? null) : null };
    },
    *pages(filter) {
      let before = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const rows = repo.trail(filter, before, EXPORT_PAGE);
        if (rows.length > 0) yield rows;
        const last = rows.at(-1);
        if (rows.length < EXPORT_PAGE || last === undefined) return;
        before = last.seq;
      }
    },
  };
}

/** The wire's filters as the repo takes them. */
export function trailFilter(query: AuditFilterQuery): AuditTrailFilter {
  const action = query.action;
  return {
    who: query.who === undefined || query.who === '' ? undefined : query.who,
    action:
      action === undefined ? undefined : action.endsWith('.*') ? { prefix: action.slice(0, -1) } : { exact: action },
    from: query.from === undefined ? undefined : Date.parse(query.from),
    to: query.to === undefined ? undefined : Date.parse(query.to),
  };
}
