// The inbox's rows and filters (client/src/features/received/inbox.ts), in Node: what each list
// becomes, the order, and what each filter leaves. The page itself is tested in Chromium
// (test/e2e/clients.test.ts).
import { describe, expect, it } from 'vitest';
import type { ClientSummary } from '../../client/src/api/clients';
import {
  filterInbox,
  isUnread,
  newestFirst,
  NO_FILTER,
  shareEntries,
  uploadEntries,
  type InboxEntry,
} from '../../client/src/features/received/inbox';
import { hasSeen } from '../../client/src/features/received/seen';
import type { DropSummary, DropUploadBrief } from '../../shared/wire/drops.js';

const id = (c: string): string => c.repeat(22);

function drop(over: Partial<DropSummary>): DropSummary {
  return {
    dropId: id('d'),
    ownerId: id('o'),
    ownerName: 'Anna de Vries',
    createdAt: '2026-11-01T09:00:00.000Z',
    expiresAt: '2026-12-31T09:00:00.000Z',
    state: 'active',
    personal: false,
    singleUse: false,
    title: 'Uw jaarstukken',
    email: null,
    maxFiles: 10,
    maxTotalBytes: 1_000_000_000,
    codeRequestedAt: null,
    codeConfirmedAt: null,
    locked: false,
    deliveryFailed: false,
    uploadCount: 2,
    lastUploadAt: '2026-12-03T10:00:00.000Z',
    label: null,
    ...over,
  };
}

const shares = shareEntries([
  {
    shareId: id('s'),
    senderName: 'Els Jansen',
    createdAt: '2026-12-04T08:00:00.000Z',
    expiresAt: '2026-12-20T08:00:00.000Z',
    state: 'active',
    fileCount: 3,
  },
  {
    shareId: id('t'),
    senderName: 'Piet Bakker',
    createdAt: '2026-11-20T08:00:00.000Z',
    expiresAt: '2026-11-27T08:00:00.000Z',
    state: 'expired',
    fileCount: 1,
  },
]);
const client = { dropId: id('p'), name: 'Bakkerij Smit B.V.' } as ClientSummary;
function upload(dropId: string, c: string, receivedAt: string, over: Partial<DropUploadBrief> = {}): DropUploadBrief {
  return { dropUploadId: id(c), dropId, receivedAt, rejectedAt: null, fileCount: 2, ...over };
}
const drops = uploadEntries(
  [drop({ dropId: id('d') }), drop({ dropId: id('p'), personal: true, ownerId: id('c') }), drop({ dropId: id('e') })],
  [
    upload(id('p'), 'u', '2026-12-05T07:00:00.000Z', { fileCount: 1 }),
    upload(id('d'), 'v', '2026-12-03T10:00:00.000Z', { fileCount: 4 }),
    upload(id('d'), 'w', '2026-11-02T10:00:00.000Z', { rejectedAt: '2026-11-03T10:00:00.000Z' }),
    // An upload of a drop that is not in the list (it went between the two answers): left out.
    upload(id('x'), 'x', '2026-12-06T10:00:00.000Z'),
  ],
  new Map([
    [id('d'), 'Jaarrekening Visser'],
    [id('p'), 'Bakkerij Smit'],
  ]),
  [client],
  (summary) => (summary.ownerId === id('o') ? null : `by ${summary.ownerName}`),
);
const inbox = newestFirst([...shares, ...drops]);
const names = (entries: readonly InboxEntry[]): (string | null)[] => entries.map((entry) => entry.from);

describe('the inbox', () => {
  it('holds shares and each upload through a drop, newest first, a personal drop’s under its client', () => {
    expect(inbox.map((entry) => [entry.kind, entry.from, entry.fileCount, entry.href, entry.ended])).toEqual([
      ['portal', 'Bakkerij Smit B.V.', 1, `/app/drops/${id('p')}`, null],
      ['share', 'Els Jansen', 3, `/app/received/${id('s')}`, null],
      ['drop', 'Jaarrekening Visser', 4, `/app/drops/${id('d')}`, null],
      // Expired: listed, no longer opened from here.
      ['share', 'Piet Bakker', 1, null, 'share.state.expired'],
      ['drop', 'Jaarrekening Visser', 2, `/app/drops/${id('d')}`, 'received.state.rejected'],
    ]);
    expect(inbox.map((entry) => entry.id)).toEqual([id('u'), id('s'), id('v'), id('t'), id('w')]);
    expect(inbox[0]?.details).toEqual(['Uw jaarstukken', 'by Anna de Vries']);
  });

  it('names an upload whose drop label did not open null, for the page to say so', () => {
    const [entry] = uploadEntries(
      [drop({})],
      [upload(id('d'), 'u', '2026-12-01T00:00:00.000Z')],
      new Map(),
      [],
      () => null,
    );
    expect(entry?.from).toBeNull();
  });

  it('filters by kind, by words (any case, any accents, all words) and by what was not opened yet', () => {
    expect(names(filterInbox(inbox, { ...NO_FILTER, kind: 'share' }, {}, 'nl-NL'))).toEqual([
      'Els Jansen',
      'Piet Bakker',
    ]);
    expect(names(filterInbox(inbox, { ...NO_FILTER, text: 'BAKKERIJ' }, {}, 'nl-NL'))).toEqual(['Bakkerij Smit B.V.']);
    expect(names(filterInbox(inbox, { ...NO_FILTER, text: 'jaarstukken visser' }, {}, 'en-GB'))).toEqual([
      'Jaarrekening Visser',
      'Jaarrekening Visser',
    ]);
    expect(names(filterInbox(inbox, { ...NO_FILTER, text: 'jaarstukken' }, {}, 'en-GB'))).toHaveLength(3);
    expect(names(filterInbox(inbox, { ...NO_FILTER, text: 'Bakker' }, {}, 'en-GB')).sort()).toEqual([
      'Bakkerij Smit B.V.',
      'Piet Bakker',
    ]);
    expect(names(filterInbox(inbox, { ...NO_FILTER, text: 'elS   JÄNSEN' }, {}, 'nl-NL'))).toEqual(['Els Jansen']);
    expect(filterInbox(inbox, { kind: 'drop', text: 'Els', unreadOnly: false }, {}, 'nl-NL')).toEqual([]);

    const seen = { [id('s')]: '2026-12-04T09:00:00.000Z', [id('w')]: '2026-12-01T00:00:00.000Z' };
    expect(names(filterInbox(inbox, { ...NO_FILTER, unreadOnly: true }, seen, 'nl-NL'))).toEqual([
      'Bakkerij Smit B.V.',
      'Jaarrekening Visser',
      'Piet Bakker',
    ]);
    expect(inbox.map((entry) => isUnread(entry, seen))).toEqual([true, false, true, true, false]);
  });

  it('counts a row seen only as of the time it was opened', () => {
    expect(hasSeen({}, 'x', '2026-12-01T00:00:00.000Z')).toBe(false);
    expect(hasSeen({ x: '2026-12-01T00:00:00.000Z' }, 'x', '2026-12-01T00:00:00.000Z')).toBe(true);
    expect(hasSeen({ x: '2026-12-01T00:00:00.000Z' }, 'x', '2026-12-02T00:00:00.000Z')).toBe(false);
  });
});
