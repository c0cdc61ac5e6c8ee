// SQL of pins (migrations/0004_shares.sql) and the pin index (0011_pin_index.sql). Every statement
// names the owner: a user reads and writes only their own.
import { asId, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';

export type PinSubject = 'office' | 'user';

export interface PinRecord {
  readonly subject: PinSubject;
  readonly subjectId: Id;
  readonly envelope: Uint8Array;
}

export interface PinIndexRecord {
  readonly counter: number;
  readonly envelope: Uint8Array;
}

/** More than an office could need; stops one account from filling the database. */
export const MAX_PINS_PER_USER = 10_000;

export function createPinsRepo(db: Db) {
  const list = db.prepare<[Uint8Array], { subject: PinSubject; subject_id: Uint8Array; envelope: Uint8Array }>(
    'SELECT subject, subject_id, envelope FROM pins WHERE owner_id = ? ORDER BY subject, subject_id',
  );
  const count = db.prepare<[Uint8Array], number>('SELECT count(*) FROM pins WHERE owner_id = ?').pluck();
  const exists = db
    .prepare<[Uint8Array, string, Uint8Array], number>(
      'SELECT EXISTS (SELECT 1 FROM pins WHERE owner_id = ? AND subject = ? AND subject_id = ?)',
    )
    .pluck();
  const put = db.prepare<[Uint8Array, string, Uint8Array, Uint8Array, number]>(
    `INSERT INTO pins (owner_id, subject, subject_id, envelope, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (owner_id, subject, subject_id) DO UPDATE SET envelope = excluded.envelope, updated_at = excluded.updated_at`,
  );

  const indexOf = db.prepare<[Uint8Array], { counter: number; envelope: Uint8Array }>(
    'SELECT counter, envelope FROM pin_index WHERE user_id = ?',
  );
  const indexCounter = db.prepare<[Uint8Array], number>('SELECT counter FROM pin_index WHERE user_id = ?').pluck();
  const putIndex = db.prepare<[Uint8Array, number, Uint8Array, number]>(
    `INSERT INTO pin_index (user_id, counter, envelope, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET counter = excluded.counter, envelope = excluded.envelope, updated_at = excluded.updated_at`,
  );

  return {
    indexOwn: (ownerId: Id): PinIndexRecord | null => indexOf.get(ownerId) ?? null,
    /** The stored counter, or null with no index. */
    indexCounterOwn: (ownerId: Id): number | null => indexCounter.get(ownerId) ?? null,
    putIndexOwn(ownerId: Id, counter: number, envelope: Uint8Array, now: number): void {
      putIndex.run(ownerId, counter, envelope, now);
    },
    listOwn(ownerId: Id): PinRecord[] {
      return list
        .all(ownerId)
        .map((row) => ({ subject: row.subject, subjectId: asId(row.subject_id), envelope: row.envelope }));
    },
    countOwn: (ownerId: Id) => count.get(ownerId) ?? 0,
    hasOwn: (ownerId: Id, subject: PinSubject, subjectId: Id) => exists.get(ownerId, subject, subjectId) === 1,
    putOwn(ownerId: Id, subject: PinSubject, subjectId: Id, envelope: Uint8Array, now: number): void {
      put.run(ownerId, subject, subjectId, envelope, now);
    },
  };
}
export type PinsRepo = ReturnType<typeof createPinsRepo>;
