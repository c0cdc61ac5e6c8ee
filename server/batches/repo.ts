// SQL of batches and their items (migrations/0019_batches.sql). Every statement a member's
// request reaches names the owner: `b.owner_id = ?` is in the SQL, so another member's batch
// is not found (404), whatever its id. The report reads the shares' recipient rows, the account
// or contact behind an address for its name; the reminder job's statements (marked) are
// unscoped, as the sweeper's are.
import { asId, asIdOrNull, type Id } from '../../shared/crypto/index.js';
import type { BatchDelivery, BatchItemState, BatchState, Language } from '../../shared/wire/index.js';
import type { Db } from '../kernel/db/open.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface BatchRecord {
  readonly id: Id;
  readonly ownerId: Id;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly itemCount: number;
  readonly state: BatchState;
  readonly sealedPlan: Uint8Array;
  readonly reminderDays: number | null;
  readonly remindedAt: number | null;
}

interface BatchSqlRow {
  id: Uint8Array;
  owner_id: Uint8Array;
  created_at: number;
  expires_at: number;
  item_count: number;
  state: BatchState;
  sealed_plan: Uint8Array;
  reminder_days: number | null;
  reminded_at: number | null;
}

function batchFromSql(row: BatchSqlRow): BatchRecord {
  return {
    id: asId(row.id),
    ownerId: asId(row.owner_id),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    itemCount: row.item_count,
    state: row.state,
    sealedPlan: row.sealed_plan,
    reminderDays: row.reminder_days,
    remindedAt: row.reminded_at,
  };
}

export interface BatchCounts {
  readonly created: number;
  readonly delivered: number;
  readonly downloaded: number;
  readonly cancelled: number;
}

export interface NewBatchItem {
  readonly itemNo: number;
  readonly email: string;
  readonly userId: Id | null;
  readonly delivery: BatchDelivery;
}

export interface BatchItemRecord {
  readonly itemNo: number;
  readonly email: string;
  readonly userId: Id | null;
  readonly delivery: BatchDelivery;
  readonly state: BatchItemState;
  readonly shareId: Id | null;
  readonly deliveredAt: number | null;
}

/** One row of the report: the item, and its share's one recipient row (while it has a share). */
export interface BatchItemReportRecord extends BatchItemRecord {
  readonly name: string | null;
  readonly recipientId: Id | null;
  readonly recipientKind: 'account' | 'guest' | null;
  readonly linkId: Id | null;
  readonly codeRequestedAt: number | null;
  readonly firstDownloadAt: number | null;
  readonly downloads: number;
  readonly share: {
    readonly revokedAt: number | null;
    readonly expiresAt: number;
    readonly usedUp: boolean;
    readonly sweptAt: number | null;
  } | null;
}

/** A recipient the reminder job mails: a delivered item whose share is live and not yet downloaded. */
export interface ReminderTarget {
  readonly email: string;
  readonly lang: Language;
  /** A client finds the files in the portal, a colleague in their inbox, a guest through the earlier link. */
  readonly kind: 'client' | 'member' | 'guest';
  readonly deliveredAt: number;
  readonly expiresAt: number;
}

interface ItemSqlRow {
  item_no: number;
  email: string;
  user_id: Uint8Array | null;
  delivery: BatchDelivery;
  state: BatchItemState;
  share_id: Uint8Array | null;
  delivered_at: number | null;
}

interface ReportSqlRow extends ItemSqlRow {
  name: string | null;
  recipient_id: Uint8Array | null;
  recipient_kind: 'account' | 'guest' | null;
  link_id: Uint8Array | null;
  code_requested_at: number | null;
  first_download_at: number | null;
  downloads_used: number | null;
  revoked_at: number | null;
  expires_at: number | null;
  used_up: number | null;
  swept_at: number | null;
}

function itemFromSql(row: ItemSqlRow): BatchItemRecord {
  return {
    itemNo: row.item_no,
    email: row.email,
    userId: asIdOrNull(row.user_id),
    delivery: row.delivery,
    state: row.state,
    shareId: asIdOrNull(row.share_id),
    deliveredAt: row.delivered_at,
  };
}

