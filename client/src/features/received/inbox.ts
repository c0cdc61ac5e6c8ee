// The inbox's rows: everything that came in for this account, newest first — shares sent to
// it, and (for the office) each upload through its drop links and its clients' portals — and
// the filters over what the browser opened. Pure functions; the page loads the lists.
import type { ClientSummary } from '../../api/clients';
import type { ReceivedList } from '../../api/sharing';
import type { MessageKey } from '../../i18n';
import type { DropSummary, DropUploadBrief } from '../../../../shared/wire/drops.js';
import { STATE_LABELS } from '../share/labels';
import { hasSeen, type SeenMarks } from './seen';

/** A share sent to this account, an upload through a drop link, or a client's upload through their portal. */
export type InboxKind = 'share' | 'drop' | 'portal';

export interface InboxEntry {
  readonly kind: InboxKind;
  /** The share id, or the drop upload id. */
  readonly id: string;
  /** The drop an upload came through; null for a share. */
  readonly dropId: string | null;
  /** The sender, the drop's label as the browser opened it (null if it did not open), or the client. */
  readonly from: string | null;
  /** Lines under it: the drop's title, and whose drop it is when it is a colleague's. */
  readonly details: readonly string[];
  /** When it came in. */
  readonly at: string;
  readonly fileCount: number;
  /** Why it cannot be opened any more (expired, revoked, used up, rejected); null while it can. */
  readonly ended: MessageKey | null;
  /** Where the row opens: the share's page, or the drop's page with its uploads; null when it cannot be opened. */
  readonly href: string | null;
}

export function shareEntries(shares: ReceivedList['shares']): InboxEntry[] {
  return shares.map((share) => ({
    kind: 'share',
    id: share.shareId,
    dropId: null,
    from: share.senderName,
    details: [],
    at: share.createdAt,
    fileCount: share.fileCount,
    ended: share.state === 'active' ? null : STATE_LABELS[share.state],
    href: share.state === 'active' ? `/app/received/${share.shareId}` : null,
  }));
}

/**
 * Each upload through the listed drops. An upload to a personal drop is a client's portal
 * upload: named after the client (from the office's client list), else after the drop's label.
 */
export function uploadEntries(
  drops: readonly DropSummary[],
  uploads: readonly DropUploadBrief[],
  labels: ReadonlyMap<string, string | null>,
  clients: readonly ClientSummary[],
  colleague: (drop: DropSummary) => string | null,
): InboxEntry[] {
  const dropsById = new Map(drops.map((drop) => [drop.dropId, drop]));
  const clientOfDrop = new Map(clients.flatMap((client) => (client.dropId ? [[client.dropId, client.name]] : [])));
  return uploads.flatMap((upload) => {
    const drop = dropsById.get(upload.dropId);
    if (drop === undefined) return [];
    const label = labels.get(drop.dropId) ?? null;
    const by = colleague(drop);
    return [
      {
        kind: drop.personal ? 'portal' : 'drop',
        id: upload.dropUploadId,
        dropId: drop.dropId,
        from: (drop.personal ? clientOfDrop.get(drop.dropId) : undefined) ?? label,
        details: [drop.title, ...(by === null ? [] : [by])],
        at: upload.receivedAt,
        fileCount: upload.fileCount,
        ended: upload.rejectedAt === null ? null : 'received.state.rejected',
        // A rejected upload is still shown on its drop's page, marked; that is where to delete it.
        href: `/app/drops/${drop.dropId}`,
      },
    ];
  });
}

/** Newest first; equal times keep their order. */
export function newestFirst(entries: readonly InboxEntry[]): InboxEntry[] {
  return entries
    .map((entry, index) => ({ entry, index, time: Date.parse(entry.at) }))
    .sort((a, b) => b.time - a.time || a.index - b.index)
    .map(({ entry }) => entry);
}

export interface InboxFilter {
  readonly kind: InboxKind | 'all';
  /** Words to find in the sender, label, client name or title; case and accents ignored. */
  readonly text: string;
  readonly unreadOnly: boolean;
}

export const NO_FILTER: InboxFilter = { kind: 'all', text: '', unreadOnly: false };

/** Lower case without accents, so "bakkerij" finds "Bäkkerij" and "e" finds "é". */
function folded(text: string, locale: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase(locale);
}

export function isUnread(entry: InboxEntry, seen: SeenMarks): boolean {
  return !hasSeen(seen, entry.id, entry.at);
}

export function filterInbox(
  entries: readonly InboxEntry[],
  filter: InboxFilter,
  seen: SeenMarks,
  locale: string,
): InboxEntry[] {
  const words = folded(filter.text, locale).split(/\s+/).filter(Boolean);
  return entries.filter((entry) => {
    if (filter.kind !== 'all' && entry.kind !== filter.kind) return false;
    if (filter.unreadOnly && !isUnread(entry, seen)) return false;
    const haystack = folded([entry.from ?? '', ...entry.details].join(' '), locale);
    return words.every((word) => haystack.includes(word));
  });
}
