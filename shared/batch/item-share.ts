// Changing a batch item exactly once (docs/protocol.md "Batches"), for the browser's batch
// runner and `coffer batch` alike. An item's share is created with its item number, and the
// server sets the item's share in the same transaction; an item made but never delivered is
// withdrawn with a redo, which sets it back to pending. When an answer is lost (the server was
// killed after it committed, a proxy dropped the connection) the request may have landed, and
// sending it again would only be refused: the share's upload is used up, the item is no longer
// made. Each retry therefore first asks the server how the item stands, and sends the request
// again only while it has not taken effect (../once.ts).
import { sendOnce } from '../once.js';

/** Whose share the item holds once the step succeeded. */
export type ItemShareOutcome = 'ours' | 'taken';

export interface ItemShareCalls {
  /** This share's id, as the server lists it on the item. */
  readonly shareId: string;
  /** Creates the share for the item; rejects with the server's refusal or a failure to reach it. */
  readonly create: () => Promise<unknown>;
  /** The id of the share the server's item holds now (null or undefined: none). */
  readonly itemShare: () => Promise<string | null | undefined>;
  /** A refusal because the item has a share already (`409 batch_item_taken`). */
  readonly taken: (error: unknown) => boolean;
}

/**
 * One attempt at an item's share: 'ours' when the item holds this share, 'taken' when it holds
 * another one (another tab, a run before a restart): that item is done and is never sent twice.
 * After a failure the item is asked first, and the share created again only while it holds none.
 */
export function itemShareStep(calls: ItemShareCalls): () => Promise<ItemShareOutcome> {
  const holder = async (): Promise<ItemShareOutcome | null> => {
    const current = await calls.itemShare();
    if (current === null || current === undefined) return null;
    return current === calls.shareId ? 'ours' : 'taken';
  };
  return sendOnce(async () => {
    try {
      await calls.create();
      return 'ours';
    } catch (error) {
      if (!calls.taken(error)) throw error;
      return (await holder()) ?? 'taken';
    }
  }, holder);
}

/**
 * One attempt at withdrawing a made-but-undelivered item so it can be made again (`redo`).
 * After a failure the item is asked first: pending means the redo landed.
 */
export function itemRedoStep(calls: {
  readonly redo: () => Promise<unknown>;
  /** The item's state as the server lists it now. */
  readonly itemState: () => Promise<string | undefined>;
}): () => Promise<true> {
  return sendOnce(
    () => calls.redo().then(() => true as const),
    async () => ((await calls.itemState()) === 'pending' ? true : null),
  );
}
