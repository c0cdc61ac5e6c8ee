// Checking the audit chain for the operator (`npm run coffer -- audit-verify`): walks every
// entry once and, at the first that does not hold, says what most likely happened to it:
//
//   changed   an entry's stored hash no longer matches its contents, or the next entry links
//             to a different version of it (it was changed and its hash recomputed);
//   removed   sequence numbers are missing, or an entry's content says it was numbered higher
//             (entries before it were deleted and the rest renumbered);
//   inserted  an entry links to one further back than its predecessor: the entries in between
//             are not part of the original chain.
//
// Removing the newest entries leaves a shorter chain that is still whole: only a head recorded
// elsewhere shows it. The daily head mail (server/jobs/audit-head.ts) carries `<seq>:<hash>`;
// `checkHead` compares the chain with it.
import { bytesEqual, toHex } from '../../../shared/crypto/index.js';
import type { AuditRow } from './repo.js';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './service.js';

/** The triggers that refuse UPDATE, DELETE and out-of-order INSERT on audit_log (migrations/0002). */
const APPEND_ONLY_TRIGGERS = ['audit_log_append_in_order', 'audit_log_no_delete', 'audit_log_no_update'] as const;

/** How many of the latest hashes the walk remembers, to recognise a link that skips entries. */
const LINK_MEMORY = 4096;
/** How far from its place the walk looks for the sequence number an entry was hashed with. */
const RENUMBER_SEARCH = 4096;

interface EntryFacts {
  readonly seq: number;
  readonly at: number;
  readonly action: string;
}

export type ChainBreak =
  /** `entry`'s contents do not match its hash (`recomputed`: its hash was recomputed, seen from the next entry). */
  | { readonly kind: 'changed'; readonly entry: EntryFacts; readonly recomputed: boolean }
  /** Entries `from`..`to` (sequence numbers) are missing; `next` is the first entry after them. */
  | {
      readonly kind: 'removed';
      readonly from: number;
      readonly to: number;
      readonly next: EntryFacts;
      readonly renumbered: boolean;
    }
  /** Entries `from`..`to` are not part of the original chain; `entry` is the first of them. */
  | { readonly kind: 'inserted'; readonly from: number; readonly to: number; readonly entry: EntryFacts };

export type ChainInspection =
  | {
      readonly ok: true;
      readonly entries: number;
      readonly head: { readonly seq: number; readonly hash: Uint8Array } | null;
    }
  | { readonly ok: false; readonly break: ChainBreak; readonly checked: number };

const facts = (row: AuditRow): EntryFacts => ({ seq: row.seq, at: row.at, action: row.action });

/** The sequence number `row` was hashed with, searched near `seq`; undefined if none matches. */
function hashedAsSeq(row: AuditRow, seq: number): number | undefined {
  const { hash, ...rest } = row;
  for (let offset = 1; offset <= RENUMBER_SEARCH; offset++) {
    for (const candidate of [seq + offset, seq - offset]) {
      if (candidate >= 1 && bytesEqual(auditEntryHash({ ...rest, seq: candidate }), hash)) return candidate;
    }
  }
  return undefined;
}

/** Walks `rows` (in sequence order) and reports the first break, or the head of a whole chain. */
export function inspectChain(rows: Iterable<AuditRow>): ChainInspection {
  let expectedSeq = 1;
  let prevHash: Uint8Array = AUDIT_GENESIS_HASH;
  let previous: AuditRow | undefined;
  // The latest entries only: stored hash (hex) → seq, and seq → what the entry is.
  const seqOfHash = new Map<string, number>();
  const factsOfSeq = new Map<number, EntryFacts>();

  for (const row of rows) {
    const { hash, ...rest } = row;
    const contentHolds = bytesEqual(auditEntryHash(rest), hash);
    const linkHolds = bytesEqual(row.prevHash, prevHash);
    const checked = expectedSeq - 1;

    if (row.seq > expectedSeq) {
      return {
        ok: false,
        checked,
        break: { kind: 'removed', from: expectedSeq, to: row.seq - 1, next: facts(row), renumbered: false },
      };
    }
    if (!linkHolds) {
      const linkedTo = seqOfHash.get(toHex(row.prevHash));
      const first = linkedTo === undefined ? undefined : factsOfSeq.get(linkedTo + 1);
      if (linkedTo !== undefined && linkedTo < row.seq - 1 && first !== undefined) {
        return {
          ok: false,
          checked: linkedTo,
          break: { kind: 'inserted', from: first.seq, to: row.seq - 1, entry: first },
        };
      }
      if (contentHolds && previous !== undefined) {
        // This entry is intact but names another version of the one before: that one was
        // changed and its hash recomputed to match.
        return {
          ok: false,
          checked: checked - 1,
          break: { kind: 'changed', entry: facts(previous), recomputed: true },
        };
      }
      const original = contentHolds ? undefined : hashedAsSeq(row, row.seq);
      if (original !== undefined && original > row.seq) {
        return {
          ok: false,
          checked,
          break: { kind: 'removed', from: row.seq, to: original - 1, next: facts(row), renumbered: true },
        };
      }
      return { ok: false, checked, break: { kind: 'changed', entry: facts(row), recomputed: false } };
    }
    if (!contentHolds) return { ok: false, checked, break: { kind: 'changed', entry: facts(row), recomputed: false } };

    seqOfHash.set(toHex(hash), row.seq);
    factsOfSeq.set(row.seq, facts(row));
    if (factsOfSeq.size > LINK_MEMORY) {
      const oldest = row.seq - LINK_MEMORY;
      factsOfSeq.delete(oldest);
      seqOfHash.delete(seqOfHash.keys().next().value as string);
    }
    prevHash = hash;
    previous = row;
    expectedSeq += 1;
  }
  return {
    ok: true,
    entries: expectedSeq - 1,
    head: previous === undefined ? null : { seq: previous.seq, hash: previous.hash },
  };
}

