// Batches (docs/protocol.md "Batches"; migrations/0019_batches.sql): a member sends many files,
// each as its own share to its own single recipient (a month of payslips). The server keeps the
// list of items — address, delivery kind, state — and the plan (which file goes to whom) only as
// opaque bytes sealed in the sender's browser to the sender's own key; it never sees a file name.
// Guard 'office' on every route: approved staff and admins; every lookup is the caller's own batch
// (a foreign or unknown id answers 404).
// - POST /api/v1/batches (BatchCreateRequest) → 201 BatchCreateResponse; 409 `batch_exists` for
//   a batch id already used; 400 `batch_item_invalid` (with `itemNo`) for an 'account' item
//   without an approved account at that address or a 'mail' item without a contact with a
//   standing access code at it.
// - GET /api/v1/batches?before=&limit= → BatchList, newest first.
// - GET /api/v1/batches/:batchId → BatchDetail, the report (from the shares' recipient rows).
// - POST /api/v1/shares with `batch: {batchId, itemNo}` makes the share of one item (in the same
//   transaction): 404 not the caller's batch, 409 `batch_not_running`, 409 `batch_item_taken`,
//   400 `batch_item_mismatch` unless the share has exactly the item's one recipient.
// - POST /api/v1/batches/:batchId/exported (BatchExportedRequest) → 204: 'export' items whose
//   links the sender saved are delivered (again: no change); 409 `wrong_state` (with `itemNo`)
//   for an item that is not an 'export' item with a share.
// - POST /api/v1/batches/:batchId/items/:itemNo/redo ({}) → 204: an item whose share was made
//   but never delivered (no link mailed, not exported) gets its share revoked and is pending
//   again; 409 `wrong_state` for any other item, `batch_not_running` for a finished batch.
// - POST /api/v1/batches/:batchId/cancel ({}) → 204: pending items and made-but-undelivered
//   shares are withdrawn (shares revoked); delivered ones stay.
// A batch whose every item is delivered or cancelled is done (in the same transaction).
import { z } from 'zod';
import { bytesBetween, Email, Time, WireId } from './common.js';
import { BatchItemNo as ItemNo, MAX_BATCH_ITEMS, ShareState } from './shares.js';

/** The most bytes of a sealed plan (1 MiB). */
const MAX_SEALED_PLAN_BYTES = 1024 * 1024;

/** How an item's recipient gets it: their Coffer inbox, a link Coffer mails, or a link the sender exports. */
export const BatchDelivery = z.enum(['account', 'mail', 'export']);
export type BatchDelivery = z.infer<typeof BatchDelivery>;

export const BatchState = z.enum(['running', 'done', 'cancelled']);
export type BatchState = z.infer<typeof BatchState>;

/**
 * pending: no share yet; created: its share exists but the recipient has not been given it
 * (a guest link not mailed or exported yet); delivered; cancelled.
 */
export const BatchItemState = z.enum(['pending', 'created', 'delivered', 'cancelled']);
export type BatchItemState = z.infer<typeof BatchItemState>;

/** Days after the batch's start when recipients who have not downloaded get one reminder (no link). */
const ReminderDays = z.number().int().min(1).max(60);

export const BatchCreateRequest = z
  .object({
    /** Made by the browser, which also binds the sealed plan to it. */
    batchId: WireId,
    /** The expiry of every share of the batch. */
    expiresAt: Time,
    reminderDays: ReminderDays.optional(),
    /** The plan (file names, sizes, recipients, message), sealed to the sender's own key; opaque here. */
    sealedPlan: bytesBetween(1, MAX_SEALED_PLAN_BYTES),
    items: z
      .array(z.object({ itemNo: ItemNo, email: Email, delivery: BatchDelivery }).strict())
      .min(1)
      .max(MAX_BATCH_ITEMS)
      .refine((items) => items.every((item, index) => item.itemNo === index), 'item numbers count from 0 in order'),
  })
  .strict();
export type BatchCreateRequest = z.infer<typeof BatchCreateRequest>;

export const BatchCreateResponse = z.object({ batchId: WireId });
export type BatchCreateResponse = z.infer<typeof BatchCreateResponse>;

export const BatchListQuery = z.object({
  /** Only batches created before this time (the last `createdAt` of the previous page). */
  before: Time.optional(),
  /**
   * With `before`, the last `batchId` of the previous page: batches made in the same millisecond
   * follow by id, so none is skipped or shown twice at a page boundary.
   */
  beforeId: WireId.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export type BatchListQuery = z.infer<typeof BatchListQuery>;

const ItemCount = z.number().int().min(0);

export const BatchSummary = z.object({
  batchId: WireId,
  createdAt: Time,
  expiresAt: Time,
  state: BatchState,
  itemCount: ItemCount,
  /** Items whose share exists (created or delivered). */
  created: ItemCount,
  delivered: ItemCount,
  /** Items whose recipient downloaded at least once. */
  downloaded: ItemCount,
  cancelled: ItemCount,
});
export type BatchSummary = z.infer<typeof BatchSummary>;

export const BatchList = z.object({
  batches: z.array(BatchSummary),
  /** More, older batches exist: ask again with `before` = the last `createdAt` and `beforeId` = its `batchId`. */
  more: z.boolean(),
});
export type BatchList = z.infer<typeof BatchList>;

export const BatchItemReport = z.object({
  itemNo: ItemNo,
  email: z.string(),
  /** The account's or contact's name, when the address has one. */
  name: z.string().optional(),
  /** For 'account' items. */
  userId: WireId.optional(),
  delivery: BatchDelivery,
  state: BatchItemState,
  shareId: WireId.optional(),
  /** The share's one recipient row. */
  recipientId: WireId.optional(),
  /** A guest's link id (/s/<linkId>). */
  linkId: WireId.optional(),
  deliveredAt: Time.nullable(),
  codeRequestedAt: Time.nullable(),
  firstDownloadAt: Time.nullable(),
  downloads: z.number().int().min(0),
  shareState: ShareState.optional(),
});
export type BatchItemReport = z.infer<typeof BatchItemReport>;

export const BatchDetail = z.object({
  batchId: WireId,
  state: BatchState,
  createdAt: Time,
  expiresAt: Time,
  reminderDays: ReminderDays.nullable(),
  remindedAt: Time.nullable(),
  sealedPlan: bytesBetween(1, MAX_SEALED_PLAN_BYTES),
  items: z.array(BatchItemReport),
});
export type BatchDetail = z.infer<typeof BatchDetail>;

export const BatchExportedRequest = z
  .object({
    itemNos: z.array(ItemNo).min(1).max(MAX_BATCH_ITEMS),
  })
  .strict();
export type BatchExportedRequest = z.infer<typeof BatchExportedRequest>;
