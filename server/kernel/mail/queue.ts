// The mail queue: notification mails are recorded by the request that causes them and sent in
// the background, so an answer never waits for a mail server (a hanging one used to hold a share
// to three colleagues for 90 s). docs/operations.md ("Mail queue") describes it for operators.
//
// What goes through it: mails WITHOUT a secret only. Today's notices (a share for an account,
// an approval, a password change, low disk space) carry an office, a person's name and a link to
// the recipient's own page. Mails that carry a secret (e-mail codes; invitation and reset links)
// are sent directly by their services and never stored, because a queued row sits in the
// database, its WAL and its backups. A future notice that would carry a secret must not be
// queued either.
//
// One mail at a time, in the order they fell due. A failure is retried after RETRY_DELAYS_MS
// (bounded), unless the mail server refused it for good (a 5xx answer: an unknown mailbox does
// not come back). The final outcome is reported to the `outcome` handler registered for the
// row's kind (e.g. a share recipient's "not delivered"), and the row is deleted. While a row
// exists, the mail is "sending".
//
// Nothing runs at import time, nor until something is queued: the sender wakes on `enqueue`,
// and on a timer only while a retry is waiting. main.ts calls `start()` to resume rows an
// earlier run left, and `stop()` at shutdown. Tests wait with `idle()` or force `runNow()`.
import type { Logger } from 'pino';
import { describeForLog } from '../http/errors.js';
import type { Deliver } from './deliver.js';
import type { Mailer, MailMessage } from './mailer.js';
import { createMailQueueRepo, type QueuedMail } from './queue-repo.js';
import type { Db } from '../db/open.js';

/** Waits before the 2nd, 3rd, … attempt: six attempts over about 2¾ hours. */
const RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 600_000, 1_800_000, 7_200_000];

/** What the first attempt came to within the grace the caller gave it. */
type FirstAttempt = 'sent' | 'failed' | 'sending';

/** Called once per tracked mail with its final result, inside the transaction that removes the row. */
type OutcomeHandler = (ref: Uint8Array, delivered: boolean) => void;

export interface MailQueue {
  /**
   * Records the message (joining the caller's transaction, if any) and wakes the sender once the
   * current synchronous work is done (so after that transaction committed). Returns its id.
   */
  enqueue(message: MailMessage, outcome?: { kind: string; ref: Uint8Array }): number;
  /** Resolves with the first attempt's result, or `sending` after `graceMs`; never rejects. */
  firstAttempt(id: number, graceMs: number): Promise<FirstAttempt>;
  /** What a final result of `kind` updates. */
  onOutcome(kind: string, handler: OutcomeHandler): void;
  /** Resolves when nothing is queued or in flight (every mail delivered or given up). */
  idle(): Promise<void>;
  /** Makes every queued mail due now and sends; resolves when none is due any more (tests). */
  runNow(): Promise<void>;
  /** Sends what an earlier run left in the table. */
  start(): void;
  /** Stops sending: no new attempt starts, timers are cleared, a late result is dropped. */
  stop(): void;
}

