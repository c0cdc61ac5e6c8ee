// Making a batch item's share exactly once (docs/protocol.md "Batches"), for the browser's
// batch runner and `coffer batch` alike. The share is created with its item number, and the
// server sets the item's share in the same transaction. When an answer is lost (the server was
// killed after it committed, a proxy dropped the connection) the create may have landed: its
// upload is used up then, so sending it again would only be refused. Each retry therefore first
// asks the server which share the item holds, and sends the create again only while it holds
// none.

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
 * One attempt at an item's share, for a retry loop: the first call creates it; every later call
 * (after a failure the loop waited out) first asks the item, and only creates while it holds no
 * share. 'ours' when the item holds this share, 'taken' when it holds another one (another tab,
 * a run before a restart): that item is done and is never sent twice.
 */
export function itemShareStep(calls: ItemShareCalls): () => Promise<ItemShareOutcome> {
  let sent = false;
  const holder = async (): Promise<ItemShareOutcome | null> => {
    const current = await calls.itemShare();
    if (current === null || current === undefined) return null;
    return current === calls.shareId ? 'ours' : 'taken';
  };
  return async () => {
    if (sent) {
      const known = await holder();
      if (known !== null) return known;
    }
    sent = true;
    try {
      await calls.create();
      return 'ours';
    } catch (error) {
      if (!calls.taken(error)) throw error;
      return (await holder()) ?? 'taken';
    }
  };
}
