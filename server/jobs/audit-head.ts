// The daily head mail: every active admin gets the audit log's newest entry (sequence number,
// time, hash) and the command that checks the log against it. A copy kept outside the server
// is what catches a log that was rewritten or cut short after the mail (server/kernel/audit/verify.ts).
//
// Its state is the log itself: an `audit.head_mailed` entry, written once the mail went out to
// at least one admin, says when. main.ts checks on an interval (never at import time, never in
// the command line's process) whether that entry is a day old. A run in which no admin could
// be reached records nothing, so a later run tries again (after RETRY_MS, so a mail server
// that is down does not fill the log with warnings). Deliveries that fail are logged by class
// only (server/kernel/mail/deliver.ts), never with the address.
import type { Logger } from 'pino';
import { toHex } from '../../shared/crypto/index.js';
import type { AuditRepo } from '../kernel/audit/repo.js';
import type { Audit, AuditAction } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import { describeForLog } from '../kernel/http/errors.js';
import type { Deliver } from '../kernel/mail/deliver.js';
import { auditHeadMail } from '../kernel/mail/messages.js';
import { localeFor } from '../kernel/mail/format.js';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';

export const AUDIT_HEAD_EVERY_MS = 24 * 60 * 60 * 1000;
/** After a run in which no admin could be reached, the next attempt waits this long. */
export const AUDIT_HEAD_RETRY_MS = 15 * 60 * 1000;
const AUDIT_HEAD_ACTION: AuditAction = 'audit.head_mailed';

type AuditHeadRun =
  | {
      readonly status: 'sent';
      readonly seq: number;
      readonly hash: Uint8Array;
      readonly delivered: number;
      readonly failed: number;
    }
  /** The last mail is less than a day old. */
  | { readonly status: 'not_due' }
  /** Nothing to mail yet: no office, no entry, or no active admin. */
  | { readonly status: 'nothing' }
  /** No admin could be reached; tried again after the retry delay. */
  | { readonly status: 'failed'; readonly failed: number }
  | { readonly status: 'waiting_to_retry' };

export interface AuditHeadJob {
  runOnce(): Promise<AuditHeadRun>;
  /** Checks every `intervalMs` (never two runs at once); returns a function that stops it. */
  start(intervalMs: number): () => void;
}

/** Built once, by server/compose.ts, over the app's repos. */
export function createAuditHeadJob(deps: {
  auditRepo: AuditRepo;
  audit: Audit;
  transact: Transact;
  office: OfficeRepo;
  users: UsersRepo;
  clock: Clock;
  log: Logger;
  deliver: Deliver;
  publicUrl: string;
}): AuditHeadJob {
  const { auditRepo: repo, audit, transact, office, users, clock, log, deliver, publicUrl } = deps;
  let failedAt: number | undefined;

  const runOnce = async (): Promise<AuditHeadRun> => {
    const now = clock.now();
    const last = repo.lastOf(AUDIT_HEAD_ACTION);
    if (last !== undefined && now - last.at < AUDIT_HEAD_EVERY_MS) return { status: 'not_due' };
    if (failedAt !== undefined && now - failedAt < AUDIT_HEAD_RETRY_MS) return { status: 'waiting_to_retry' };

    const head = repo.head();
    const headEntry = head === undefined ? undefined : repo.bySeq(head.seq);
    const current = office.get();
    const admins = users
      .members()
      .filter((user) => user.role === 'admin' && user.status === 'active' && user.approval === 'approved');
    if (headEntry === undefined || current === undefined || admins.length === 0) return { status: 'nothing' };

    const hash = toHex(headEntry.hash);
    let delivered = 0;
    for (const admin of admins) {
      const sent = await deliver(
        auditHeadMail({
          to: admin.email,
          locale: localeFor(admin.lang, current),
          office: current.name,
          publicUrl,
          seq: headEntry.seq,
          at: headEntry.at,
          hash,
        }),
      );
      if (sent) delivered += 1;
    }
    const failed = admins.length - delivered;
    if (delivered === 0) {
      failedAt = now;
      log.warn({ auditHead: { seq: headEntry.seq, failed } }, 'audit head mail reached no admin; trying again later');
      return { status: 'failed', failed };
    }
    failedAt = undefined;
    transact(() =>
      audit.record({
        actor: null,
        action: AUDIT_HEAD_ACTION,
        object: { type: 'office', ref: null },
        details: { seq: headEntry.seq, head: hash, admins: admins.length, delivered },
      }),
    );
    if (failed > 0)
      log.warn(
        { auditHead: { seq: headEntry.seq, delivered, failed } },
        'audit head mail not delivered to every admin',
      );
    else log.info({ auditHead: { seq: headEntry.seq, delivered } }, 'audit head mailed');
    return { status: 'sent', seq: headEntry.seq, hash: headEntry.hash, delivered, failed };
  };

  return {
    runOnce,
    start(intervalMs) {
      let running = false;
      const tick = () => {
        if (running) return;
        running = true;
        runOnce()
          .catch((error: unknown) => log.error({ error: describeForLog(error) }, 'audit head mail failed'))
          .finally(() => {
            running = false;
          });
      };
      const timer = setInterval(tick, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