function reportFromSql(row: ReportSqlRow): BatchItemReportRecord {
  return {
    ...itemFromSql(row),
    name: row.name,
    recipientId: asIdOrNull(row.recipient_id),
    recipientKind: row.recipient_kind,
    linkId: row.recipient_kind === 'guest' ? asIdOrNull(row.link_id) : null,
    codeRequestedAt: row.code_requested_at,
    firstDownloadAt: row.first_download_at,
    downloads: row.downloads_used ?? 0,
    share:
      row.expires_at === null
        ? null
        : { revokedAt: row.revoked_at, expiresAt: row.expires_at, usedUp: row.used_up === 1, sweptAt: row.swept_at },
  };
}

const BATCH_COLUMNS =
  'b.id, b.owner_id, b.created_at, b.expires_at, b.item_count, b.state, b.sealed_plan, b.reminder_days, b.reminded_at';
const ITEM_COLUMNS = 'i.item_no, i.email, i.user_id, i.delivery, i.state, i.share_id, i.delivered_at';
// A share's one recipient row is its only row: batch shares have exactly one recipient.
const DOWNLOADED = `EXISTS (SELECT 1 FROM share_recipients r WHERE r.share_id = i.share_id AND r.first_download_at IS NOT NULL)`;
// Still to do: a running batch is done when none of its items is.
const OPEN_ITEMS = "SELECT 1 FROM batch_items o WHERE o.batch_id = batches.id AND o.state IN ('pending', 'created')";

