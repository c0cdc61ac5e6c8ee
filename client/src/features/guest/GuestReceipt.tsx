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
import { guestReceiptIn, withSavedFile, type GuestReceipt } from './guest-receipt';

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
