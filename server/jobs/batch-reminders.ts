// Batch reminders (docs/operations.md "Batch reminders"): when a batch's reminder days have
// passed, every recipient of a delivered item whose share is still live and whom nothing was
// downloaded by yet gets one mail, in their language with times in the office's time zone. The
// mail carries no link: the server has none to give (a guest's link secret stayed with the
// sender and the first mail), and an account finds the documents by signing in.
//
// Once per batch, whatever happens: marking the batch reminded and queueing its mails is one
// transaction, and the queue lives in the same database (server/kernel/mail/queue.ts), so a
// restart neither loses the mails nor sends them again. main.ts runs it on the sweeper's
// interval, never at import time and never in the command line's process.
import type { Logger } from 'pino';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import type { Audit } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import { describeForLog } from '../kernel/http/errors.js';
import { localeFor } from '../kernel/mail/format.js';
import type { MailQueue } from '../kernel/mail/queue.js';
import { batchReminderMail } from '../kernel/mail/transfer-messages.js';
import type { BatchesRepo } from '../batches/repo.js';

export interface BatchReminders {
  /** Sends every reminder that is due; the number of mails queued. */
  runOnce(): number;
  /** Checks every `intervalMs`; returns a function that stops it. */
  start(intervalMs: number): () => void;
}

export function createBatchReminders(deps: {
  batches: BatchesRepo;
  users: UsersRepo;
  office: OfficeRepo;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  mailQueue: Pick<MailQueue, 'enqueue'>;
  log: Logger;
}): BatchReminders {
  const { batches, audit, transact, clock } = deps;

  const runOnce = (): number => {
    const office = deps.office.get();
    if (office === undefined) return 0;
    let queued = 0;
    for (const batch of batches.dueForReminder(clock.now())) {
      queued += transact(() => {
        const now = clock.now();
        if (!batches.markReminded(batch.id, now)) return 0;
        const sender = deps.users.byId(batch.ownerId);
        const targets = batches.reminderTargets(batch.id, now);
        for (const target of targets) {
          deps.mailQueue.enqueue(
            batchReminderMail({
              to: target.email,
              locale: localeFor(target.lang, office),
              office: office.name,
              sender: sender?.name ?? office.name,
              kind: target.kind,
              sentAt: target.deliveredAt,
              expiresAt: target.expiresAt,
            }),
          );
        }
        audit.record({
          actor: null,
          action: 'batch.reminded',
          object: { type: 'batch', ref: batch.id },
          details: { mails: targets.length },
        });
        return targets.length;
      });
    }
    return queued;
  };

  return {
    runOnce,
    start(intervalMs) {
      const timer = setInterval(() => {
        try {
          runOnce();
        } catch (error) {
          deps.log.error({ error: describeForLog(error) }, 'batch reminders failed');
        }
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