export function createBatchesRepo(db: Db) {
  const insertBatch = db.prepare(
    `INSERT INTO batches (id, owner_id, created_at, expires_at, item_count, sealed_plan, reminder_days)
     VALUES (@id, @ownerId, @createdAt, @expiresAt, @itemCount, @sealedPlan, @reminderDays)`,
  );
  const insertItem = db.prepare(
    `INSERT INTO batch_items (batch_id, item_no, email, user_id, delivery, updated_at)
     VALUES (@batchId, @itemNo, @email, @userId, @delivery, @updatedAt)`,
  );
  const batchIdTaken = db.prepare<[Uint8Array], number>('SELECT EXISTS (SELECT 1 FROM batches WHERE id = ?)').pluck();
  const contactWithCode = db
    .prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM contacts WHERE email = ? AND sealed_code IS NOT NULL)')
    .pluck();

  const own = db.prepare<[Uint8Array, Uint8Array], BatchSqlRow>(
    `SELECT ${BATCH_COLUMNS} FROM batches b WHERE b.id = ? AND b.owner_id = ?`,
  );
  const listOwn = db.prepare<
    [{ ownerId: Uint8Array; before: number; beforeId: Uint8Array | null; limit: number }],
    BatchSqlRow & Record<string, number>
  >(
    `SELECT ${BATCH_COLUMNS},
       (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state IN ('created', 'delivered')) AS n_created,
       (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'delivered') AS n_delivered,
       (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.share_id IS NOT NULL AND ${DOWNLOADED}) AS n_downloaded,
       (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'cancelled') AS n_cancelled
     FROM batches b WHERE b.owner_id = @ownerId
       AND (b.created_at < @before OR (b.created_at = @before AND @beforeId IS NOT NULL AND b.id < @beforeId))
     ORDER BY b.created_at DESC, b.id DESC LIMIT @limit`,
  );
  const ownItem = db.prepare<
    [Uint8Array, number, Uint8Array],
    ItemSqlRow & { batch_state: BatchState; batch_expires_at: number }
  >(
    `SELECT ${ITEM_COLUMNS}, b.state AS batch_state, b.expires_at AS batch_expires_at FROM batch_items i JOIN batches b ON b.id = i.batch_id
     WHERE i.batch_id = ? AND i.item_no = ? AND b.owner_id = ?`,
  );
  const report = db.prepare<[Uint8Array, Uint8Array], ReportSqlRow>(
    `SELECT ${ITEM_COLUMNS}, coalesce(u.name, c.name) AS name,
       r.id AS recipient_id, r.kind AS recipient_kind, r.link_id, r.code_requested_at, r.first_download_at, r.downloads_used,
       s.revoked_at, s.expires_at, s.swept_at,
       (s.download_limit IS NOT NULL AND r.downloads_used >= s.download_limit) AS used_up
     FROM batch_items i JOIN batches b ON b.id = i.batch_id
       LEFT JOIN share_recipients r ON r.share_id = i.share_id
       LEFT JOIN shares s ON s.id = i.share_id
       LEFT JOIN users u ON u.id = i.user_id
       LEFT JOIN contacts c ON c.email = i.email AND i.user_id IS NULL
     WHERE i.batch_id = ? AND b.owner_id = ? ORDER BY i.item_no`,
  );

  // Item transitions: each names the state it leaves, so a repeat or a race changes nothing.
  const claim = db.prepare<[Uint8Array, string, number | null, number, Uint8Array, number]>(
    `UPDATE batch_items SET share_id = ?, state = ?, delivered_at = ?, updated_at = ?
     WHERE batch_id = ? AND item_no = ? AND state = 'pending'`,
  );
  const deliverShare = db.prepare<[number, number, Uint8Array], { batch_id: Uint8Array }>(
    `UPDATE batch_items SET state = 'delivered', delivered_at = ?, updated_at = ?
     WHERE share_id = ? AND state = 'created' RETURNING batch_id`,
  );
  const deliverExported = db.prepare<[number, number, Uint8Array, number]>(
    `UPDATE batch_items SET state = 'delivered', delivered_at = ?, updated_at = ?
     WHERE batch_id = ? AND item_no = ? AND delivery = 'export' AND state = 'created'`,
  );
  // Only an undelivered share whose link nobody was sent: never a mailed link.
  const redo = db.prepare<[number, Uint8Array, number, Uint8Array]>(
    `UPDATE batch_items SET state = 'pending', share_id = NULL, updated_at = ?
     WHERE batch_id = ? AND item_no = ? AND share_id = ? AND state = 'created'
       AND NOT EXISTS (SELECT 1 FROM share_recipients r WHERE r.share_id = batch_items.share_id AND r.link_mailed_at IS NOT NULL)`,
  );
  const undeliveredShares = db
    .prepare<[Uint8Array], Uint8Array>(
      "SELECT share_id FROM batch_items WHERE batch_id = ? AND state = 'created' AND share_id IS NOT NULL",
    )
    .pluck();
  const cancelItems = db.prepare<[number, Uint8Array]>(
    "UPDATE batch_items SET state = 'cancelled', updated_at = ? WHERE batch_id = ? AND state IN ('pending', 'created')",
  );
  const cancelBatch = db.prepare<[Uint8Array, Uint8Array]>(
    "UPDATE batches SET state = 'cancelled' WHERE id = ? AND owner_id = ? AND state = 'running'",
  );
  const finishIfDone = db.prepare<[Uint8Array]>(
    `UPDATE batches SET state = 'done' WHERE id = ? AND state = 'running' AND NOT EXISTS (${OPEN_ITEMS})`,
  );

  // ---- the reminder job's (not scoped to a caller)
  const dueForReminder = db.prepare<[number], BatchSqlRow>(
    `SELECT ${BATCH_COLUMNS} FROM batches b
     WHERE b.reminder_days IS NOT NULL AND b.reminded_at IS NULL AND b.state <> 'cancelled'
       AND b.created_at + b.reminder_days * ${DAY_MS} <= ? ORDER BY b.created_at`,
  );
  const reminderTargets = db.prepare<
    [Uint8Array, number],
    { email: string; lang: Language; kind: ReminderTarget['kind']; delivered_at: number; expires_at: number }
  >(
    `SELECT r.email, r.lang,
       CASE WHEN r.kind = 'guest' THEN 'guest' WHEN u.role = 'client' THEN 'client' ELSE 'member' END AS kind,
       i.delivered_at, s.expires_at FROM batch_items i
       JOIN share_recipients r ON r.share_id = i.share_id JOIN shares s ON s.id = i.share_id
       LEFT JOIN users u ON u.id = r.user_id
     WHERE i.batch_id = ? AND i.state = 'delivered' AND r.first_download_at IS NULL
       AND s.revoked_at IS NULL AND s.swept_at IS NULL AND s.expires_at > ?
       AND (s.download_limit IS NULL OR r.downloads_used < s.download_limit)
     ORDER BY i.item_no`,
  );
  const markReminded = db.prepare<[number, Uint8Array]>(
    'UPDATE batches SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL',
  );

  return {
    insertBatch(batch: Omit<BatchRecord, 'state' | 'remindedAt'>): void {
      insertBatch.run(batch);
    },
    insertItem(batchId: Id, item: NewBatchItem, now: number): void {
      insertItem.run({ batchId, ...item, updatedAt: now });
    },
    batchIdTaken: (id: Id) => batchIdTaken.get(id) === 1,
    /** Whether a contact at this address has a standing access code (so Coffer may mail its link). */
    contactWithCode: (email: string) => contactWithCode.get(email) === 1,

    /** The caller's own batch. */
    own(batchId: Id, ownerId: Id): BatchRecord | undefined {
      const row = own.get(batchId, ownerId);
      return row === undefined ? undefined : batchFromSql(row);
    },
    /** The owner's batches before the cursor (created earlier, or at the same time with a lower id), newest first, with their counts. */
    listOwn(
      ownerId: Id,
      cursor: { before: number; beforeId: Id | null },
      limit: number,
    ): (BatchRecord & BatchCounts)[] {
      return listOwn.all({ ownerId, ...cursor, limit }).map((row) => ({
        ...batchFromSql(row),
        created: row['n_created'] ?? 0,
        delivered: row['n_delivered'] ?? 0,
        downloaded: row['n_downloaded'] ?? 0,
        cancelled: row['n_cancelled'] ?? 0,
      }));
    },
    /** One item of the caller's own batch, with the batch's state. */
    ownItem(
      batchId: Id,
      itemNo: number,
      ownerId: Id,
    ): (BatchItemRecord & { batchState: BatchState; batchExpiresAt: number }) | undefined {
      const row = ownItem.get(batchId, itemNo, ownerId);
      return row === undefined
        ? undefined
        : { ...itemFromSql(row), batchState: row.batch_state, batchExpiresAt: row.batch_expires_at };
    },
    report: (batchId: Id, ownerId: Id) => report.all(batchId, ownerId).map(reportFromSql),

    /** A pending item gets its share: created, or delivered at `deliveredAt`. False if it was not pending. */
    claim(batchId: Id, itemNo: number, shareId: Id, deliveredAt: number | null, now: number): boolean {
      const state: BatchItemState = deliveredAt === null ? 'created' : 'delivered';
      return claim.run(shareId, state, deliveredAt, now, batchId, itemNo).changes === 1;
    },
    /** The created item of this share (if any) is delivered; its batch's id. */
    deliverShare(shareId: Id, now: number): Id | undefined {
      const row = deliverShare.get(now, now, shareId);
      return row === undefined ? undefined : asId(row.batch_id);
    },
    deliverExported: (batchId: Id, itemNo: number, now: number) =>
      deliverExported.run(now, now, batchId, itemNo).changes === 1,
    /** A created item with this share, whose link nobody was sent, is pending again; false otherwise. */
    redo: (batchId: Id, itemNo: number, shareId: Id, now: number) =>
      redo.run(now, batchId, itemNo, shareId).changes === 1,
    undeliveredShares: (batchId: Id) => undeliveredShares.all(batchId).map(asId),
    /** The running batch is cancelled with its pending and created items; the number of items cancelled. */
    cancel(batchId: Id, ownerId: Id, now: number): number | undefined {
      if (cancelBatch.run(batchId, ownerId).changes !== 1) return undefined;
      return cancelItems.run(now, batchId).changes;
    },
    finishIfDone: (batchId: Id) => finishIfDone.run(batchId).changes === 1,

    /** Reminder job: running or done batches whose reminder is due and not yet sent. */
    dueForReminder: (now: number) => dueForReminder.all(now).map(batchFromSql),
    /** Reminder job: whom a batch's reminder goes to. */
    reminderTargets(batchId: Id, now: number): ReminderTarget[] {
      return reminderTargets.all(batchId, now).map((row) => ({
        email: row.email,
        lang: row.lang,
        kind: row.kind,
        deliveredAt: row.delivered_at,
        expiresAt: row.expires_at,
      }));
    },
    /** Reminder job: true for the one call that marks the batch reminded. */
    markReminded: (batchId: Id, now: number) => markReminded.run(now, batchId).changes === 1,
  };
}

export type BatchesRepo = ReturnType<typeof createBatchesRepo>;
