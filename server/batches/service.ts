// Batches (docs/protocol.md "Batches", shared/wire/batches.ts): many shares in one go, each to
// its own single recipient. The server keeps the items (address, delivery kind, state) and the
// plan as opaque bytes sealed to the sender; it checks that each share made for an item has
// exactly that item's recipient and is made once, and it reports from the shares' recipient rows.
//
// Who may do what: approved staff and admins (guard 'office'), each on their own batches only
// (the owner is in every statement's SQL: another member's batch answers 404). Shares are made
// by the shares capability, which calls `claimForShare` inside its own transaction and
// `linkMailed` after Coffer mailed a guest's link (server/compose.ts wires both).
import { bytesEqual, type Id } from '../../shared/crypto/index.js';
import type { BatchDelivery } from '../../shared/wire/index.js';
import type { OfficeRecord, OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import type { Audit } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import {
  batchExists,
  batchItemInvalid,
  batchItemMismatch,
  batchItemTaken,
  batchItemWrongState,
  batchNotRunning,
  invalidInput,
  notFound,
} from '../kernel/http/errors.js';
import type { BatchCounts, BatchesRepo, BatchItemReportRecord, BatchRecord } from './repo.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface NewBatchInput {
  readonly batchId: Id;
  readonly expiresAt: number;
  readonly reminderDays: number | null;
  readonly sealedPlan: Uint8Array;
  readonly items: readonly { readonly email: string; readonly delivery: BatchDelivery }[];
}

/** The one recipient of a share made for a batch item, as the shares capability has it. */
interface ShareForItem {
  readonly shareId: Id;
  readonly expiresAt: number;
  readonly recipients: readonly (
    { readonly kind: 'account'; readonly userId: Id } | { readonly kind: 'guest'; readonly email: string }
  )[];
}

/** Withdrawing a share (redo, cancel): what the shares capability does for a sender's revoke. */
export interface ShareWithdrawal {
  /** Revokes a live share inside the current transaction (audited as the sender's revoke); false if it was not live. */
  withdraw(caller: Caller, shareId: Id): boolean;
  /** Destroys a revoked share's blobs and keys, after the transaction. */
  destroy(shareId: Id): Promise<void>;
}

export interface BatchesService {
  create(caller: Caller, input: NewBatchInput): Id;
  list(
    caller: Caller,
    cursor: { before: number; beforeId: Id | null } | undefined,
    limit: number,
  ): { batches: (BatchRecord & BatchCounts)[]; more: boolean };
  detail(caller: Caller, batchId: Id): { batch: BatchRecord; items: BatchItemReportRecord[] };
  exported(caller: Caller, batchId: Id, itemNos: readonly number[]): void;
  redo(caller: Caller, batchId: Id, itemNo: number): Promise<void>;
  cancel(caller: Caller, batchId: Id): Promise<void>;
  /** Inside the share's transaction: this share is that item (404, 409 or 400 when it may not be). */
  claimForShare(caller: Caller, item: { batchId: Id; itemNo: number }, share: ShareForItem): void;
  /** Coffer mailed the link of this share's guest: its item (if any) is delivered. */
  linkMailed(shareId: Id): void;
}

