// What a guest downloaded from this link in this browser tab, kept in the tab's history entry
// (history.state) so that back, forward or a reload (the page is never cached: pages are sent
// no-store) still says so, instead of a bare "Send me a code" as if nothing had happened. The
// decrypted files, their names and the download grant live only in memory and are gone then;
// what is kept is what the server knows anyway: which of the share's file ids were saved and
// checked, and when. Never the link secret S, a name or a key. History state belongs to this
// one visit of this tab; it outlives the tab only where the browser restores closed tabs.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { formatDateTime } from '../../ui/labels';

const STATE_KEY = 'cofferGuestReceipt';

export interface GuestReceipt {
  readonly recipientId: string;
  /** The share's file ids saved and checked in this tab. */
  readonly fileIds: readonly string[];
  /** When the last one was (ISO 8601). */
  readonly lastAt: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The receipt for this link in a history state, or null (none, another link's, or malformed). */
export function guestReceiptIn(state: unknown, recipientId: string): GuestReceipt | null {
  if (!isRecord(state)) return null;
  const kept = state[STATE_KEY];
  if (!isRecord(kept) || kept['recipientId'] !== recipientId) return null;
  const { fileIds, lastAt } = kept;
  if (!Array.isArray(fileIds) || !fileIds.every((id) => typeof id === 'string') || typeof lastAt !== 'string')
    return null;
  return { recipientId, fileIds: fileIds, lastAt };
}

/** `state` with `fileId` added to this link's receipt, the rest unchanged. */
export function withSavedFile(
  state: unknown,
  recipientId: string,
  fileId: string,
  at: string,
): Record<string, unknown> {
  const previous = guestReceiptIn(state, recipientId);
  const fileIds =
    previous && !previous.fileIds.includes(fileId) ? [...previous.fileIds, fileId] : (previous?.fileIds ?? [fileId]);
  const receipt: GuestReceipt = { recipientId, fileIds, lastAt: at };
  return { ...(isRecord(state) ? state : {}), [STATE_KEY]: receipt };
}

/** This link's receipt as the page loaded it, and a way to note a saved file in it. */
export function useGuestReceipt(recipientId: string | null): {
  readonly receipt: GuestReceipt | null;
  readonly saved: (fileId: string) => void;
} {
  const [receipt] = useState(() => (recipientId ? guestReceiptIn(history.state, recipientId) : null));
  return {
    receipt,
    saved: (fileId) => {
      if (recipientId)
        history.replaceState(withSavedFile(history.state, recipientId, fileId, new Date().toISOString()), '');
    },
  };
}

/** "You downloaded n files here", above the code steps after coming back to the page. */
export function GuestReceiptNotice({ receipt }: { readonly receipt: GuestReceipt }): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <Notice tone="ok" testid="guest-receipt" state={String(receipt.fileIds.length)}>
      <p>{t('guest.receipt', { n: receipt.fileIds.length, time: formatDateTime(locale, receipt.lastAt) })}</p>
    </Notice>
  );
}
