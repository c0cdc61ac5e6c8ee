// SQL of the mail queue (server/kernel/mail/queue.ts; the table is migrations/0007_mail_queue.sql).
import type { Db } from '../db/open.js';
import type { MailMessage } from './mailer.js';

export interface QueuedMail {
  readonly id: number;
  readonly outcome: string | null;
  readonly ref: Uint8Array | null;
  readonly message: MailMessage;
  readonly attempts: number;
}

interface QueueSqlRow {
  id: number;
  outcome: string | null;
  ref: Uint8Array | null;
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  attempts: number;
}

export function createMailQueueRepo(db: Db) {
  const insert = db.prepare<[string | null, Uint8Array | null, string, string, string, string | null, number, number]>(
    `INSERT INTO mail_queue (outcome, ref, recipient, subject, body_text, body_html, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const nextDue = db.prepare<[number], QueueSqlRow>(
    `SELECT id, outcome, ref, recipient, subject, body_text, body_html, attempts FROM mail_queue
     WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1`,
  );
  const earliest = db.prepare<[], number | null>('SELECT min(next_attempt_at) FROM mail_queue').pluck();
  const count = db.prepare<[], number>('SELECT count(*) FROM mail_queue').pluck();
  const exists = db.prepare<[number], number>('SELECT count(*) FROM mail_queue WHERE id = ?').pluck();
  const retryLater = db.prepare<[number, number]>(
    'UPDATE mail_queue SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?',
  );
  const remove = db.prepare<[number]>('DELETE FROM mail_queue WHERE id = ?');
  const dueNow = db.prepare<[number]>('UPDATE mail_queue SET next_attempt_at = ?');

  return {
    add(message: MailMessage, outcome: { kind: string; ref: Uint8Array } | undefined, now: number): number {
      return Number(
        insert.run(
          outcome?.kind ?? null,
          outcome?.ref ?? null,
          message.to,
          message.subject,
          message.text,
          message.html ?? null,
          now,
          now,
        ).lastInsertRowid,
      );
    },
    nextDue(now: number): QueuedMail | undefined {
      const row = nextDue.get(now);
      if (row === undefined) return undefined;
      return {
        id: row.id,
        outcome: row.outcome,
        ref: row.ref,
        attempts: row.attempts,
        message: {
          to: row.recipient,
          subject: row.subject,
          text: row.body_text,
          ...(row.body_html !== null ? { html: row.body_html } : {}),
        },
      };
    },
    /** When the next row falls due (undefined when the queue is empty). */
    earliest(): number | undefined {
      return earliest.get() ?? undefined;
    },
    size(): number {
      return count.get() ?? 0;
    },
    has(id: number): boolean {
      return (exists.get(id) ?? 0) > 0;
    },
    retryLater(id: number, at: number): void {
      retryLater.run(at, id);
    },
    remove(id: number): void {
      remove.run(id);
    },
    allDueAt(now: number): void {
      dueNow.run(now);
    },
  };
}