/** A head as the mail gives it: `<seq>:<64 hex>`, or just the hash. */
export interface ExpectedHead {
  readonly seq: number | null;
  /** 64 lower-case hex characters. */
  readonly hash: string;
}

export function parseHead(text: string): ExpectedHead | undefined {
  const match = /^(?:([1-9]\d{0,14}):)?([0-9a-fA-F]{64})$/.exec(text.trim());
  if (match === null) return undefined;
  return { seq: match[1] === undefined ? null : Number(match[1]), hash: (match[2] as string).toLowerCase() };
}

export type HeadCheck =
  | { readonly ok: true; readonly seq: number }
  /** The chain ends before the mailed entry: the newest entries were removed. */
  | { readonly ok: false; readonly kind: 'truncated'; readonly seq: number; readonly last: number }
  /** The chain has a different entry where the mailed one was (or nowhere, for a bare hash). */
  | { readonly ok: false; readonly kind: 'rewritten'; readonly seq: number | null };

/**
 * Compares a whole chain (inspected first) with a head mailed earlier. `at(seq)` and
 * `withHash(hash)` look entries up in the log.
 */
export function checkHead(
  expected: ExpectedHead,
  chain: { readonly entries: number },
  lookup: { at(seq: number): AuditRow | undefined; withHash(hash: string): AuditRow | undefined },
): HeadCheck {
  if (expected.seq === null) {
    const found = lookup.withHash(expected.hash);
    return found === undefined ? { ok: false, kind: 'rewritten', seq: null } : { ok: true, seq: found.seq };
  }
  if (expected.seq > chain.entries) return { ok: false, kind: 'truncated', seq: expected.seq, last: chain.entries };
  const entry = lookup.at(expected.seq);
  if (entry === undefined || toHex(entry.hash) !== expected.hash)
    return { ok: false, kind: 'rewritten', seq: expected.seq };
  return { ok: true, seq: expected.seq };
}

// ---- what the command line prints

/** `2026-01-15 09:00:00 UTC` */
function timeText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function entryText(entry: EntryFacts): string {
  return `entry ${entry.seq} (${timeText(entry.at)}, ${entry.action})`;
}

function range(from: number, to: number): string {
  return from === to ? `entry ${from} was` : `entries ${from} to ${to} were`;
}

/** The verdict on a whole chain. */
export function describeIntact(
  chain: { readonly entries: number; readonly head: { readonly seq: number; readonly hash: Uint8Array } | null },
  at?: number,
): string {
  if (chain.head === null) return 'Audit log intact: 0 entries (the log is empty).';
  const when = at === undefined ? '' : `, ${timeText(at)}`;
  return `Audit log intact: ${chain.entries} entries, head ${toHex(chain.head.hash)} (entry ${chain.head.seq}${when}).`;
}

/** The first break, in a sentence that names the entry and what happened to it. */
export function describeBreak(found: ChainBreak, checked: number): string {
  const intact = checked > 0 ? ` Entries 1 to ${checked} are intact.` : '';
  switch (found.kind) {
    case 'changed':
      return found.recomputed
        ? `Audit log BROKEN: ${entryText(found.entry)} was changed and its hash recomputed: entry ${found.entry.seq + 1} links to a different version of it.${intact}`
        : `Audit log BROKEN: ${entryText(found.entry)} was changed: its hash no longer matches its contents.${intact}`;
    case 'removed':
      return found.renumbered
        ? `Audit log BROKEN: ${range(found.from, found.to)} removed and the later entries renumbered: what is now ${entryText(found.next)} was hashed as entry ${found.to + 1}.${intact}`
        : `Audit log BROKEN: ${range(found.from, found.to)} removed: the sequence jumps from ${found.from - 1} to ${entryText(found.next)}.${intact}`;
    case 'inserted':
      return found.from === found.to
        ? `Audit log BROKEN: ${entryText(found.entry)} was inserted: entry ${found.to + 1} links to entry ${found.from - 1}.${intact}`
        : `Audit log BROKEN: entries ${found.from} to ${found.to} were inserted, the first being ${entryText(found.entry)}: entry ${found.to + 1} links to entry ${found.from - 1}.${intact}`;
  }
}

/** A warning when the append-only triggers are gone: only someone working on the file itself removes them. */
export function describeMissingTriggers(present: readonly string[]): string | undefined {
  const missing = APPEND_ONLY_TRIGGERS.filter((name) => !present.includes(name));
  if (missing.length === 0) return undefined;
  return `Warning: the database has lost the triggers that keep the audit log append-only (${missing.join(', ')}): someone changed the database file outside Coffer.`;
}

export function describeHeadCheck(check: HeadCheck): string {
  if (check.ok)
    return `The head mailed for entry ${check.seq} matches: the log has not been rewritten or cut short since that mail.`;
  if (check.kind === 'truncated') {
    return `Audit log REWRITTEN: the mailed head names entry ${check.seq}, but the log ends at entry ${check.last}: ${range(check.last + 1, check.seq)} removed from the end.`;
  }
  return check.seq === null
    ? 'Audit log REWRITTEN: no entry in the log has the mailed head hash: the chain was rebuilt after that mail.'
    : `Audit log REWRITTEN: entry ${check.seq} is not the entry whose hash was mailed: the chain was rebuilt after that mail.`;
}
