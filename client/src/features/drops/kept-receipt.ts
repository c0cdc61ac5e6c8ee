// A drop receipt kept in this tab's history entry (history.state), so that going back to the
// drop page or forward again shows the receipt instead of an empty upload form (the page is never
// cached by the browser: the server sends pages no-store). A reload starts the page afresh, as a
// person reloading expects (and then sees whether the drop is still open). History state
// belongs to this one visit of this one tab: another tab, or the link opened anew, does not see
// it. It can outlive the tab only where the browser restores closed tabs, so it holds nothing the
// receipt mail would not: the receipt code, the time, the sizes, whether the server agreed and a
// receipt was mailed, and the drop's public title and office name. Never the link's secret D,
// the file names or the message. It is checked field by field when read back, as any input.
import type { Receipt } from './drop-flow';

const STATE_KEY = 'cofferDropReceipt';

export interface KeptReceipt {
  readonly dropId: string;
  readonly office: string;
  readonly title: string;
  readonly singleUse: boolean;
  readonly receipt: Omit<Receipt, 'files'> & { readonly files: readonly { readonly size: number }[] };
}

/** What to keep of a receipt just shown: without the file names. */
export function receiptToKeep(
  dropId: string,
  about: { readonly office: string; readonly title: string; readonly singleUse: boolean },
  receipt: Receipt,
): KeptReceipt {
  const { files, ...rest } = receipt;
  return { dropId, ...about, receipt: { ...rest, files: files.map((file) => ({ size: file.size })) } };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The kept receipt in a history state for this drop, or null (none, another drop's, or malformed). */
export function keptReceiptIn(state: unknown, dropId: string): KeptReceipt | null {
  if (!isRecord(state)) return null;
  const kept = state[STATE_KEY];
  if (!isRecord(kept) || kept['dropId'] !== dropId) return null;
  const { office, title, singleUse, receipt } = kept;
  if (typeof office !== 'string' || typeof title !== 'string' || typeof singleUse !== 'boolean') return null;
  if (!isRecord(receipt) || !Array.isArray(receipt['files'])) return null;
  const { dropUploadId, receivedAt, receiptCode, serverAgrees, receiptMailed } = receipt;
  const files = (receipt['files'] as unknown[]).map((file) =>
    isRecord(file) && Number.isSafeInteger(file['size']) && (file['size'] as number) >= 0
      ? { size: file['size'] as number }
      : null,
  );
  if (
    typeof dropUploadId !== 'string' ||
    typeof receivedAt !== 'string' ||
    typeof receiptCode !== 'string' ||
    typeof serverAgrees !== 'boolean' ||
    typeof receiptMailed !== 'boolean' ||
    files.some((file) => file === null)
  )
    return null;
  return {
    dropId,
    office,
    title,
    singleUse,
    receipt: {
      dropUploadId,
      receivedAt,
      receiptCode,
      serverAgrees,
      receiptMailed,
      files: files as { readonly size: number }[],
    },
  };
}

/** A history state with `kept` added to (or, with null, removed from) `state`, the rest unchanged. */
export function withKeptReceipt(state: unknown, kept: KeptReceipt | null): Record<string, unknown> {
  const next: Record<string, unknown> = isRecord(state) ? { ...state } : {};
  if (kept) next[STATE_KEY] = kept;
  else delete next[STATE_KEY];
  return next;
}

/** Keeps (or forgets) the receipt in this history entry; the address stays as it is. */
export function keepReceipt(kept: KeptReceipt | null): void {
  history.replaceState(withKeptReceipt(history.state, kept), '');
}

/** Whether this page was loaded by going back or forward in the tab's history (not a reload or a link). */
export function cameBackInHistory(): boolean {
  const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
  return entry?.type === 'back_forward';
}