export function createMailQueue(deps: {
  db: Db;
  mailer: Pick<Mailer, 'send'>;
  log: Logger;
  retryDelaysMs?: readonly number[];
  now?: () => number;
}): MailQueue {
  const { db, mailer, log } = deps;
  const repo = createMailQueueRepo(db);
  const delays = deps.retryDelaysMs ?? RETRY_DELAYS_MS;
  const now = deps.now ?? Date.now;
  const outcomes = new Map<string, OutcomeHandler>();
  const firstListeners = new Map<number, ((result: FirstAttempt) => void)[]>();
  let idleListeners: (() => void)[] = [];
  let pumping: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const usable = () => !stopped && db.open;

  const settleFirst = (id: number, result: FirstAttempt) => {
    for (const listener of firstListeners.get(id) ?? []) listener(result);
    firstListeners.delete(id);
  };

  const checkIdle = () => {
    if (pumping !== undefined) return;
    if (usable() && repo.size() > 0) return;
    const waiting = idleListeners;
    idleListeners = [];
    for (const resolve of waiting) resolve();
  };

  // The outcome and the row's removal commit together. If the database is locked by another
  // process just then, neither happens and the mail is tried again later: delivered at least
  // once, rarely twice, never silently lost.
  const finish = (mail: QueuedMail, delivered: boolean) => {
    db.transaction(() => {
      repo.remove(mail.id);
      if (mail.outcome !== null && mail.ref !== null) {
        const handler = outcomes.get(mail.outcome);
        if (handler === undefined) log.error({ mail: { outcome: mail.outcome } }, 'mail queue: no handler for outcome');
        else handler(mail.ref, delivered);
      }
    }).immediate();
  };

  const attempt = async (mail: QueuedMail): Promise<void> => {
    let failure: unknown;
    try {
      await mailer.send(mail.message);
    } catch (error) {
      failure = error;
    }
    if (!usable()) return;
    if (failure === undefined) {
      finish(mail, true);
      settleFirst(mail.id, 'sent');
      return;
    }
    const delay = delays[mail.attempts];
    const permanent = isPermanent(failure);
    // Logged by class only, never with the address or the body (server/kernel/mail/deliver.ts does the same).
    log.warn(
      { error: describeForLog(failure), mail: { attempt: mail.attempts + 1, permanent, retry: delay !== undefined } },
      'mail delivery failed',
    );
    if (permanent || delay === undefined) {
      finish(mail, false);
      settleFirst(mail.id, 'failed');
    } else {
      repo.retryLater(mail.id, now() + delay);
      settleFirst(mail.id, 'sending');
    }
  };

  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!usable()) return;
    const next = repo.earliest();
    if (next === undefined) return;
    timer = setTimeout(kick, Math.max(0, next - now()));
    timer.unref();
  };

  const pump = async () => {
    try {
      for (let mail = repo.nextDue(now()); mail !== undefined && usable(); mail = repo.nextDue(now())) {
        await attempt(mail);
      }
    } catch (error) {
      // The database was busy or closed under us: the row stays, the timer tries again.
      if (usable()) log.error({ error: describeForLog(error) }, 'mail queue: sending stopped; trying again later');
    }
  };

  function kick(): void {
    if (!usable() || pumping !== undefined) return;
    pumping = pump().finally(() => {
      pumping = undefined;
      try {
        schedule();
      } catch (error) {
        log.error({ error: describeForLog(error) }, 'mail queue: could not plan the next attempt');
      }
      checkIdle();
    });
  }

  return {
    enqueue(message, outcome) {
      const id = repo.add(message, outcome, now());
      setImmediate(kick);
      return id;
    },
    firstAttempt(id, graceMs) {
      return new Promise((resolve) => {
        const grace = setTimeout(() => resolve('sending'), graceMs);
        grace.unref();
        firstListeners.set(id, [
          ...(firstListeners.get(id) ?? []),
          (result) => {
            clearTimeout(grace);
            resolve(result);
          },
        ]);
      });
    },
    onOutcome(kind, handler) {
      outcomes.set(kind, handler);
    },
    idle() {
      return new Promise((resolve) => {
        idleListeners.push(resolve);
        checkIdle();
      });
    },
    async runNow() {
      if (!usable()) return;
      repo.allDueAt(now());
      await pumping;
      kick();
      await pumping;
    },
    start() {
      stopped = false;
      kick();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const id of [...firstListeners.keys()]) settleFirst(id, 'sending');
      checkIdle();
    },
  };
}

/** A mail server's 5xx answer (unknown mailbox, refused sender): trying again will not help. */
function isPermanent(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth += 1) {
    const { responseCode, cause } = e as { responseCode?: unknown; cause?: unknown };
    if (typeof responseCode === 'number') return responseCode >= 500 && responseCode < 600;
    e = cause;
  }
  return false;
}

/**
 * A `Deliver` for notices nobody tracks (an approval, a password change, low disk space): the
 * mail is queued and the caller goes on at once. Only for mails without a secret (see above).
 */
export function queuedDeliver(queue: MailQueue): Deliver {
  return (message) => {
    queue.enqueue(message);
    return Promise.resolve(true);
  };
}
