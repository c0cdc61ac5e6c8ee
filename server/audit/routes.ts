// Admin: the audit trail, one page at a time as JSON, or the same filtered view as a CSV file.
// Both are GETs that change nothing (reading the log is not audited).
import type { Response } from 'express';
import { AUDIT_PAGE_DEFAULT, AuditFilterQuery, AuditPageQuery, type AuditTrailPage } from '../../shared/wire/index.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { parseInput } from '../kernel/http/validation.js';
import { CSV_BOM, CSV_HEADER, csvEntry, csvFileName } from '../kernel/audit/csv.js';
import { trailFilter, type AuditTrail } from './trail.js';
import { trailEntryOut } from '../kernel/audit/wire.js';

export function getAuditTrail(trail: AuditTrail): RouteHandler {
  return (req, res) => {
    const query = parseInput(AuditPageQuery, req.query);
    const page = trail.page(trailFilter(query), { before: query.before, limit: query.limit ?? AUDIT_PAGE_DEFAULT });
    const answer: AuditTrailPage = {
      entries: page.entries.map(trailEntryOut),
      next: page.next,
      actions: [...trail.actions()],
      timeZone: trail.timeZone(),
    };
    res.json(answer);
  };
}

/**
 * The filtered trail as an attachment, written a page of rows at a time and waiting whenever
 * the connection is behind, so a long log never sits in memory whole.
 */
export function exportAuditTrail(trail: AuditTrail, now: () => number): RouteHandler {
  return async (req, res) => {
    const filter = trailFilter(parseInput(AuditFilterQuery, req.query));
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${csvFileName(now())}"`);
    res.write(CSV_BOM + CSV_HEADER);
    for (const rows of trail.pages(filter)) {
      if (res.destroyed) return;
      if (!res.write(rows.map(csvEntry).join(''))) await drained(res);
    }
    res.end();
  };
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
