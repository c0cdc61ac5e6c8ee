// The inbox's rows: everything that came in for this account, newest first — shares sent to
// it, and (for the office) uploads through its drop links and its clients' portals — and the
// filters over what the browser decrypted. Pure functions; the page loads the lists.
import type { ClientSummary } from '../../api/clients';
import type { DropSummary } from '../../../../shared/wire/drops.js';
import type { ReceivedList } from '../../api/sharing';
import type { MessageKey } from '../../i18n';
import { DROP_STATE_LABELS } from '../drops/labels';
import { STATE_LABELS } from '../share/labels';
import { hasSeen, type SeenMarks } from './seen';

/** A share sent to this account, uploads through a drop link, or a client's uploads through their portal. */
export type InboxKind = 'share' | 'drop' | 'portal';

export interface InboxEntry {
  readonly kind: InboxKind;
  /** The share id, or the drop id (a drop's uploads are one row, opened on the drop's page). */
  readonly id: string;
  /** The sender, the drop's label as the browser opened it (null if it did not open), or the client. */
  readonly from: string | null;
  /** A second line: the drop's title, or whose drop it is when it is a colleague's. */
  readonly details: readonly string[];
  /** When it came in: the share's time, or the drop's latest upload. */
  readonly at: string;
  /** Files of a share; uploads of a drop. */
  readonly count: number;
  /** Whether it is still open (a share that can be downloaded, a drop that takes uploads). */
  readonly active: boolean;
  /** Its state in words: active, expired, revoked, used up, closed. */
  readonly stateLabel: MessageKey;
  /** Where the row opens; null for a share that can no longer be opened. */
  readonly href: string | null;
}

export function shareEntries(shares: ReceivedList['shares']): InboxEntry[] {
  return shares.map((share) => ({
    kind: 'share',
    id: share.shareId,
    from: share.senderName,
    details: [],
    at: share.createdAt,
    count: share.fileCount,
    active: share.state === 'active',
    stateLabel: STATE_LABELS[share.state],
    href: share.state === 'active' ? `/app/received/${share.shareId}` : null,
  }));
}

/**
 * The drops that received uploads. A personal drop is a client's portal: named after the client
 * (from the office's client list), else after its label.
 */
export function dropEntries(
  drops: readonly DropSummary[],
  labels: ReadonlyMap<string, string | null>,
  clients: readonly ClientSummary[],
  colleague: (drop: DropSummary) => string | null,
): InboxEntry[] {
  const clientOfDrop = new Map(clients.flatMap((client) => (client.dropId ? [[client.dropId, client.name]] : [])));
  return drops.flatMap((drop) => {
    if (drop.uploadCount === 0 || drop.lastUploadAt === null) return [];
    const label = labels.get(drop.dropId) ?? null;
    const by = colleague(drop);
    return [
      {
        kind: drop.personal ? 'portal' : 'drop',
        id: drop.dropId,
        from: (drop.personal ? clientOfDrop.get(drop.dropId) : undefined) ?? label,
        details: [drop.title, ...(by === null ? [] : [by])],
        at: drop.lastUploadAt,
        count: drop.uploadCount,
        active: drop.state === 'active',
        stateLabel: DROP_STATE_LABELS[drop.state],
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

/** Lower case without accents, so "bakkerij" finds "Bäkkerij" and "é" finds "e". */
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