export function createBatchesService(deps: {
  repo: BatchesRepo;
  users: UsersRepo;
  office: OfficeRepo;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  shares: ShareWithdrawal;
}): BatchesService {
  const { repo, audit, transact, clock } = deps;
  const object = (batchId: Id) => ({ type: 'batch' as const, ref: batchId });

  const office = (): OfficeRecord => {
    const current = deps.office.get();
    if (current === undefined) throw notFound();
    return current;
  };

  const own = (caller: Caller, batchId: Id): BatchRecord => {
    const batch = repo.own(batchId, caller.userId);
    if (batch === undefined) throw notFound();
    return batch;
  };

  /** An approved account with keys the office certified: what an 'account' item may be sent to. */
  const accountAt = (email: string): Id | undefined => {
    const user = deps.users.byEmail(email);
    const usable =
      user !== undefined &&
      user.status === 'active' &&
      user.approval === 'approved' &&
      user.keys !== null &&
      user.certificate !== null;
    return usable ? user.id : undefined;
  };

  return {
    create(caller, input) {
      return transact(() => {
        const now = clock.now();
        if (input.expiresAt <= now || input.expiresAt > now + office().maxExpiryDays * DAY_MS)
          throw invalidInput(['expiresAt']);
        if (repo.batchIdTaken(input.batchId)) throw batchExists();
        repo.insertBatch({
          id: input.batchId,
          ownerId: caller.userId,
          createdAt: now,
          expiresAt: input.expiresAt,
          itemCount: input.items.length,
          sealedPlan: input.sealedPlan,
          reminderDays: input.reminderDays,
        });
        input.items.forEach((item, itemNo) => {
          let userId: Id | null = null;
          if (item.delivery === 'account') {
            userId = accountAt(item.email) ?? null;
            if (userId === null || bytesEqual(userId, caller.userId)) throw batchItemInvalid(itemNo);
          } else if (item.delivery === 'mail' && !repo.contactWithCode(item.email)) {
            throw batchItemInvalid(itemNo);
          }
          repo.insertItem(input.batchId, { itemNo, email: item.email, userId, delivery: item.delivery }, now);
        });
        const count = (delivery: BatchDelivery) => input.items.filter((item) => item.delivery === delivery).length;
        audit.record({
          actor: caller.auditRef,
          action: 'batch.created',
          object: object(input.batchId),
          details: {
            items: input.items.length,
            accounts: count('account'),
            mailed: count('mail'),
            exported: count('export'),
            ...(input.reminderDays !== null ? { reminderDays: input.reminderDays } : {}),
          },
        });
        return input.batchId;
      });
    },

    list(caller, cursor, limit) {
      const found = repo.listOwn(
        caller.userId,
        cursor ?? { before: Number.MAX_SAFE_INTEGER, beforeId: null },
        limit + 1,
      );
      return { batches: found.slice(0, limit), more: found.length > limit };
    },

    detail(caller, batchId) {
      const batch = own(caller, batchId);
      return { batch, items: repo.report(batch.id, caller.userId) };
    },

    exported(caller, batchId, itemNos) {
      transact(() => {
        const batch = own(caller, batchId);
        const now = clock.now();
        for (const itemNo of itemNos) {
          const item = repo.ownItem(batch.id, itemNo, caller.userId);
          if (item?.delivery !== 'export' || (item.state !== 'created' && item.state !== 'delivered'))
            throw batchItemWrongState(itemNo);
          if (item.state === 'created') repo.deliverExported(batch.id, itemNo, now);
        }
        repo.finishIfDone(batch.id);
      });
    },

    async redo(caller, batchId, itemNo) {
      const shareId = transact(() => {
        const item = repo.ownItem(batchId, itemNo, caller.userId);
        if (item === undefined) throw notFound();
        if (item.batchState !== 'running') throw batchNotRunning();
        if (item.state !== 'created' || item.shareId === null) throw batchItemWrongState(itemNo);
        if (!repo.redo(batchId, itemNo, item.shareId, clock.now())) throw batchItemWrongState(itemNo);
        deps.shares.withdraw(caller, item.shareId);
        return item.shareId;
      });
      await deps.shares.destroy(shareId);
    },

    async cancel(caller, batchId) {
      const withdrawn = transact(() => {
        const batch = own(caller, batchId);
        const shares = repo.undeliveredShares(batch.id);
        const cancelled = repo.cancel(batch.id, caller.userId, clock.now());
        if (cancelled === undefined) throw batchNotRunning();
        const revoked = shares.filter((shareId) => deps.shares.withdraw(caller, shareId));
        audit.record({
          actor: caller.auditRef,
          action: 'batch.cancelled',
          object: object(batch.id),
          details: { items: batch.itemCount, cancelled, withdrawn: revoked.length },
        });
        return revoked;
      });
      for (const shareId of withdrawn) await deps.shares.destroy(shareId);
    },

    claimForShare(caller, { batchId, itemNo }, share) {
      const item = repo.ownItem(batchId, itemNo, caller.userId);
      if (item === undefined) throw notFound();
      if (item.batchState !== 'running') throw batchNotRunning();
      if (item.state !== 'pending') throw batchItemTaken();
      const [recipient, ...others] = share.recipients;
      const matches =
        recipient !== undefined &&
        others.length === 0 &&
        (item.delivery === 'account'
          ? recipient.kind === 'account' && item.userId !== null && bytesEqual(recipient.userId, item.userId)
          : recipient.kind === 'guest' && recipient.email === item.email);
      if (!matches) throw batchItemMismatch();
      // A batch's shares end with the batch: the report, the reminder and the Sent row speak of
      // the batch's expiry, so no item's share may outlive it.
      if (share.expiresAt > item.batchExpiresAt) throw invalidInput(['expiresAt']);
      const now = clock.now();
      // An account recipient is notified with the share (its inbox has it): delivered at once.
      if (!repo.claim(batchId, itemNo, share.shareId, item.delivery === 'account' ? now : null, now))
        throw batchItemTaken();
      repo.finishIfDone(batchId);
    },

    linkMailed(shareId) {
      const batchId = repo.deliverShare(shareId, clock.now());
      if (batchId !== undefined) repo.finishIfDone(batchId);
    },
  };
}
